"""The pooling report: ``reports/pooling.json`` (the whole :class:`~sdtm_convert.batch.pool.PoolResult` as data)
and ``reports/pooling.html`` (the same, as tables). Same inputs, same bytes: no clock, no absolute path
beyond the packages as given."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sdtm_convert.common.atomic import atomic_write_text
from sdtm_convert.common.html import environment

if TYPE_CHECKING:
    from sdtm_convert.batch.pool import PoolResult


def pool_report(result: PoolResult) -> dict[str, Any]:
    """The report's content (what ``pooling.json`` holds)."""
    spec, v = result.spec, result.validation
    return {
        "pool": spec.pool,
        "spec": spec.file,
        "datasets": {n: {"records": len(f), "variables": len(f.columns)} for n, f in result.frames.items()},
        "studies": result.counts,
        "variables": {n: {"keep": list(spec.keep.get(n, ())), "drop": list(spec.drop.get(n, ()))}
                      for n in result.frames if n in spec.keep or n in spec.drop},
        "renames": result.changes.renames,
        "recodes": result.changes.recodes,
        "meddra": {"to_version": spec.meddra_version, "terms": result.changes.meddra},
        "errors": len(result.errors),
        "issues": [i.to_dict() for i in result.issues],
        "written": [_rel(p, result.out) for p in result.files],
        "validation": None if v is None else {"errors": v.errors, "warnings": v.warnings,
                                              "report": "validation-pool.html"},
    }


def _rel(path: Path, out: Path) -> str:
    return Path(os.path.relpath(path, out)).as_posix()


def write_pool_report(result: PoolResult) -> list[Path]:
    """Write ``pooling.json`` and ``pooling.html`` into ``<out>/reports``; return their paths."""
    doc = pool_report(result)
    folder = result.out / "reports"
    folder.mkdir(parents=True, exist_ok=True)
    text = json.dumps(doc, indent=1, ensure_ascii=False, default=str) + "\n"
    html = environment("sdtm_convert.batch").get_template("pooling.html.j2").render(r=doc)
    return [atomic_write_text(folder / "pooling.json", text), atomic_write_text(folder / "pooling.html", html)]
