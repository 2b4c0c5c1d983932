"""All or nothing: a run writes its whole package into a staging folder beside ``--out`` and swaps it in at the end.

Until the swap the previous package stays whole; a run that fails, is interrupted (Ctrl-C, SIGTERM) or is
killed leaves it untouched. The swap is one ``renameat2(RENAME_EXCHANGE)`` on Linux (readers see the old
folder or the new one, never a mix), else two renames a moment apart. A run killed outright (SIGKILL, power
loss) leaves its staging folder; the next run into the same place removes it and says so.

One run at a time per output folder: a lock file beside it (``flock``, released by the kernel when the
process dies, so a killed run never leaves a stale lock) makes a second run refuse at once with a clear
message instead of racing the first. The lock file is removed when the run ends.

The output folder is replaced whole, so a folder that holds anything but a previous sdtm-convert package
(a ``manifest.json`` written by this tool) is refused: files this tool did not write are never deleted.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import json
import os
import secrets
import shutil
import signal
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sdtm_convert.common.places import final_place
from sdtm_convert.common.signals import STOP_SIGNALS, check, deferred, note_swapped
from sdtm_convert.errors import SdtmConvertError, fatal

STAGING = ".staging-"  # .<name>.staging-<pid>-<hex>: the package being written
LOCK = ".lock"  # .<name>.lock


def staging_glob(out: Path) -> str:
    return f".{out.name}{STAGING}*"


def check_replaceable(out: str | os.PathLike[str]) -> Path:
    """The output folder, resolved, if the package may replace it (absent, empty, or an earlier package of this
    tool's), else raise ``output-not-a-package`` / ``output-holds-cwd``. Nothing is created."""
    given = Path(out)
    target = given.resolve()
    if target.is_dir():
        if _holds_cwd(target):
            raise fatal("output-holds-cwd", "the output folder is, or contains, the current folder; the package "
                        "replaces the whole folder at the end, so run from another folder", file=str(given))
        if any(target.iterdir()) and not _is_package(target):
            raise fatal("output-not-a-package", "the output folder holds files that are not an sdtm-convert package "
                        "(no manifest.json written by sdtm-convert); the package replaces the whole folder at the "
                        "end, so give a new or empty folder, or one an earlier run wrote", file=str(given))
    return target


def _holds_cwd(folder: Path) -> bool:
    try:
        cwd = Path.cwd().resolve()
    except OSError:
        return False
    return cwd == folder or folder in cwd.parents


def _is_package(folder: Path) -> bool:
    try:
        doc = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and isinstance(doc.get("tool"), dict) and doc["tool"].get("name") == "sdtm-convert"


@contextmanager
def staged_output(out: str | os.PathLike[str],
                  notify: Callable[[str], None] = lambda _m: None) -> Iterator[tuple[Path, list[str]]]:
    """Lock the output place, remove what a killed run left there (``notify`` says so), and yield a new, empty
    staging folder beside ``out`` with the list of those notices. When the block ends normally the staging folder
    becomes ``out`` (an earlier package there is removed); when it raises, the staging folder is removed and
    ``out`` is untouched."""
    target = check_replaceable(out)
    with _staged(target, Path(out), notify) as (stage, notices):
        yield stage, notices
        check()  # a stop that came during the block and was swallowed there: no swap
        _swap_in(stage, target)


@contextmanager
def staged_files(out: str | os.PathLike[str]) -> Iterator[Path]:
    """For files added to a folder that may hold others (``write_package`` of the Python API): yield a staging
    folder beside ``out``; when the block ends normally its files are moved into ``out`` (created if absent), each
    by one rename and define files last, replacing files of the same name; when it raises, ``out`` is untouched.
    Locked, and a killed writer's staging folder removed, as for :func:`staged_output`."""
    target = Path(out).resolve()
    with _staged(target, Path(out)) as (stage, _):
        yield stage
        check()
        files = sorted((p for p in stage.rglob("*") if p.is_file()),
                       key=lambda p: (p.name.startswith("define"), p.relative_to(stage).as_posix()))
        target.mkdir(exist_ok=True)
        for path in files:
            dest = target / path.relative_to(stage)
            dest.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, dest)
        shutil.rmtree(stage)


@contextmanager
def _staged(target: Path, given: Path,
            notify: Callable[[str], None] = lambda _m: None) -> Iterator[tuple[Path, list[str]]]:
    """The lock, the leftovers of killed runs removed, and a new staging folder beside ``target`` that is removed
    when the block raises."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with _locked(target):
        notices = []
        for left in _leftovers(target):
            shutil.rmtree(left, ignore_errors=True)
            notices.append(f"removed {left.name}, left beside {given} by a run that was killed before it "
                           "finished (the package there was not changed by it)")
            notify(notices[-1])
        stage = target.parent / f".{target.name}{STAGING}{os.getpid()}-{secrets.token_hex(4)}"
        stage.mkdir()
        note_swapped(False)
        try:
            yield stage, notices
        except SdtmConvertError as exc:  # it names the file where it was being written for, not the staging copy
            shutil.rmtree(stage, ignore_errors=True)
            if exc.issue.file and STAGING in exc.issue.file:
                raise SdtmConvertError(replace(exc.issue, file=final_place(exc.issue.file))) from None
            raise
        except BaseException:
            shutil.rmtree(stage, ignore_errors=True)
            raise


def _leftovers(target: Path) -> list[Path]:
    return sorted(p for p in target.parent.glob(staging_glob(target)) if p.is_dir() and not p.is_symlink())


def _swap_in(stage: Path, target: Path) -> None:
    """``stage`` becomes ``target``; the earlier package (if any) is removed. Stop signals wait until it is done."""
    blocked = hasattr(signal, "pthread_sigmask")  # default handlers (no signals.install(): the API) wait too
    if blocked:
        old_mask = signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    try:
        with deferred():  # a stop arriving meanwhile is raised when the swap is whole, and the new package stays
            if not target.exists():
                os.rename(stage, target)
            elif not _exchange(stage, target):  # no atomic exchange here: two renames, the old one first
                os.rename(target, stage.with_name(stage.name + "-old"))
                os.rename(stage, target)
                stage = stage.with_name(stage.name + "-old")
            note_swapped(True)
            if stage.exists():
                shutil.rmtree(stage)  # now the earlier package
    finally:
        if blocked:
            signal.pthread_sigmask(signal.SIG_SETMASK, old_mask)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where the system or file system cannot."""
    name = ctypes.util.find_library("c")
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError, TypeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if fn(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(b))


@contextmanager
def _locked(target: Path) -> Iterator[None]:
    """Hold ``.<name>.lock`` beside ``target`` (exclusive ``flock``) or raise ``output-locked``; removed at the end."""
    try:
        import fcntl
    except ImportError:  # no flock (Windows): runs are not serialised
        yield
        return
    path = target.parent / f".{target.name}{LOCK}"
    while True:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _read_holder(fd)
            os.close(fd)
            raise fatal("output-locked", f"another sdtm-convert run is writing this output folder{holder}; wait for "
                        "it to end or give another --out", file=str(target)) from None
        except OSError:
            os.close(fd)
            raise
        try:  # the file we locked may have been removed by the run that just ended: lock the current one
            if os.fstat(fd).st_ino == os.stat(path).st_ino:
                break
        except FileNotFoundError:
            pass
        os.close(fd)
    try:
        os.ftruncate(fd, 0)
        os.write(fd, f"{os.getpid()} {time.strftime('%Y-%m-%d %H:%M:%S')}\n".encode())
        yield
    finally:
        with deferred():  # a stop arriving now is raised after the clean-up, not halfway through it
            path.unlink(missing_ok=True)  # before the lock goes: a waiting run then locks a new file
            os.close(fd)


def _read_holder(fd: int) -> str:
    try:
        text = os.pread(fd, 100, 0).decode("ascii", "replace").split()
    except OSError:
        return ""
    return f" (process {text[0]}, started {' '.join(text[1:3])})" if len(text) >= 3 else ""
