"""Moved to :mod:`sdtm_convert.package.define.read`; this name stays importable for one release."""

from sdtm_convert.package.define.read import read_define_model

__all__ = ["read_define_model"]
