"""The pyreadstat floor, in a fresh process: ``python -m benchmarks.floor PACKAGE_DIR --json RESULT``.

Every ``*.xpt`` the measured job wrote (SDTM and ADaM) is read back into a ready frame (numbers
float64, text as Python ``str`` in object columns, as :func:`sdtm_convert.xpt.frame.prepare_frame`
hands them to the writer; not timed), then written again by ``pyreadstat.write_xport`` alone, timed
per file. For comparison the same frames are written by our :mod:`sdtm_convert.xpt.fastwriter`,
and its files are checked byte-identical to pyreadstat's after stamping both with the same time.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pyreadstat

from benchmarks.measure import Clock, load_average, peak_rss_mb


def ready_frame(path: Path) -> tuple[pd.DataFrame, Any]:
    df, meta = pyreadstat.read_xport(str(path), disable_datetime_conversion=True)  # SAS dates stay numbers
    cols = {}
    for c in df.columns:
        s = df[c]
        cols[c] = (
            s.to_numpy(dtype=np.float64)
            if pd.api.types.is_numeric_dtype(s.dtype)
            else s.fillna("").to_numpy(dtype=object)
        )
    return pd.DataFrame(cols, columns=list(df.columns)), meta


def run(package: Path, check_identical: bool = True) -> dict[str, Any]:
    from sdtm_convert.xpt import fastwriter
    from sdtm_convert.xpt.writer import _stamp

    files = sorted(package.rglob("*.xpt"))
    result: dict[str, Any] = {
        "files": len(files),
        "bytes": 0,
        "records": 0,
        "pyreadstat": {"wall": 0.0, "cpu": 0.0},
        "fastwriter": {"wall": 0.0, "cpu": 0.0},
        "identical": True,
        "per_file": {},
    }
    with tempfile.TemporaryDirectory(prefix="sdtm-floor-") as tmp:
        for path in files:
            df, meta = ready_frame(path)
            kw = {
                "file_label": meta.file_label or "",
                "column_labels": meta.column_labels,
                "table_name": meta.table_name,
            }
            slow, fast = Path(tmp) / f"slow-{path.name}", Path(tmp) / f"fast-{path.name}"
            clock = Clock.start()
            pyreadstat.write_xport(df, str(slow), file_format_version=5, **kw)
            w_slow, c_slow = clock.elapsed()
            clock = Clock.start()
            fastwriter.write_xport(df, fast, **kw)
            w_fast, c_fast = clock.elapsed()
            same = True
            if check_identical:
                for p in (slow, fast):
                    _stamp(p, b"25NOV26:00:00:00")
                same = slow.read_bytes() == fast.read_bytes()
            result["identical"] &= same
            size = slow.stat().st_size
            result["bytes"] += size
            result["records"] += len(df)
            for key, w, c in (("pyreadstat", w_slow, c_slow), ("fastwriter", w_fast, c_fast)):
                result[key]["wall"] += w
                result[key]["cpu"] += c
            result["per_file"][path.name] = {
                "records": len(df),
                "bytes": size,
                "pyreadstat_cpu": round(c_slow, 3),
                "fastwriter_cpu": round(c_fast, 3),
                "identical": same,
            }
            slow.unlink()
            fast.unlink()
    for key in ("pyreadstat", "fastwriter"):
        result[key] = {k: round(v, 3) for k, v in result[key].items()}
    result["peak_rss_mb"] = round(peak_rss_mb(), 1)
    result["load_average"] = load_average()
    return result


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("package", type=Path)
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    args.json.write_text(json.dumps(run(args.package), indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
