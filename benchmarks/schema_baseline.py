"""Baseline (b): one reused ``jsonschema`` validator over the rows vs :func:`sdtm_convert.rowschema.validate_frame`.

``python -m benchmarks.schema_baseline PACKAGE_DIR --rows 20000 --json RESULT`` (a fresh process). The rows are
the first ``--rows`` records of each of the written QS/RS, VS and AE datasets, deterministically damaged
(every 97th text cell emptied, every 89th cell of one column replaced by a value of the wrong kind, a
few values made too long) so that there are findings to compare. Both validators see the same rows, as
:func:`sdtm_convert.rowschema.rows.frame_rows` presents them; findings are compared as a multiset of
``(record, variable, keyword)`` and must be identical.
"""

from __future__ import annotations

import argparse
import ast
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from benchmarks.measure import Clock, load_average

DATASETS = ("QS", "RS", "VS", "AE")


def damaged(df: pd.DataFrame) -> pd.DataFrame:
    out = df.astype(object).copy()
    cols = list(df.columns)
    for j, col in enumerate(cols):
        if df[col].dtype != np.float64:
            out.iloc[np.arange(j % 97, len(df), 97), j] = ""
    num = next((c for c in cols if df[c].dtype == np.float64), None)
    char = next((c for c in cols if df[c].dtype != np.float64 and c not in ("STUDYID", "DOMAIN")), None)
    if num is not None:
        out.iloc[np.arange(3, len(df), 89), cols.index(num)] = "not a number"
    if char is not None:
        out.iloc[np.arange(5, len(df), 101), cols.index(char)] = "x" * 250
    return out


def _variable(error: Any) -> str:
    if error.validator == "required":
        return ast.literal_eval(error.message.removesuffix(" is a required property"))
    return error.absolute_path[0]


def jsonschema_findings(df: pd.DataFrame, schema: dict) -> Counter:
    from jsonschema import Draft202012Validator

    from sdtm_convert.rowschema.rows import frame_rows

    validator = Draft202012Validator(schema)
    found: Counter = Counter()
    for record, row in enumerate(frame_rows(df), start=1):
        for error in validator.iter_errors(row):
            found[(record, _variable(error), error.validator)] += 1
    return found


def vectorised_findings(df: pd.DataFrame, schema: dict, name: str) -> Counter:
    from sdtm_convert.rowschema import validate_frame

    return Counter(
        (i.extra["record"], i.variable, i.extra["keyword"]) for i in validate_frame(df, schema, dataset=name)
    )


def run(package: Path, rows: int) -> dict[str, Any]:
    from sdtm_convert.rowschema import load_schema
    from sdtm_convert.xpt import read_xpt

    per: dict[str, Any] = {}
    totals = {"rows": 0, "jsonschema_cpu": 0.0, "vectorised_cpu": 0.0, "jsonschema_wall": 0.0, "vectorised_wall": 0.0}
    identical = True
    for name in DATASETS:
        path = next(package.rglob(f"{name.lower()}.xpt"), None)
        if path is None:
            continue
        df, _ = read_xpt(path)
        df = damaged(df.head(rows).reset_index(drop=True))
        schema = load_schema(name)
        vectorised_findings(df.head(50), schema, name)  # compile the schema once (cached), as a long run would
        clock = Clock.start()
        expected = jsonschema_findings(df, schema)
        js_wall, js_cpu = clock.elapsed()
        clock = Clock.start()
        got = vectorised_findings(df, schema, name)
        v_wall, v_cpu = clock.elapsed()
        same = expected == got
        identical &= same
        per[name] = {
            "rows": len(df),
            "findings": sum(got.values()),
            "identical": same,
            "jsonschema_us_per_row": round(js_cpu / len(df) * 1e6, 2),
            "vectorised_us_per_row": round(v_cpu / len(df) * 1e6, 3),
            "speedup_cpu": round(js_cpu / v_cpu, 1) if v_cpu else None,
        }
        for k, v in (
            ("rows", len(df)),
            ("jsonschema_cpu", js_cpu),
            ("vectorised_cpu", v_cpu),
            ("jsonschema_wall", js_wall),
            ("vectorised_wall", v_wall),
        ):
            totals[k] += v
    speed = totals["jsonschema_cpu"] / totals["vectorised_cpu"] if totals["vectorised_cpu"] else None
    return {
        "datasets": per,
        "identical": identical,
        **{k: round(v, 4) for k, v in totals.items()},
        "speedup_cpu": round(speed, 1) if speed else None,
        "jsonschema_us_per_row": round(totals["jsonschema_cpu"] / max(totals["rows"], 1) * 1e6, 2),
        "vectorised_us_per_row": round(totals["vectorised_cpu"] / max(totals["rows"], 1) * 1e6, 3),
        "load_average": load_average(),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("package", type=Path)
    ap.add_argument("--rows", type=int, default=20_000)
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    args.json.write_text(json.dumps(run(args.package, args.rows), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
