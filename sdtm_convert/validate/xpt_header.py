"""What pyreadstat does not report from an XPT v5 file: member name and dataset label, and the format.

Layout (SAS TS-140): 80-byte records. Library header (3 records), member header, descriptor header,
then member descriptor 1 (``SAS`` + member name at bytes 8-16) and 2 (dataset label at bytes 32-72).
"""

from __future__ import annotations

from pathlib import Path

_LIB = b"HEADER RECORD*******LIBRARY HEADER RECORD!!!!!!!"
_LIBV8 = b"HEADER RECORD*******LIBV8   HEADER RECORD!!!!!!!"


def read_header(path: Path) -> dict[str, str | None]:
    """``{"version": "5"|"8"|None, "member": name, "label": label}`` from the first 560 bytes."""
    with open(path, "rb") as fh:
        head = fh.read(560)
    version = "5" if head.startswith(_LIB) else "8" if head.startswith(_LIBV8) else None
    if version is None or len(head) < 560:
        return {"version": version, "member": None, "label": None}
    member = head[408:416].decode("latin-1").strip() or None
    label = head[512:552].decode("latin-1").rstrip() or None
    return {"version": version, "member": member, "label": label}


_OBS = b"HEADER RECORD*******OBS     HEADER RECORD!!!!!!!"


def truncation(path: Path, obs_length: int, nrows: int) -> str | None:
    """Why a v5 file looks truncated or corrupt (pyreadstat reads such files without a word), else None.

    The file is whole 80-byte records; after the OBS header come ``nrows`` observations of ``obs_length``
    bytes and at most one record of blank padding.
    """
    size = path.stat().st_size
    if size % 80:
        return f"file size {size} is not a multiple of 80 bytes (truncated?)"
    with open(path, "rb") as fh:
        head = fh.read(min(size, 1 << 20))
    at = head.find(_OBS)
    if at < 0 or at % 80:
        return "no OBS header record"
    data = size - (at + 80)
    rest = data - nrows * obs_length if obs_length else 0
    if rest < 0 or (obs_length and rest >= max(obs_length, 80)):
        return f"{data} data bytes do not hold {nrows} records of {obs_length} bytes (truncated or corrupt)"
    if rest:
        with open(path, "rb") as fh:
            fh.seek(size - rest)
            tail = fh.read()
        if tail.strip(b" \x00"):
            return "data after the last record is not padding (truncated or corrupt)"
    return None
