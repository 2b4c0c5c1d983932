"""sdtm-convert: raw CRF exports to a submission-ready CDISC package, and a validator for any package."""

__version__ = "0.1.0"
