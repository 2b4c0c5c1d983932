"""Moved to :mod:`sdtm_convert.spec.conditions` (the spec owns the condition language); kept as an alias."""

from sdtm_convert.spec.conditions import OPERATORS, evaluate, referenced_names

__all__ = ["OPERATORS", "evaluate", "referenced_names"]
