"""SIGTERM and SIGHUP end a command the way Ctrl-C does: an exception unwinds the stack, so every ``finally``
and context manager runs (staging folders, temporary files and frame stores are removed) before the process
exits with 128 + the signal number (130 Ctrl-C, 143 SIGTERM, 129 SIGHUP)."""

from __future__ import annotations

import signal
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


def _raise(signum: int, _frame: FrameType | None) -> None:
    raise Stopped(signum)


def install() -> None:
    """Raise :class:`Stopped` on SIGTERM and SIGHUP (main thread only; inherited by forked workers)."""
    for sig in STOP_SIGNALS:
        if sig != signal.SIGINT:
            signal.signal(sig, _raise)
