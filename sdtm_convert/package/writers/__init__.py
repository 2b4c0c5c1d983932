"""The output formats: one frozen :class:`Writer` descriptor each, in ``<fmt>.py`` modules.

Add a format by writing ``package/writers/<fmt>.py`` (a :class:`Writer` passed to :func:`register`) and its
test ``tests/package/test_<fmt>.py``; ``--formats``, the run's worker split, the package writer, the manifest
order and the validator's package reader follow from the descriptor (``tests/package/test_writer_contract.py``
checks every registered writer: round trip, same bytes twice, suffixes and reader declared).
"""

from sdtm_convert.common.registry import load_plugins
from sdtm_convert.package.writers._base import (
    WRITERS,
    Writer,
    Written,
    all_suffixes,
    check_contract,
    for_suffix,
    ordered,
    register,
)

__all__ = ["WRITERS", "Writer", "Written", "all_suffixes", "check_contract", "for_suffix", "ordered", "register"]

load_plugins(__name__)
