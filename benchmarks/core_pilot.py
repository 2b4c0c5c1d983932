"""Benchmark: every shipped CORE rule of SDTMIG 3.2 on the whole CDISC pilot SDTM package, through our interpreter.

    python -m benchmarks.core_pilot [PATH] [--version 3.2] [--top 15] [--rules-source all]

Reads the package as ``sdtm-convert validate`` does, runs the rules (``sdtm_convert.validate.core.run_rules``)
and prints wall and CPU time, peak memory of this process, the rules run and not run (with the reasons counted),
the findings per rule, and the ratios against CDISC CORE's figures on the same package (``benchmarks/anchors.py``).
``--rules-source all`` times the whole ``validate_package(rules_source="all")`` instead (our rules and CORE's,
the findings both raise merged) and prints the findings before and after merging.
Benchmarks may read ``../shared``; the product never does.
"""

from __future__ import annotations

import argparse
import re
import resource
import sys
import time
from collections import Counter
from pathlib import Path

from benchmarks.anchors import ANCHORS
from sdtm_convert.validate.core.run import run_rules
from sdtm_convert.validate.package import read_package

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "refdata" / "cdiscpilot01" / "sdtm"
CORE = ANCHORS["core_pilot_package"]
GOAL_WALL_S, GOAL_PEAK_GB = 30.0, 2.0  # issue 18


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("path", type=Path, nargs="?", default=DEFAULT)
    ap.add_argument("--version", default="3.2")
    ap.add_argument("--top", type=int, default=15, help="rules with most findings to list")
    ap.add_argument("--rules-source", choices=("core", "all"), default="core",
                    help="core: the CORE rules alone (default); all: validate_package with both sources, merged")
    args = ap.parse_args(argv)
    if args.rules_source == "all":
        return _all(args)
    t0, c0 = time.perf_counter(), time.process_time()
    datasets = read_package(args.path).datasets
    t_read = time.perf_counter() - t0
    result = run_rules(datasets, "SDTMIG", args.version)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    records = sum(d.records for d in datasets.values())
    print(f"CORE rules, SDTMIG {args.version}, {len(datasets)} datasets, {records:,} records ({args.path.name})")
    print(f"  wall {wall:.1f} s (reading {t_read:.1f} s), CPU {cpu:.1f} s, peak {peak_gb:.2f} GB")
    print(f"  vs CDISC CORE {CORE['wall_s']:.0f} s / {CORE['workers_gb']} GB: {CORE['wall_s'] / wall:.0f}x faster, "
          f"{CORE['workers_gb'] / peak_gb:.0f}x less memory; goal <= {GOAL_WALL_S:.0f} s and {GOAL_PEAK_GB:.0f} GB: "
          f"{'met' if wall <= GOAL_WALL_S and peak_gb <= GOAL_PEAK_GB else 'NOT met'}")
    print(f"  rules run {len(result.ran)}, not run {len(result.not_run)}, findings {len(result.findings):,}")
    for reason, n in Counter(result.not_run.values()).most_common():
        print(f"    not run {n:3d}  {reason}")
    per_rule = Counter(f.core_id for f in result.findings)
    print(f"  rules with findings: {len(per_rule)}; most:")
    for rid, n in per_rule.most_common(args.top):
        print(f"    {rid} {n:7,d}")
    return 0


MERGED = re.compile(r"findings merged: (\d+) of this project's rules \+ (\d+) of CORE rules -> (\d+)")


def _all(args: argparse.Namespace) -> int:
    """The whole validation with ``rules_source="all"``, timed, with the findings before and after merging."""
    from sdtm_convert.validate import validate_package

    t0, c0 = time.perf_counter(), time.process_time()
    report = validate_package(args.path, standard=f"sdtmig-{args.version}", rules_source="all")
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    peak_gb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    f = report.findings
    print(f"validate --rules-source all, SDTMIG {args.version}, {len(report.datasets)} datasets ({args.path.name})")
    print(f"  wall {wall:.1f} s (reading {report.timing['read_s']:.1f} s), CPU {cpu:.1f} s, peak {peak_gb:.2f} GB")
    m = next((MERGED.search(n) for n in report.notes if MERGED.search(n)), None)
    if m:
        ours, core, after = (int(x) for x in m.groups())
        print(f"  findings before merging: {ours:,} ours + {core:,} CORE = {ours + core:,}; after: {after:,} "
              f"({ours + core - after:,} CORE findings merged into ours)")
    both = f[f["core_id"].notna() & ~f["rule"].astype(str).str.startswith("CORE-")]
    print(f"  merged findings (our rule + CORE id): {len(both):,}, by pair:")
    for (rule, core_id), n in both.groupby(["rule", "core_id"]).size().sort_values(ascending=False).items():
        print(f"    {rule} + {core_id} {n:7,d}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
