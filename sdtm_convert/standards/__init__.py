"""Standards metadata by version (SDTMIG 3.1.2-3.4, SDTM model 1.2-1.4, ADaMIG 1.0/1.3) and CDISC controlled
terminology, read from package data."""

from sdtm_convert.standards.ct import Codelist, ControlledTerminology, load_ct
from sdtm_convert.standards.metadata import (
    adamig_variables,
    class_variables,
    sdtm_model_variables,
    sdtmig_datasets,
    sdtmig_domain_variables,
    sdtmig_variables,
)

__all__ = [
    "Codelist",
    "ControlledTerminology",
    "load_ct",
    "adamig_variables",
    "class_variables",
    "sdtm_model_variables",
    "sdtmig_datasets",
    "sdtmig_domain_variables",
    "sdtmig_variables",
]
