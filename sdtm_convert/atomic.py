"""Moved to :mod:`sdtm_convert.common.atomic` (the one atomic writer); kept importable here."""

from sdtm_convert.common.atomic import atomic_open, atomic_write_bytes, atomic_write_text

__all__ = ["atomic_open", "atomic_write_bytes", "atomic_write_text"]
