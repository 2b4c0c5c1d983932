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
ADAM_LINEAGE = Path("reports") / "lineage-adam.csv"
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
    derived_from_rows: list[int] = field(default_factory=list)  # a sponsor-derived record: all its raw rows
    via: str = ""  # for an ADaM record: the SDTM record it comes from, e.g. "QS seq 29 (QSSTRESN)"


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
    """Records of ``usubjid`` with their raw source. ``seq`` is --SEQ for SDTM, ASEQ (or the record
    number) for ADaM; an ADaM record is followed to its SDTM record and on to the raw row."""
    path = Path(path)
    root = find_run_root(path)
    if dataset is None and path.suffix.lower() in (".xpt", ".json", ".ndjson"):
        dataset = path.stem.upper()
    if dataset and dataset.upper().startswith("AD"):
        return _trace_adam(root, usubjid, dataset.upper(), seq)
    lin = pd.read_csv(root / LINEAGE, dtype=str, keep_default_na=False)
    hit = lin[lin["USUBJID"] == usubjid]
    if dataset:
        hit = hit[hit["dataset"] == dataset.upper()]
    if seq is not None:
        hit = hit[pd.to_numeric(hit["seq"], errors="coerce") == float(seq)]
    folder = _raw_folder(root)
    return [
        TracedRecord(r.dataset, int(r.record), r.USUBJID, r.seq, r.raw_file, int(r.raw_row) if r.raw_row else None,
                     _raw_row(folder, r.raw_file, int(r.raw_row) if r.raw_row else None),
                     [int(x) for x in getattr(r, "derived_from_rows", "").split(";") if x])
        for r in hit.itertuples(index=False)
    ]


def _trace_adam(root: Path, usubjid: str, dataset: str, seq: float | None) -> list[TracedRecord]:
    if not (root / ADAM_LINEAGE).is_file():
        raise fatal("trace-no-lineage", "no ADaM lineage file in this run", file=str(root))
    lin = pd.read_csv(root / ADAM_LINEAGE, dtype=str, keep_default_na=False)
    hit = lin[(lin["USUBJID"] == usubjid) & (lin["dataset"] == dataset)]
    if seq is not None:
        key = pd.to_numeric(hit["ASEQ"].where(hit["ASEQ"] != "", hit["record"]), errors="coerce")
        hit = hit[key == float(seq)]
    out = []
    for r in hit.itertuples(index=False):
        via = f"{r.source_dataset} {r.source_variable}" + (f" seq {r.source_seq}" if r.source_seq else "")
        sdtm = trace(root, usubjid, dataset=r.source_dataset, seq=float(r.source_seq)) \
            if r.source_dataset and r.source_seq else \
            (trace(root, usubjid, dataset=r.source_dataset) if r.source_dataset else [])
        first = sdtm[0] if sdtm else None
        out.append(TracedRecord(r.dataset, int(r.record), usubjid, r.ASEQ, first.raw_file if first else "",
                                first.raw_row if first else None, first.raw_values if first else {},
                                first.derived_from_rows if first else [],
                                via=(via + (f" ({r.PARAMCD})" if r.PARAMCD else "")) if r.source_dataset else
                                f"derived from other {dataset} records ({r.PARAMCD})"))
    return out


def render(records: list[TracedRecord]) -> str:
    lines = []
    for r in records:
        seq = f" seq {r.seq}" if r.seq else ""
        if r.derived_from_rows:
            src = f"derived from {r.raw_file} rows {', '.join(map(str, r.derived_from_rows))}"
        elif r.raw_row is not None:
            src = f"{r.raw_file} row {r.raw_row}"
        else:
            src = r.raw_file or "(derived, no raw row)"
        via = f"{r.via} ← " if r.via else ""
        lines.append(f"{r.dataset} record {r.record} ({r.usubjid}{seq}) ← {via}{src}")
        if r.raw_values and not r.derived_from_rows:
            lines.append("    " + ", ".join(f"{k}={v}" for k, v in r.raw_values.items()))
    return "\n".join(lines) + ("\n" if lines else "")
