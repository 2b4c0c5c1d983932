"""Wall clock, CPU time (``resource.getrusage``) and memory of the current process."""

from __future__ import annotations

import os
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
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return 0.0


def children_cpu_seconds() -> float:
    """User + system CPU time of this process's finished, waited-for children (the run's worker process)."""
    r = resource.getrusage(resource.RUSAGE_CHILDREN)
    return r.ru_utime + r.ru_stime


def _pss_kb(pid: int | str) -> tuple[int, int]:
    """(PSS, anonymous PSS) of a process in KiB; (0, 0) when it has gone or /proc has no rollup."""
    pss = anon = 0
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            for line in fh:
                if line.startswith("Pss:"):
                    pss = int(line.split()[1])
                elif line.startswith("Pss_Anon:"):
                    anon = int(line.split()[1])
    except OSError:
        pass
    return pss, anon


def _folder_bytes(folder: str) -> int:
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            try:
                total += os.stat(os.path.join(root, name)).st_size
            except OSError:  # removed while we looked
                pass
    return total


def _children(pid: int | str) -> list[str]:
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
    peaks would count those pages twice. ``peak_mb`` counts every resident page, memory-mapped file pages
    included (the frames a run keeps on disk between stages, while a stage reads them); ``peak_anon_mb``
    only the anonymous ones (what the kernel cannot drop and re-read from a file). ``scratch`` (a folder)
    is measured too: ``peak_scratch_mb`` is the most it held. Peaks are sampled (a spike shorter than the
    interval can be missed); Linux only (0 elsewhere)."""

    def __init__(self, interval: float = 0.1, scratch: str | None = None) -> None:
        import threading

        self.interval, self.scratch = interval, scratch
        self.peak_mb = self.peak_anon_mb = self.peak_scratch_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            sizes = [_pss_kb("self")] + [_pss_kb(k) for k in _children("self")]
            self.peak_mb = max(self.peak_mb, sum(p for p, _ in sizes) / 1024)
            self.peak_anon_mb = max(self.peak_anon_mb, sum(a for _, a in sizes) / 1024)
            if self.scratch:
                self.peak_scratch_mb = max(self.peak_scratch_mb, _folder_bytes(self.scratch) / 2**20)
            self._stop.wait(self.interval)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


def load_average() -> list[float]:
    try:
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
