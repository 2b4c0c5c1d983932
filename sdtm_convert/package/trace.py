"""Answer "where did this record come from": SDTM record → raw file, row and the raw values.

Reads the lineage file a run writes (``reports/lineage-sdtm.csv``) and, when the raw study folder
named in the run manifest is still there, the raw row itself.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

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
    folder = root / raw if raw else None  # relative to the output folder (an absolute path stays as it is)
    return folder if folder is not None and folder.is_dir() else None


def _raw_rows(folder: Path | None, wanted: set[tuple[str, int]]) -> dict[tuple[str, int], dict[str, str]]:
    """The raw CSV rows asked for, each file read once (and only up to the last row wanted)."""
    out: dict[tuple[str, int], dict[str, str]] = {}
    by_file: dict[str, set[int]] = {}
    for name, row in wanted:
        by_file.setdefault(name, set()).add(row)
    for name, rows in by_file.items():
        if folder is None or not (folder / name).is_file() or not name.lower().endswith(".csv"):
            continue
        last = max(rows)
        with open(folder / name, encoding="utf-8-sig", newline="") as fh:
            for i, rec in enumerate(csv.DictReader(fh), start=1):
                if i in rows:
                    out[(name, i)] = dict(rec)
                if i >= last:
                    break
    return out


def _raw_key(r: Any) -> tuple[str, int] | None:
    return (r.raw_file, int(r.raw_row)) if r.raw_row else None


def _sdtm_hits(lin: pd.DataFrame, usubjid: str, dataset: str | None, seq: float | None) -> pd.DataFrame:
    hit = lin[lin["USUBJID"] == usubjid]
    if dataset:
        hit = hit[hit["dataset"] == dataset.upper()]
    if seq is not None:
        hit = hit[pd.to_numeric(hit["seq"], errors="coerce") == float(seq)]
    return hit


def _sdtm_records(hit: pd.DataFrame, raw: dict[tuple[str, int], dict[str, str]]) -> list[TracedRecord]:
    return [
        TracedRecord(r.dataset, int(r.record), r.USUBJID, r.seq, r.raw_file, int(r.raw_row) if r.raw_row else None,
                     raw.get(_raw_key(r) or ("", 0), {}),
                     [int(x) for x in getattr(r, "derived_from_rows", "").split(";") if x])
        for r in hit.itertuples(index=False)
    ]


def _wanted(hit: pd.DataFrame) -> set[tuple[str, int]]:
    return {k for r in hit.itertuples(index=False) if (k := _raw_key(r))}


def trace(path: str | Path, usubjid: str, *, dataset: str | None = None, seq: float | None = None) -> list[TracedRecord]:
    """Records of ``usubjid`` with their raw source. ``seq`` is --SEQ for SDTM, ASEQ (or the record
    number) for ADaM; an ADaM record is followed to its SDTM record and on to the raw row."""
    path = Path(path)
    root = find_run_root(path)
    if dataset is None and path.suffix.lower() in (".xpt", ".json", ".ndjson", ".dsjc"):
        dataset = path.stem.upper()
    if dataset and dataset.upper().startswith("AD"):
        return _trace_adam(root, usubjid, dataset.upper(), seq)
    hit = _sdtm_hits(pd.read_csv(root / LINEAGE, dtype=str, keep_default_na=False), usubjid, dataset, seq)
    return _sdtm_records(hit, _raw_rows(_raw_folder(root), _wanted(hit)))


def _trace_adam(root: Path, usubjid: str, dataset: str, seq: float | None) -> list[TracedRecord]:
    if not (root / ADAM_LINEAGE).is_file():
        raise fatal("trace-no-lineage", "no ADaM lineage file in this run", file=str(root))
    lin = pd.read_csv(root / ADAM_LINEAGE, dtype=str, keep_default_na=False)
    hit = lin[(lin["USUBJID"] == usubjid) & (lin["dataset"] == dataset)]
    if seq is not None:
        key = pd.to_numeric(hit["ASEQ"].where(hit["ASEQ"] != "", hit["record"]), errors="coerce")
        hit = hit[key == float(seq)]
    # the SDTM lineage and each raw file are read once for all the ADaM records
    sdtm_lin = _sdtm_hits(pd.read_csv(root / LINEAGE, dtype=str, keep_default_na=False), usubjid, None, None)
    sources = [  # the first SDTM record each ADaM record comes from
        _sdtm_hits(sdtm_lin, usubjid, r.source_dataset, float(r.source_seq) if r.source_seq else None).iloc[:1]
        if r.source_dataset else sdtm_lin.iloc[0:0]
        for r in hit.itertuples(index=False)
    ]
    raw = _raw_rows(_raw_folder(root), set().union(*(_wanted(h) for h in sources)))
    out = []
    for r, source in zip(hit.itertuples(index=False), sources):
        via = f"{r.source_dataset} {r.source_variable}" + (f" seq {r.source_seq}" if r.source_seq else "")
        sdtm = _sdtm_records(source, raw)
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
            src = f"derived from {r.raw_file} data rows {', '.join(map(str, r.derived_from_rows))}"
        elif r.raw_row is not None:
            src = f"{r.raw_file} data row {r.raw_row}"
        else:
            src = r.raw_file or "(derived, no raw row)"
        via = f"{r.via} ← " if r.via else ""
        lines.append(f"{r.dataset} record {r.record} ({r.usubjid}{seq}) ← {via}{src}")
        if r.raw_values and not r.derived_from_rows:
            lines.append("    " + ", ".join(f"{k}={v}" for k, v in r.raw_values.items()))
    return "\n".join(lines) + ("\n" if lines else "")
