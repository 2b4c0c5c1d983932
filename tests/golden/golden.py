"""Golden files: the sample study's SDTM as CSV, updated only on purpose and reviewed as diffs.

Update after a reviewed change with:  python -m tests.golden.golden
"""

from __future__ import annotations

import csv
import io
import math
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent / "nct03745417"


def to_csv(frame: pd.DataFrame) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(frame.columns)
    numeric = [frame[c].dtype.kind in "fiu" for c in frame.columns]
    for row in frame.itertuples(index=False):
        w.writerow(["" if (isnum and (v is None or math.isnan(v))) else (format(v, ".15g") if isnum else v)
                    for v, isnum in zip(row, numeric)])
    return buf.getvalue()


def main() -> None:
    from sdtm_convert.pipeline import convert

    root = Path(__file__).resolve().parents[2]
    conv = convert(root / "sample_data" / "nct03745417", root / "mappings" / "nct03745417")
    HERE.mkdir(exist_ok=True)
    for old in HERE.glob("*.csv"):
        old.unlink()
    for name, frame in sorted(conv.sdtm.items()):
        (HERE / f"{name.lower()}.csv").write_text(to_csv(frame), encoding="utf-8")
    print(f"wrote {len(conv.sdtm)} golden files to {HERE}")


if __name__ == "__main__":
    main()
