"""Benchmark: ``sdtm-convert validate`` on the whole CDISC pilot SDTM package.

    python -m benchmarks.validate_pilot [PATH]

Prints reading and validation time, records/s, CPU time and peak memory (``resource.getrusage``), and ratios
against two baselines:

* CDISC CORE 0.16 on the same package on the same kind of machine: 628 s wall (10 min 28 s), 9.1 GB largest
  process -- measured figures quoted from ``../shared/docs/anchors.md`` (CORE cannot run here);
* pyreadstat's bare ``read_xport`` of the same files, measured in this run.

Benchmarks may read ``../shared``; the product never does.
"""

from __future__ import annotations

import os
import resource
import sys
import time
from pathlib import Path

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "refdata" / "cdiscpilot01" / "sdtm"
CORE_WALL_S = 628.0  # anchors.md: CDISC CORE 0.16, SDTMIG 3.2 rules, whole pilot SDTM package, -ps 2
CORE_PEAK_GB = 9.1  # anchors.md: largest CORE process
GOAL_WALL_S, GOAL_RSS_GB = 15.0, 1.5


def _bare_read(path: Path) -> tuple[float, int]:
    import pyreadstat

    t = time.perf_counter()
    n = 0
    for f in sorted(path.glob("*.xpt")):
        try:
            df, _ = pyreadstat.read_xport(str(f))
        except Exception:  # the pilot ts.xpt needs cp1252
            df, _ = pyreadstat.read_xport(str(f), encoding="cp1252")
        n += len(df)
    return time.perf_counter() - t, n


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    path = Path(argv[0]) if argv else DEFAULT
    if not path.is_dir():
        print(f"no package at {path}", file=sys.stderr)
        return 2
    from sdtm_convert.standards import load_ct
    from sdtm_convert.validate import validate_package

    t0, c0 = time.perf_counter(), time.process_time()
    load_ct()  # one-off CT load, counted in the total below
    report = validate_package(path)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024**2  # KiB on Linux
    records = sum(d["records"] for d in report.datasets)
    bare_s, bare_n = _bare_read(path)
    size_mb = sum(f.stat().st_size for f in path.glob("*.xpt")) / 1e6
    print(f"package        {path}  ({len(report.datasets)} datasets, {records:,} records, {size_mb:.0f} MB)")
    print(
        f"read           {report.timing['read_s']:.2f} s   validate {report.timing['validate_s']:.2f} s   "
        f"total {wall:.2f} s wall, {cpu:.2f} s CPU  (load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    print(f"throughput     {records / wall:,.0f} records/s")
    print(f"peak memory    {peak_gb:.2f} GB (ru_maxrss)")
    print(
        f"findings       {len(report.findings):,} ({report.errors} errors, {report.warnings} warnings), "
        f"{len(report.rules)} rules"
    )
    print(
        f"vs CDISC CORE  {CORE_WALL_S / wall:.0f}x faster wall ({CORE_WALL_S:.0f} s), "
        f"{CORE_PEAK_GB / peak_gb:.1f}x less memory ({CORE_PEAK_GB} GB)  [anchors.md]"
    )
    print(
        f"vs pyreadstat  bare read of the same files {bare_s:.2f} s ({bare_n:,} records) this run: "
        f"validate total = {wall / bare_s:.2f}x the bare read"
    )
    ok = wall < GOAL_WALL_S and peak_gb < GOAL_RSS_GB
    print(f"goal           < {GOAL_WALL_S:.0f} s wall and < {GOAL_RSS_GB} GB: {'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
