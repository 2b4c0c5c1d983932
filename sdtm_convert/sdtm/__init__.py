"""The SDTM stage after derivation: conformed datasets with their metadata and lineage."""
