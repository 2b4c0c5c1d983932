"""Answer "where did this record come from": SDTM record → raw file, row and the raw values.

Reads the lineage file a run writes (``reports/lineage-sdtm.csv``) and, when the raw study folder
named in the run manifest is still there, the raw row itself.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from sdtm_convert.errors import fatal

LINEAGE = Path("reports") / "lineage-sdtm.csv"
RUN_MANIFEST = Path("manifest.json")


@dataclass
class TracedRecord:
    dataset: str
    record: int
    usubjid: str
    seq: str
    raw_file: str
    raw_row: int | None
    raw_values: dict[str, str] = field(default_factory=dict)


def find_run_root(path: Path) -> Path:
    """The output folder of a run, from the folder itself or any file inside it (e.g. dm.xpt)."""
    for cand in [path, *path.resolve().parents]:
        if (cand / LINEAGE).is_file():
            return cand
    raise fatal("trace-no-lineage", "no lineage file found (run 'sdtm-convert run' first)", file=str(path))


def _raw_folder(root: Path) -> Path | None:
    manifest = root / RUN_MANIFEST
    if not manifest.is_file():
        return None
    raw = json.loads(manifest.read_text(encoding="utf-8")).get("settings", {}).get("raw_folder")
    return Path(raw) if raw and Path(raw).is_dir() else None


def _raw_row(folder: Path | None, name: str, row: int | None) -> dict[str, str]:
    if folder is None or row is None or not (folder / name).is_file() or not name.lower().endswith(".csv"):
        return {}
    with open(folder / name, encoding="utf-8-sig", newline="") as fh:
        for i, rec in enumerate(csv.DictReader(fh), start=1):
            if i == row:
                return dict(rec)
    return {}


def trace(path: str | Path, usubjid: str, *, dataset: str | None = None, seq: float | None = None) -> list[TracedRecord]:
    path = Path(path)
    root = find_run_root(path)
    if dataset is None and path.suffix.lower() == ".xpt":
        dataset = path.stem.upper()
    lin = pd.read_csv(root / LINEAGE, dtype=str, keep_default_na=False)
    hit = lin[lin["USUBJID"] == usubjid]
    if dataset:
        hit = hit[hit["dataset"] == dataset.upper()]
    if seq is not None:
        hit = hit[pd.to_numeric(hit["seq"], errors="coerce") == float(seq)]
    folder = _raw_folder(root)
    return [
        TracedRecord(r.dataset, int(r.record), r.USUBJID, r.seq, r.raw_file, int(r.raw_row) if r.raw_row else None,
                     _raw_row(folder, r.raw_file, int(r.raw_row) if r.raw_row else None))
        for r in hit.itertuples(index=False)
    ]


def render(records: list[TracedRecord]) -> str:
    lines = []
    for r in records:
        seq = f" seq {r.seq}" if r.seq else ""
        src = f"{r.raw_file} row {r.raw_row}" if r.raw_row is not None else (r.raw_file or "(derived, no raw row)")
        lines.append(f"{r.dataset} record {r.record} ({r.usubjid}{seq}) ← {src}")
        if r.raw_values:
            lines.append("    " + ", ".join(f"{k}={v}" for k, v in r.raw_values.items()))
    return "\n".join(lines) + ("\n" if lines else "")
