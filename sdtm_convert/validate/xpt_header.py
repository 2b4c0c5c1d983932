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


