"""Checks of what a command is told to write to or decode with, made before any data is read.

Each check raises :class:`~sdtm_convert.errors.SdtmConvertError` with one readable line, so a usage mistake
(an output folder that is a file, a place that cannot be written, an unknown encoding) stops a command at once
(exit 2) instead of after every stage. The checks create nothing: writability is probed with a temporary
file that is removed at once. :func:`environment_fault` names a refusal met later (a disk filling up).
"""

from __future__ import annotations

import codecs
import errno
import os
import re
import tempfile
from pathlib import Path

from sdtm_convert.errors import fatal

ENCODING_EXAMPLES = "utf-8, cp1252, gb18030, latin-1"


def check_output_folder(path: str | os.PathLike[str]) -> Path:
    """``path`` as a Path if it is, or can be created as, a folder this process can write; else raise.

    Codes: ``output-not-a-folder`` (the path, or a folder on its way, is a file) and ``output-not-writable``.
    """
    out = Path(path)
    if out.exists() and not out.is_dir():
        raise fatal("output-not-a-folder", "the output folder names an existing file; give a folder", file=str(out))
    base = _nearest_existing(out)
    if not base.is_dir():
        raise fatal("output-not-a-folder", f"cannot create the output folder: {base} is a file", file=str(out))
    _probe(base, out, "output folder")
    return out


def check_output_file(path: str | os.PathLike[str], what: str = "output file") -> Path:
    """``path`` as a Path if a file can be written there (its folder is created by the writer); else raise.

    Codes: ``output-not-a-file`` (it names a folder), ``output-not-a-folder`` (a folder on its way is a file),
    ``output-not-writable``.
    """
    target = Path(path)
    if target.is_dir():
        raise fatal("output-not-a-file", f"the {what} names an existing folder; give a file name", file=str(target))
    base = _nearest_existing(target.parent)
    if not base.is_dir():
        raise fatal("output-not-a-folder", f"cannot write the {what}: {base} is a file", file=str(target))
    if target.exists() and not os.access(target, os.W_OK):
        raise fatal("output-not-writable", f"cannot write the {what}: permission denied", file=str(target))
    _probe(base, target, what)
    return target


def check_encoding(name: str | None) -> str | None:
    """``name`` unchanged if Python knows it as a text encoding (or it is None); else raise ``encoding-unknown``."""
    if name is None:
        return None
    try:
        info = codecs.lookup(name)
    except LookupError:
        raise fatal("encoding-unknown", f"unknown text encoding {name!r} (e.g. {ENCODING_EXAMPLES})") from None
    if not getattr(info, "_is_text_encoding", True):  # base64, rot13, zlib...: codecs, but not text encodings
        raise fatal("encoding-unknown", f"{name!r} is not a text encoding (e.g. {ENCODING_EXAMPLES})")
    return name


def _nearest_existing(path: Path) -> Path:
    """``path`` or its nearest ancestor that exists (as a file or a folder)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _probe(folder: Path, target: Path, what: str) -> None:
    """Raise ``output-not-writable`` unless a file can be created in ``folder`` (the probe is removed)."""
    try:
        fd, name = tempfile.mkstemp(prefix=".sdtm-convert-probe-", dir=folder)
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise fatal("output-not-writable", f"cannot write the {what}: cannot create a file in {folder} ({reason})",
                    file=str(target)) from None
    os.close(fd)
    os.unlink(name)


# What the machine, not the input or the tool, refused: read-only or full disks, permissions, quotas, a folder
# where a file was expected (or the reverse), symbolic-link loops, too many open files.
ENVIRONMENT_ERRNOS = frozenset(
    getattr(errno, name) for name in ("EACCES", "EPERM", "EROFS", "ENOSPC", "EDQUOT", "EISDIR", "ENOTDIR", "ELOOP",
                                      "EMFILE", "ENFILE", "EFBIG", "ENAMETOOLONG") if hasattr(errno, name)
)


def environment_fault(exc: BaseException, place: str | os.PathLike[str] | None = None) -> str | None:
    """One line for an operating-system refusal met while a command ran (exit 2, not a bug), else None.

    Usage checks catch most of these before any data is read; this names the ones only the writing meets (a disk
    that fills or turns read-only during a run). The line names the file the refusal carries; a library that
    raises without one (pyarrow's "Error writing bytes to file") gets ``place``, the command's output folder."""
    if not isinstance(exc, OSError) or exc.errno is None or exc.errno not in ENVIRONMENT_ERRNOS:
        return None
    if exc.filename:
        where = f"{final_place(str(exc.filename))}: "
    else:
        where = f"writing under {place}: " if place is not None else ""
    return f"error: [environment] {where}{exc.strerror or exc} ({errno.errorcode[exc.errno]})"


_STAGING = re.compile(r"([/\\]|^)\.([^/\\]+)\.staging-\d+-[0-9a-f]+(-old)?(?=[/\\]|$)")


def final_place(path: str) -> str:
    """A path inside a run's staging folder (``build/../.build.staging-<pid>-<hex>/m5/...``) as the place it was
    being written for (``build/m5/...``): the staging folder is gone by the time the user reads the line."""
    return _STAGING.sub(lambda m: m.group(1) + m.group(2), path)


def output_inside_input(out: str | os.PathLike[str], **inputs: str | os.PathLike[str] | None) -> str | None:
    """A warning line when the output folder is one of the input folders or inside one (the package would mix
    with the raw exports or the spec it came from), else None. ``inputs``: name → folder, e.g. study=..."""
    target = Path(out).resolve()
    for name, folder in inputs.items():
        if folder is None:
            continue
        src = Path(folder).resolve()
        if target == src or src in target.parents:
            where = "is" if target == src else "is inside"
            return (f"warning: [output-inside-input] the output folder {out} {where} the {name} folder {folder}: "
                    "the package is written among the files it was made from")
    return None
