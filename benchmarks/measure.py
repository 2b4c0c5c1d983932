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


def children_cpu_seconds() -> float:
    """User + system CPU time of this process's finished, waited-for children (the run's worker process)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _pss_kb(pid: int | str) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def _children(pid: int | str) -> list[str]:
    import os

    kids: list[str] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as fh:
                kids += fh.read().split()
    except OSError:
        pass
    return kids


class TreeMemory:
    """Samples the proportional set size (PSS) of this process and its children every ``interval`` seconds.

    PSS charges a page shared by two processes half to each, so the sum is the memory the job tree really
    holds; the worker process shares the caller's frames copy-on-write, and adding the two ``ru_maxrss``
    peaks would count those pages twice. The peak is a sampled one (a spike shorter than the interval
    can be missed); Linux only (0 elsewhere)."""

    def __init__(self, interval: float = 0.1) -> None:
        import threading

        self.interval, self.peak_mb = interval, 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            total = _pss_kb("self") + sum(_pss_kb(k) for k in _children("self"))
            self.peak_mb = max(self.peak_mb, total / 1024)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


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
