"""``python -m benchmarks.proposals.check RAW_STUDY``: each proposal gives the current code's output, and how fast.

Converts the study (not timed), then for every SDTM dataset compares the proposal with the current
private function and prints the CPU seconds of both.
"""

from __future__ import annotations

import sys
from pathlib import Path

from benchmarks.measure import Clock

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    from benchmarks.proposals import codelists_distinct, datasetjson_rows
    from sdtm_convert.package import codelists
    from sdtm_convert.package import datasetjson as dj
    from sdtm_convert.pipeline import convert

    raw = Path((argv or sys.argv[1:])[0])
    conv = convert(raw, ROOT / "mappings" / "nct03745417")
    totals = {"json_now": 0.0, "json_new": 0.0, "cl_now": 0.0, "cl_new": 0.0}
    same = True
    for name in sorted(conv.sdtm):
        df, meta = conv.sdtm[name], conv.metadata[name]
        cols = dj.columns(meta, df)
        clock = Clock.start()
        now = ",\n".join(dj._dumps(list(r)) for r in dj._rows(df, cols))
        totals["json_now"] += clock.elapsed()[1]
        clock = Clock.start()
        new = datasetjson_rows.row_text(df, cols, ",\n")
        totals["json_new"] += clock.elapsed()[1]
        same &= now == new
        for v in meta.variables:
            clock = Clock.start()
            a = codelists._distinct(df[v.name])
            totals["cl_now"] += clock.elapsed()[1]
            clock = Clock.start()
            b = codelists_distinct.distinct(df[v.name])
            totals["cl_new"] += clock.elapsed()[1]
            same &= a == b
        for vl in meta.value_level:
            a_mask = codelists._mask(df, vl.where, name)
            same &= a_mask.equals(codelists_distinct.mask(df, vl.where, name))
        print(f"{name:8s} {len(df):>9,} rows  identical so far: {same}", flush=True)
    print({k: round(v, 2) for k, v in totals.items()}, "identical:", same)
    same &= check_lineage(conv)
    same &= check_dates(raw)
    return 0 if same else 1


def check_dates(raw: Path) -> bool:
    """``dates_unique.edc_to_iso`` vs ``dates.edc_to_iso`` on every date column of the raw PASI form, transposed ×4."""
    import pandas as pd

    from benchmarks.proposals import dates_unique
    from sdtm_convert import dates

    df = pd.read_csv(raw / "pasi.csv", dtype=str, keep_default_na=False)
    values = pd.concat([df["PASIDAT"]] * 4, ignore_index=True)
    values.iloc[::1000] = "UN JAN 2021"
    values.iloc[5::997] = "31 FEB 2021"
    values.iloc[7::991] = ""
    clock = Clock.start()
    a_iso, a_prob = dates.edc_to_iso(values)
    now = clock.elapsed()[1]
    clock = Clock.start()
    b_iso, b_prob = dates_unique.edc_to_iso(values)
    new = clock.elapsed()[1]
    same = a_iso.equals(b_iso) and a_prob.equals(b_prob) and a_iso.dtype == b_iso.dtype
    print(f"edc_to_iso {len(values):,} values: now {now:.2f} s CPU, per distinct value {new:.2f} s; identical: {same}")
    return same


def check_lineage(conv) -> bool:
    import pandas as pd

    from benchmarks.proposals.lineage import per_distinct

    lin = conv.lineage
    same = True
    for col, fmt in (("seq", lambda v: f"{v:g}"), ("raw_row", lambda v: str(int(v)))):
        clock = Clock.start()
        a = lin[col].map(lambda v, f=fmt: "" if pd.isna(v) else f(v))
        now = clock.elapsed()[1]
        clock = Clock.start()
        b = per_distinct(lin[col], fmt)
        new = clock.elapsed()[1]
        ok = a.astype(object).equals(b)
        same &= ok
        print(f"lineage {col}: {len(lin):,} rows: now {now:.2f} s CPU, per distinct value {new:.2f} s; identical: {ok}")
    return same


if __name__ == "__main__":
    sys.exit(main())
