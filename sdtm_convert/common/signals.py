"""SIGTERM and SIGHUP end a command the way Ctrl-C does: an exception unwinds the stack, so every ``finally``
and context manager runs (staging folders, temporary files and frame stores are removed) before the process
exits with 128 + the signal number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP).

A stop is also remembered: library code that catches every exception (a C extension's fallback path, a
callback whose errors are dropped) can swallow the exception the handler raised, and a run once went on to
finish and replace the package after a SIGTERM (exit 0, 1 in 6 runs of ``tests/trust/test_stops.py``).
:func:`check` raises the remembered stop again; every progress line and the staging swap call it, so a stop
is honoured at the latest at the next stage boundary and never after the package was replaced."""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

# the signals that ask a command to stop: Ctrl-C (SIGINT, as KeyboardInterrupt) and those :func:`install` handles
STOP_SIGNALS: tuple[signal.Signals, ...] = tuple(getattr(signal, n) for n in ("SIGINT", "SIGTERM", "SIGHUP")
                                                 if hasattr(signal, n))


class Stopped(BaseException):
    """The process was asked to stop by a signal (a BaseException, as KeyboardInterrupt: no ``except Exception``
    swallows it)."""

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum

    @property
    def exit_code(self) -> int:
        return 128 + self.signum


_pending: int | None = None  # the first stop signal received since install()


def _stop(signum: int) -> BaseException:
    return KeyboardInterrupt() if signum == signal.SIGINT else Stopped(signum)


_deferred = 0  # > 0 while a step that must not be cut short runs (the swap): a stop then only is remembered


def _raise(signum: int, _frame: FrameType | None) -> None:
    global _pending
    if _pending is None:
        _pending = signum
    if not _deferred:
        raise _stop(signum)


@contextmanager
def deferred() -> Iterator[None]:
    """Run the block whole: a stop signal arriving meanwhile is remembered and raised when it ends. (Blocking the
    signal is not enough: it only masks this thread, and a process-wide signal goes to another thread, such as
    one of Arrow's, whose trip Python then raises in this one at its next instruction.)"""
    global _deferred
    _deferred += 1
    try:
        yield
    finally:
        _deferred -= 1
    check()


def install() -> None:
    """Raise :class:`Stopped` on SIGTERM and SIGHUP and ``KeyboardInterrupt`` on SIGINT, and remember the first
    (main thread only; inherited by forked workers)."""
    global _pending
    _pending = None
    for sig in STOP_SIGNALS:
        signal.signal(sig, _raise)


_swapped = False  # the package being written is in its final place (a stop after this keeps it)


def note_swapped(done: bool) -> None:
    """Say whether the new package has been swapped into its final place (reset when a new one is staged)."""
    global _swapped
    _swapped = done


def package_swapped() -> bool:
    """A stop that ends the command now comes after the new package was swapped in: it is complete and kept."""
    return _swapped


def check() -> None:
    """Raise the stop received since :func:`install` again (no-op when none came): a stop whose exception was
    swallowed on the way still ends the command."""
    if _pending is not None:
        raise _stop(_pending)
