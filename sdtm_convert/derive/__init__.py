"""SDTM derivations. Importing this package registers every derivation module."""

from sdtm_convert.derive.registry import DeriveContext, get, names, register

__all__ = ["DeriveContext", "get", "names", "register"]
