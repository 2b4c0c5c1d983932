"""Which text encoding a raw file is in: UTF-16 and UTF-32 recognised by their byte-order mark or, without one,
by the pattern ASCII text leaves in them (a NUL byte beside every character).

A UTF-16 file read as UTF-8 or Windows-1252 gives a header of letters and NULs, so every expected column is
"missing": the reader asks :func:`sniff_wide` first. A file whose first KiB is NUL at every other byte (UTF-16)
or at three bytes in four (UTF-32), and nowhere else, and whose first KiB decodes as that encoding, is taken for
it; a file with a stray NUL in a value, or all NULs, is not.
"""

from __future__ import annotations

import codecs

import numpy as np

SAMPLE = 1024  # bytes looked at for the pattern
_BOMS = (  # the UTF-32 marks first: UTF-32 LE's begins with UTF-16 LE's
    (codecs.BOM_UTF32_LE, "utf-32", "UTF-32 LE"),
    (codecs.BOM_UTF32_BE, "utf-32", "UTF-32 BE"),
    (codecs.BOM_UTF16_LE, "utf-16", "UTF-16 LE"),
    (codecs.BOM_UTF16_BE, "utf-16", "UTF-16 BE"),
)
# (codec, what to call it, bytes per unit, offsets of the NUL bytes of an ASCII character in a unit)
_PATTERNS = (
    ("utf-32-le", "UTF-32 LE", 4, (1, 2, 3)),
    ("utf-32-be", "UTF-32 BE", 4, (0, 1, 2)),
    ("utf-16-le", "UTF-16 LE", 2, (1,)),
    ("utf-16-be", "UTF-16 BE", 2, (0,)),
)
NUL_SHARE = 0.9  # of the units, at least this share has NULs where an ASCII character has them


def is_wide(encoding: str) -> bool:
    """Whether ``encoding`` is UTF-16 or UTF-32 (text whose bytes are not ASCII-compatible)."""
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        return False
    return name.startswith(("utf-16", "utf-32"))


def sniff_wide(data: bytes) -> tuple[str, str] | None:
    """``(codec, name)`` when ``data`` is UTF-16 or UTF-32 text (``("utf-16", "UTF-16 LE with a byte-order
    mark")``, ``("utf-16-le", "UTF-16 LE without a byte-order mark")``), else None."""
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            return codec, f"{name} with a byte-order mark"
    for codec, name, width, nul_at in _PATTERNS:
        if _nul_pattern(data, width, nul_at) and _decodes(data, codec):
            return codec, f"{name} without a byte-order mark"
    return None


def _nul_pattern(data: bytes, width: int, nul_at: tuple[int, ...]) -> bool:
    n = min(len(data), SAMPLE) // width * width
    if n < 2 * width:
        return False
    units = np.frombuffer(data[:n], dtype=np.uint8).reshape(-1, width) == 0
    other = [i for i in range(width) if i not in nul_at]
    ascii_like = units[:, list(nul_at)].all(axis=1)
    return bool(ascii_like.mean() >= NUL_SHARE and not units[:, other].any(axis=1).mean() > 1 - NUL_SHARE)


def _decodes(data: bytes, codec: str) -> bool:
    """Whether the sample decodes as ``codec`` (a character cut at its end is not an error; the reader decodes
    the whole file and names a bad byte further on)."""
    try:
        codecs.getincrementaldecoder(codec)().decode(data[:SAMPLE], final=False)
    except UnicodeDecodeError:
        return False
    return True
