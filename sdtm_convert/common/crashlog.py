"""Where an internal error's traceback goes: a new file nobody could have prepared in advance.

The file is created with ``tempfile.mkstemp`` (``O_CREAT|O_EXCL``, and ``O_NOFOLLOW`` where the platform
has it; mode 0600) under a random name, so a symlink or file planted at any name is never followed or
overwritten. It goes into the folder that holds the command's ``--out`` when that is a real folder (not a
symlink) owned by the user, beside the output rather than in it (an earlier package in ``--out`` stays exactly
as its manifest lists it), else into a new private folder (mode 0700) made by ``tempfile.mkdtemp``.
"""

from __future__ import annotations

import os
import stat
import tempfile
from pathlib import Path

PREFIX = "sdtm-convert-crash-"


def _own_folder(folder: str | os.PathLike[str] | None) -> Path | None:
    if not folder:
        return None
    try:
        st = os.lstat(folder)
    except OSError:
        return None
    if not stat.S_ISDIR(st.st_mode) or (hasattr(os, "geteuid") and st.st_uid != os.geteuid()):
        return None
    return Path(folder)


def save_crash_log(text: str, out: str | os.PathLike[str] | None = None) -> Path | None:
    """Write ``text`` to a new crash log (see the module doc); its path, or None when none could be made."""
    beside = Path(os.path.abspath(out)).parent if out else None
    places = [p for p in (_own_folder(beside),) if p is not None]
    for place in places + [None]:
        try:
            folder = place if place is not None else Path(tempfile.mkdtemp(prefix="sdtm-convert-"))
            fd, name = tempfile.mkstemp(prefix=PREFIX, suffix=".log", dir=folder)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
            return Path(name)
        except OSError:
            continue
    return None
