"""``run_batch``: the studies on the cluster, then the portfolio written beside them (what ``sdtm-convert batch
run``/``batch validate`` do)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sdtm_convert.batch import portfolio as pf
from sdtm_convert.batch.report import NAMES, write_all
from sdtm_convert.batch.studies import Study, check

Progress = Callable[[str], None]


def previous_portfolio(root: Path, since: str | None) -> tuple[dict[str, Any] | None, str | None]:
    """The portfolio to compare with: ``since`` if given, else the one an earlier batch left in ``root`` (read
    before it is replaced); and how the new portfolio names it (relative to ``root``)."""
    path = Path(since) if since else root / NAMES["json"]
    if not since and not path.is_file():
        return None, None
    return pf.load_previous(path), Path(os.path.relpath(path, root)).as_posix()


def run_batch(command: str, studies: list[Study], root: str | os.PathLike[str], *, scheduler: str | None = None,
              workers: int | None = None, since: str | None = None,
              progress: Progress = lambda _m: None) -> tuple[dict[str, Any], dict[str, Path]]:
    """Run every study (``command``: run or validate) as one task on a Dask cluster (``scheduler`` address, else a
    local cluster of ``workers`` processes) and write the portfolio into ``root``; the portfolio and its files.
    Usage problems (a study's arguments, two studies writing one folder, an unreadable ``since``) raise before
    any study starts; a study that fails is in the portfolio with its error, the others go on."""
    from sdtm_convert.batch.cluster import client, run_studies
    from sdtm_convert.batch.tasks import run_study_task

    root = Path(root)
    check(studies)
    previous, since_name = previous_portfolio(root, since)
    root.mkdir(parents=True, exist_ok=True)
    with client(scheduler, workers) as c:
        where = f"the scheduler at {scheduler}" if scheduler else "a local cluster"
        progress(f"{len(studies)} studies on {len(c.nthreads())} workers ({where})")
        outcomes = run_studies(c, run_study_task, studies, progress)
    portfolio = pf.build(command, outcomes, root, previous, since_name)
    written = write_all(portfolio, root)
    progress(f"portfolio: {written['html']}")
    return portfolio, written
