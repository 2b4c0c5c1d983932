"""Standards metadata (SDTMIG 3.4, ADaMIG 1.3) and CDISC controlled terminology, read from package data."""

from sdtm_convert.standards.ct import Codelist, ControlledTerminology, load_ct
from sdtm_convert.standards.metadata import (
    adamig_variables,
    sdtmig_datasets,
    sdtmig_domain_variables,
    sdtmig_variables,
)

__all__ = [
    "Codelist",
    "ControlledTerminology",
    "load_ct",
    "adamig_variables",
    "sdtmig_datasets",
    "sdtmig_domain_variables",
    "sdtmig_variables",
]
