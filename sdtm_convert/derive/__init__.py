"""SDTM derivations. Importing this package registers every derivation module."""

from sdtm_convert.derive import (  # noqa: F401  (register derivations)
    baseline,
    dm,
    epoch,
    merge,  # noqa: F401  (registers merge_vars)
    pasi_items,
    pasi_scores,
    se,
    seq,
    study_day,
    supp,
    visit,
)
from sdtm_convert.derive.registry import DeriveContext, condition_parameters, get, names, parameters, register

__all__ = ["DeriveContext", "condition_parameters", "get", "names", "parameters", "register"]
