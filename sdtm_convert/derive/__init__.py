"""SDTM derivations. Importing this package registers every derivation module."""

from sdtm_convert.derive import baseline, dm, epoch, se, seq, study_day, supp, visit  # noqa: F401  (register derivations)
from sdtm_convert.derive import merge  # noqa: F401  (registers merge_vars)
from sdtm_convert.derive.registry import DeriveContext, get, names, register

__all__ = ["DeriveContext", "get", "names", "register"]
