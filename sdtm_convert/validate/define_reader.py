"""Moved to :mod:`sdtm_convert.package.define.read`; this name stays importable for one release."""

from sdtm_convert.package.define.read import (
    DefCodelist,
    DefDataset,
    Define,
    DefineHeader,
    DefVariable,
    read_define,
    read_define_header,
)

__all__ = ["DefCodelist", "DefDataset", "DefVariable", "Define", "DefineHeader", "read_define",
           "read_define_header"]
