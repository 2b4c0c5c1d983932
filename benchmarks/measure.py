"""Wall clock, CPU time (``resource.getrusage``) and memory of the current process."""

from __future__ import annotations

import resource
import time
from dataclasses import dataclass


def cpu_seconds() -> float:
    """User + system CPU time of this process (all its threads), in seconds."""
    r = resource.getrusage(resource.RUSAGE_SELF)
    return r.ru_utime + r.ru_stime


def peak_rss_mb() -> float:
    """Whole-process peak resident set size so far (``ru_maxrss``, KiB on Linux) in MiB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def rss_mb() -> float:
    """Current resident set size in MiB (Linux ``/proc``; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as fh:
            import os

            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def load_average() -> list[float]:
    try:
        import os

        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return []


@dataclass
class Clock:
    """A started wall + CPU clock: ``elapsed()`` → (wall s, cpu s)."""

    wall0: float = 0.0
    cpu0: float = 0.0

    @classmethod
    def start(cls) -> Clock:
        return cls(time.perf_counter(), cpu_seconds())

    def elapsed(self) -> tuple[float, float]:
        return time.perf_counter() - self.wall0, cpu_seconds() - self.cpu0
