"""Run one function in a forked worker process while the caller goes on: the second core of a 2-core machine.

``job = Background(fn, *args)`` starts ``fn(*args)`` in a child made by ``fork`` (so the child sees the
caller's data frames without copying or pickling them: pages are shared copy-on-write and the frames are
only read); ``job.result()`` waits and returns what ``fn`` returned (pickled back through a pipe) or
raises what it raised. With ``jobs=1``, or where ``fork`` does not exist (Windows, and macOS where it is
unsafe), ``fn`` simply runs in the caller, so results never depend on the mode.

The function must not change the caller's objects (changes made in the child are lost): it returns
everything it produces.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import multiprocessing as mp
import os
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from sdtm_convert.common.signals import STOP_SIGNALS
from sdtm_convert.errors import fatal

T = TypeVar("T")


def can_fork() -> bool:
    return sys.platform.startswith("linux") and "fork" in mp.get_all_start_methods()


def default_jobs() -> int:
    """Processes a run uses: 2 where fork works and there are 2+ cores (``SDTM_CONVERT_JOBS`` overrides)."""
    env = os.environ.get("SDTM_CONVERT_JOBS", "").strip()
    if env:
        if not env.isdigit():
            raise fatal("jobs-invalid", f"SDTM_CONVERT_JOBS must be a whole number (1 or 2), not {env!r}")
        return max(1, int(env))
    return 2 if can_fork() and (os.cpu_count() or 1) >= 2 else 1


_PR_SET_PDEATHSIG = 1


def _die_with_parent(parent: int) -> None:
    """Linux: the kernel kills this worker when the process that started it dies (even by SIGKILL), so a killed
    run leaves no worker writing on; and if the parent is already gone, end now."""
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    except (OSError, AttributeError, TypeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


def _child(conn: Any, parent: int, fn: Callable[..., Any], args: tuple, kwargs: dict) -> None:
    _die_with_parent(parent)
    try:
        try:
            payload: tuple[Any, ...] = ("ok", fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - everything goes back to the caller
            _ignore_stops()
            payload = ("error", exc, traceback.format_exc())
        _ignore_stops()  # the work is done (or stopped): a second stop signal must not cut the hand-back short
        try:
            conn.send(payload)
        except Exception:  # noqa: BLE001 - an unpicklable result or exception: send its text
            conn.send(("error", None, traceback.format_exc() if payload[0] == "ok" else payload[2]))
        finally:
            conn.close()
    except BaseException:  # noqa: BLE001 - a stop signal that came before the ignoring: the parent stops too
        os._exit(1)


def _ignore_stops() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, signal.SIG_IGN)


class Background(Generic[T]):
    """``fn(*args, **kwargs)`` in a worker process (``parallel=True`` and fork available) or right here."""

    def __init__(self, fn: Callable[..., T], *args: Any, parallel: bool = True, what: str = "worker",
                 **kwargs: Any) -> None:
        self.what = what
        self._proc: Any = None
        if not (parallel and can_fork()):
            self._inline = True
            try:
                self._value: Any = fn(*args, **kwargs)
                self._error: BaseException | None = None
            except BaseException as exc:  # noqa: BLE001 - re-raised by result(), as in the worker case
                self._error = exc
            return
        self._inline = False
        ctx = mp.get_context("fork")
        self._conn, child_conn = ctx.Pipe(duplex=False)
        self._proc = ctx.Process(target=_child, args=(child_conn, os.getpid(), fn, args, kwargs), name=f"sdtm-convert {what}")
        self._proc.start()
        child_conn.close()

    def cancel(self, timeout: float = 30.0, *, interrupt: bool = True) -> None:
        """Stop a running worker: an interrupt first (its atomic writers remove their temporary files),
        then a kill if it does not end within ``timeout`` seconds. ``interrupt=False`` when the worker
        has had its interrupt already (Ctrl-C reaches the whole process group; a second one could cut
        its clean-up short). No-op when it ran inline or has ended."""
        if self._inline or self._proc is None or not self._proc.is_alive():
            return
        if interrupt:
            os.kill(self._proc.pid, signal.SIGINT)
        self._proc.join(timeout)
        if self._proc.is_alive():
            self._proc.kill()
            self._proc.join()
        self._conn.close()

    def result(self) -> T:
        if self._inline:
            if self._error is not None:
                raise self._error
            return self._value
        try:
            payload = self._conn.recv()
        except EOFError:
            self._proc.join()
            raise fatal("worker-failed", f"the {self.what} process ended without a result "
                                         f"(exit code {self._proc.exitcode}; out of memory?)") from None
        finally:
            self._conn.close()
        self._proc.join()
        if payload[0] == "ok":
            return payload[1]
        _, exc, text = payload
        if exc is None:
            raise fatal("worker-failed", f"the {self.what} process failed:\n{text}")
        raise exc
