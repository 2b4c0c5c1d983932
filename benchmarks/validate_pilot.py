"""Benchmark: ``sdtm-convert validate`` on the whole CDISC pilot SDTM package, with its reports, in one command.

    python -m benchmarks.validate_pilot [PATH] [--big PATH] [--flood N (default 20,000)] [--no-save]

Each measurement is one fresh ``sdtm-convert validate`` process (its own wall clock, CPU time and peak memory
from ``os.wait4``):

* the pilot package with ``--report-json`` and with ``--report-xlsx`` (the Excel report's own cost is the
  difference);
* ``--big PATH``: another package (e.g. a 2,000-subject ``sdtm-convert sample`` run) without and with
  ``--report-xlsx``;
* pyreadstat's bare ``read_xport`` of the same files (a floor measured in the same run);
* ``--flood N``: the Excel writer alone on N findings (the pilot's findings repeated), the case of a package
  with a finding on every record, against the time the validation of the pilot took.

It prints them next to CDISC CORE's published figures on the same package (``benchmarks/anchors.py``, quoted
from the project's docs: CORE cannot run here) and next to our own previous run, read from
``benchmarks/validate_pilot.json``, which this run then replaces (unless ``--no-save``). The findings' count
and digest are stored too: a speed change must not change the findings. Benchmarks may read ``../shared``;
the product never does.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from benchmarks.anchors import ANCHORS

ROOT = Path(__file__).resolve().parents[1]
DEFAULT = ROOT.parent / "shared" / "refdata" / "cdiscpilot01" / "sdtm"
PREVIOUS = Path(__file__).with_name("validate_pilot.json")
CORE = ANCHORS["core_pilot_package"]
GOAL_WALL_S, GOAL_PEAK_GB = 6.0, 1.0  # the pilot with a JSON report (issue 14)

_BARE = """
import sys, pathlib, pyreadstat
for f in sorted(pathlib.Path(sys.argv[1]).glob("*.xpt")):
    try:
        pyreadstat.read_xport(str(f))
    except Exception:  # the pilot ts.xpt needs cp1252
        pyreadstat.read_xport(str(f), encoding="cp1252")
"""
_FLOOD = """
import sys, time, pandas as pd
from sdtm_convert.validate import validate_package, write_xlsx
r = validate_package(sys.argv[1])
n = int(sys.argv[2])
reps = -(-n // max(len(r.findings), 1))
r.findings = pd.concat([r.findings] * reps, ignore_index=True).head(n)
t = time.perf_counter()
write_xlsx(r, sys.argv[3])
print(f"{time.perf_counter() - t:.3f} {r.timing['total_s']}")
"""


def _measure(args: list[str]) -> dict[str, Any]:
    """Wall, CPU (user + system) and peak RSS of one child process; its stdout."""
    t = time.perf_counter()
    with tempfile.TemporaryFile() as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - t
        out.seek(0)
        text = out.read().decode("utf-8", "replace")
    if proc.returncode not in (0, 1):  # 1 = the package has errors, a result like any other
        raise SystemExit(f"failed ({proc.returncode}): {' '.join(args)}\n{text}")
    return {"wall_s": round(wall, 2), "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
            "peak_gb": round(usage.ru_maxrss / 1024**2, 3), "stdout": text}


RULES_SOURCE = ["--rules-source", "p21"]  # this project's rules (the figures compared run to run); --rules-source


def _validate(path: Path, *report: str) -> dict[str, Any]:
    return _measure([sys.executable, "-m", "sdtm_convert.cli", "validate", str(path), "--quiet", *RULES_SOURCE,
                     *report])


DIGESTED = ("rule", "severity", "dataset", "variable", "record", "usubjid", "seq", "value", "message", "records")


def _digest(report_json: Path) -> tuple[int, str]:
    """Findings count and a digest of their rows, in order (the fields that make a finding; not its cause,
    which only groups findings in the summary)."""
    doc = json.loads(report_json.read_text(encoding="utf-8"))
    rows = json.dumps([[f.get(k) for k in DIGESTED] for f in doc["findings"]], ensure_ascii=False).encode("utf-8")
    return len(doc["findings"]), hashlib.sha256(rows).hexdigest()[:16]


def _line(what: str, m: dict[str, Any], prev: dict[str, Any] | None) -> str:
    s = f"{what:<34} {m['wall_s']:>7.2f} s wall {m['cpu_s']:>7.2f} s CPU {m['peak_gb']:>6.2f} GB"
    if prev:
        s += (f"   previous {prev['wall_s']:.2f} s / {prev['cpu_s']:.2f} s CPU / {prev['peak_gb']:.2f} GB"
              f" (CPU x{prev['cpu_s'] / max(m['cpu_s'], 1e-9):.2f})")
    return s


def _run(path: Path, big: Path | None, flood: int, tmp: Path) -> dict[str, Any]:
    res: dict[str, Any] = {}
    res["pilot_json"] = _validate(path, "--report-json", str(tmp / "r.json"))
    res["findings"], res["findings_digest"] = _digest(tmp / "r.json")
    res["pilot_xlsx"] = _validate(path, "--report-xlsx", str(tmp / "r.xlsx"))
    res["pyreadstat_read"] = _measure([sys.executable, "-c", _BARE, str(path)])
    if big is not None:
        res["big_plain"] = _validate(big)
        res["big_xlsx"] = _validate(big, "--report-xlsx", str(tmp / "big.xlsx"))
    if flood:
        m = _measure([sys.executable, "-c", _FLOOD, str(path), str(flood), str(tmp / "flood.xlsx")])
        write_s, validate_s = (float(x) for x in m["stdout"].split())
        res["flood_xlsx"] = dict(m, findings=flood, write_s=round(write_s, 2), validate_s=validate_s)
    for m in res.values():
        if isinstance(m, dict):
            m.pop("stdout", None)
    return res


def _print(path: Path, res: dict[str, Any], prev: dict[str, Any]) -> None:
    pj, px = res["pilot_json"], res["pilot_xlsx"]
    old = prev.get("results", {})
    print(f"package       {path}")
    print(f"machine       {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f} (compare CPU seconds when "
          "the machine is shared)")
    if prev:
        print(f"previous run  {prev.get('date')} ({prev.get('commit') or 'commit unknown'})")
    print(_line("validate --report-json", pj, old.get("pilot_json")))
    print(_line("validate --report-xlsx", px, old.get("pilot_xlsx")))
    print(_line("pyreadstat bare read, same files", res["pyreadstat_read"], old.get("pyreadstat_read"))
          + f"  (validate + JSON = {pj['cpu_s'] / max(res['pyreadstat_read']['cpu_s'], 1e-9):.1f}x its CPU)")
    print(f"{'  Excel report adds':<34} {px['wall_s'] - pj['wall_s']:>7.2f} s wall "
          f"{px['cpu_s'] - pj['cpu_s']:>7.2f} s CPU (JSON report included in the first line)")
    for key, what in (("big_plain", "big package, no report"), ("big_xlsx", "big package --report-xlsx")):
        if key in res:
            print(_line(what, res[key], old.get(key)))
    if "flood_xlsx" in res:
        f = res["flood_xlsx"]
        print(f"{'Excel writer, ' + format(f['findings'], ',') + ' findings':<34} {f['write_s']:>7.2f} s "
              f"({f['findings'] / max(f['write_s'], 1e-9):,.0f} rows/s), process peak {f['peak_gb']:.2f} GB; "
              f"the validation it reports took {f['validate_s']:.2f} s")
    same = old and (old.get("findings"), old.get("findings_digest")) == (res["findings"], res["findings_digest"])
    print(f"findings      {res['findings']:,} (digest {res['findings_digest']})"
          + ("" if not old else ", same as the previous run" if same else
             f", CHANGED since the previous run ({old.get('findings')}, {old.get('findings_digest')})"))
    print(f"CDISC CORE    {CORE['wall_s']:.0f} s wall, {CORE['cpu_s']:.0f} s CPU, {CORE['peak_gb']} GB largest process, "
          f"{CORE['workers_gb']} GB across workers ({CORE['what']}; {CORE['source']})")
    print(f"vs CORE       {CORE['wall_s'] / pj['wall_s']:.0f}x less wall, {CORE['cpu_s'] / pj['cpu_s']:.0f}x less CPU, "
          f"{CORE['peak_gb'] / pj['peak_gb']:.0f}x less memory (largest process), with a JSON report")
    busy = os.getloadavg()[0] > (os.cpu_count() or 1)
    ok_wall, ok_cpu = pj["wall_s"] <= GOAL_WALL_S, pj["cpu_s"] <= GOAL_WALL_S
    verdict = "met" if ok_wall else "met in CPU time, not in wall time on this busy machine" if busy and ok_cpu \
        else "NOT met"
    print(f"goal          pilot with a JSON report <= {GOAL_WALL_S:.0f} s and <= {GOAL_PEAK_GB:.0f} GB: "
          f"{verdict if pj['peak_gb'] <= GOAL_PEAK_GB else 'NOT met (memory)'}")
    adds = [(px["cpu_s"] - pj["cpu_s"], pj["cpu_s"])]
    if "big_xlsx" in res:
        adds.append((res["big_xlsx"]["cpu_s"] - res["big_plain"]["cpu_s"], res["big_plain"]["cpu_s"]))
    excel = all(a <= v for a, v in adds)
    print(f"goal          the Excel report adds at most the validation's own time (CPU): {'met' if excel else 'NOT met'}")
    if "flood_xlsx" in res:
        f = res["flood_xlsx"]
        print(f"              with {f['findings']:,} findings the writer alone takes "
              f"{f['write_s'] / max(f['validate_s'], 1e-9):.1f}x the validation's time")


def _commit() -> str | None:
    try:
        out = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True)
        return out.stdout.strip() or None
    except OSError:
        return None


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks.validate_pilot", description=__doc__.split("\n\n")[0])
    ap.add_argument("path", nargs="?", type=Path, default=DEFAULT, help="pilot SDTM package (default: %(default)s)")
    ap.add_argument("--big", type=Path, help="a larger package, validated without and with --report-xlsx")
    ap.add_argument("--flood", type=int, default=20_000,
                    help="time the Excel writer alone on N findings, 0 to skip (default: %(default)s)")
    ap.add_argument("--no-save", action="store_true", help=f"do not replace {PREVIOUS.name} with this run's figures")
    ap.add_argument("--rules-source", choices=("p21", "core", "all"), default="p21",
                    help="the validator's rule source (default: %(default)s, this project's rules: the figures "
                         "compared run to run; CORE rules: python -m benchmarks.core_pilot)")
    a = ap.parse_args(argv)
    RULES_SOURCE[1] = a.rules_source
    if not a.path.is_dir():
        print(f"no package at {a.path}", file=sys.stderr)
        return 2
    prev = json.loads(PREVIOUS.read_text(encoding="utf-8")) if PREVIOUS.exists() else {}
    with tempfile.TemporaryDirectory() as tmp:
        res = _run(a.path, a.big, a.flood, Path(tmp))
    _print(a.path, res, prev)
    if not a.no_save:
        doc = {"date": datetime.now(UTC).isoformat(timespec="seconds"), "commit": _commit(),
               "cores": os.cpu_count(), "load_average": round(os.getloadavg()[0], 1),
               "package": a.path.name, "rules_source": a.rules_source, "results": res}
        PREVIOUS.write_text(json.dumps(doc, indent=1) + "\n", encoding="utf-8")
        print(f"saved         {PREVIOUS.relative_to(ROOT)} (the next run compares with it)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
