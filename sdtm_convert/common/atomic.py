"""Write a file so that readers see the old content or the new, never a half-written file.

Every writer of the package goes through :func:`atomic_open` (a file handle) or :func:`atomic_path` (a file
name, for writers such as pyreadstat that open the file themselves): the data goes to a temporary file in the
target's folder, gets ordinary permissions (0644 less the umask; ``mkstemp`` would leave 0600) and is renamed
over the target. On any failure the temporary file is removed.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A new temporary file name beside ``path``, for writers that want a file name rather than a handle
    (pyreadstat): what the block writes there replaces ``path`` when it ends (ordinary permissions), and is
    removed on any failure."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = None
    try:
        while True:
            tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
            try:
                os.close(os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
                break
            except FileExistsError:  # another writer's name: not ours to remove
                tmp = None
        yield tmp
        os.chmod(tmp, 0o644 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if tmp is not None:
            tmp.unlink(missing_ok=True)
        raise


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """``open(path, mode)`` for writing ("w" text as UTF-8 with "\\n" line ends, or "wb"), atomically: the data
    is flushed to disk before the rename (:func:`atomic_path`)."""
    if "b" not in mode:
        kwargs = {"encoding": "utf-8", "newline": "\n", **kwargs}
    with atomic_path(path) as tmp, open(tmp, mode, **kwargs) as fh:
        yield fh
        fh.flush()
        os.fsync(fh.fileno())


def atomic_write_bytes(path: str | Path, data: bytes) -> Path:
    with atomic_open(path, "wb") as fh:
        fh.write(data)
    return Path(path)


def atomic_write_text(path: str | Path, text: str) -> Path:
    with atomic_open(path, "w") as fh:
        fh.write(text)
    return Path(path)
