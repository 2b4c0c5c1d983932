"""The Dask distributed side: a client on a local cluster sized to the machine, or on a running scheduler, and
the studies run on it one task each, with a progress line per study finished.

The only module that imports dask (when a batch starts): ``pip install sdtm-convert[distributed]``.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sdtm_convert.batch.studies import Study
from sdtm_convert.errors import fatal

Progress = Callable[[str], None]


def _distributed() -> Any:
    try:
        import distributed
    except ImportError:
        raise fatal("batch-needs-dask", "sdtm-convert batch runs on Dask distributed, which is not installed: "
                    "pip install 'sdtm-convert[distributed]'") from None
    return distributed


def default_workers() -> int:
    """One worker process per core (a study is one process: the pipeline holds the GIL)."""
    return max(1, os.cpu_count() or 1)


@contextmanager
def client(scheduler: str | None = None, workers: int | None = None) -> Iterator[Any]:
    """A ``distributed.Client``: on the scheduler at ``scheduler`` (``tcp://host:8786``), else on a new local
    cluster of ``workers`` processes (default: one per core), one thread each, the machine's memory shared
    between them (Dask's ``memory_limit="auto"``), no dashboard; closed when the block ends."""
    distributed = _distributed()
    if scheduler:
        try:
            c = distributed.Client(scheduler, timeout="30s")
        except OSError as exc:
            raise fatal("batch-scheduler-unreachable", f"no Dask scheduler answers at {scheduler}: {exc}") from None
        with c:
            yield c
        return
    with distributed.LocalCluster(n_workers=workers or default_workers(), threads_per_worker=1, processes=True,
                                  memory_limit="auto", dashboard_address=None) as cluster, \
            distributed.Client(cluster) as c:
        yield c


def _line(study: dict[str, Any]) -> str:
    if study["error"]:
        return f"study {study['name']}: FAILED (exit {study['exit_status']}): {study['error']}"
    what = "errors" if study["exit_status"] else "no error"
    return f"study {study['name']}: {what} (exit {study['exit_status']})"


def run_studies(c: Any, fn: Callable[[Study], dict[str, Any]], studies: list[Study],
                progress: Progress) -> list[dict[str, Any]]:
    """``fn(study)`` for every study as one task each on the client ``c``; the outcomes in the studies' order. A
    task that dies (its worker killed, e.g. out of memory) is that study's failure (exit 3), not the batch's."""
    distributed = _distributed()
    slots = max(1, sum(c.nthreads().values()))
    futures = {c.submit(fn, s, key=f"sdtm-convert-{i}-{s.name}", pure=False): (i, s) for i, s in enumerate(studies)}
    done: dict[int, dict[str, Any]] = {}
    failed = 0
    for future in distributed.as_completed(list(futures)):
        i, study = futures[future]
        try:
            outcome = future.result()
        except Exception as exc:  # noqa: BLE001 - the worker died or the task could not run
            outcome = {"name": study.name, "command": study.command, "out": study.out, "argv": list(study.argv),
                       "exit_status": 3, "conversion": None, "validation": [],
                       "error": f"internal error: the task did not finish: {type(exc).__name__}: {exc}"}
        done[i] = outcome
        failed += outcome["exit_status"] >= 2
        left = len(studies) - len(done)
        running = min(slots, left)
        progress(f"{_line(outcome)}; studies: {len(done)}/{len(studies)} done ({failed} failed), {running} running, "
                 f"{left - running} waiting")
    return [done[i] for i in range(len(studies))]
