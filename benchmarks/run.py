"""End-to-end benchmark: ``python -m benchmarks.run [--subjects 1000,10000] [--json out.json]``.

For each study size: generate the synthetic study (cached by subjects and seed), run the whole job
(:func:`sdtm_convert.pipeline.run_study`, every stage timed, plus validation of the written package
while the run does not do it itself) in a fresh subprocess, then the pyreadstat floor on the files it
wrote in another fresh subprocess. Once: the ``jsonschema`` baseline. Prints a table of stages
(wall and CPU seconds, CPU from ``getrusage``, because the machine may be shared: compare CPU first),
ratios against the baselines and the external anchors, the growth from the smallest to the largest
size, and the goals met or missed. ``--json`` writes everything.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from benchmarks.anchors import ANCHORS
from benchmarks.job import ORDER
from benchmarks.measure import load_average

ROOT = Path(__file__).resolve().parents[1]
GOALS = {"wall_s_10000": 90.0, "peak_mb": 4096.0, "floor_ratio": 3.0, "growth_10x": 11.0, "schema_speedup": 50.0}
STAGE_ORDER = ORDER  # the stages the job times, in pipeline order


def default_cache() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path(tempfile.gettempdir()))
    return Path(base) / "sdtm-convert-bench"


def study(cache: Path, subjects: int, seed: int) -> Path:
    """The generated raw study for (subjects, seed); generated once, then reused (marker file written last)."""
    from sdtm_convert.sample import generate_study

    folder = cache / f"study-{subjects}-{seed}"
    marker = folder / ".complete"
    if not marker.is_file():
        if folder.exists():
            shutil.rmtree(folder)
        t = time.perf_counter()
        summary = generate_study(folder, subjects=subjects, seed=seed)
        summary["seconds"] = round(time.perf_counter() - t, 2)
        marker.write_text(json.dumps(summary))
    return folder


def subprocess_json(module: str, args: list[str], timeout: float) -> tuple[dict[str, Any], float]:
    """Run ``python -m module args --json F`` in a fresh process; return (its JSON, outer wall seconds)."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as fh:
        out = Path(fh.name)
    try:
        t = time.perf_counter()
        proc = subprocess.run(
            [sys.executable, "-m", module, *args, "--json", str(out)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        wall = time.perf_counter() - t
        if proc.returncode != 0:
            raise RuntimeError(f"{module} failed ({proc.returncode}):\n{proc.stderr[-3000:]}")
        return json.loads(out.read_text()), wall
    finally:
        out.unlink(missing_ok=True)


def measure_size(
    subjects: int,
    seed: int,
    cache: Path,
    *,
    floor: bool,
    keep: Path | None,
    timeout: float,
    repeat: int,
    schema_rows: int = 0,
) -> dict[str, Any]:
    raw = study(cache, subjects, seed)
    runs = []
    out_dir = Path(tempfile.mkdtemp(prefix=f"sdtm-bench-{subjects}-"))
    try:
        for i in range(repeat):
            target = out_dir / f"run{i}"
            job, outer = subprocess_json("benchmarks.job", [str(raw), str(target)], timeout)
            job["outer_wall"] = round(outer, 3)
            runs.append(job)
            if i < repeat - 1:
                shutil.rmtree(target, ignore_errors=True)
        best = min(runs, key=lambda r: r["cpu"])
        package = out_dir / f"run{repeat - 1}"
        result: dict[str, Any] = {
            "subjects": subjects,
            "seed": seed,
            "raw": str(raw),
            "job": best,
            "repeats": [
                {"wall": r["wall"], "cpu": r["cpu"], "peak_mb": job_memory_mb(r), "load_average": r["load_average"]}
                for r in runs
            ],
        }
        if floor:
            result["floor"], _ = subprocess_json("benchmarks.floor", [str(package)], timeout)
        if schema_rows:
            result["schema"], _ = subprocess_json(
                "benchmarks.schema_baseline", [str(package), "--rows", str(schema_rows)], timeout
            )
        if keep is not None:
            dest = keep / f"out-{subjects}"
            shutil.rmtree(dest, ignore_errors=True)
            shutil.copytree(package, dest)
        return result
    finally:
        shutil.rmtree(out_dir, ignore_errors=True)


def ratios(sizes: list[dict[str, Any]], schema: dict[str, Any] | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for s in sizes:
        n, job = s["subjects"], s["job"]
        r: dict[str, Any] = {}
        if "floor" in s:
            fl = s["floor"]["pyreadstat"]
            r["whole_vs_pyreadstat_floor_wall"] = round(job["wall"] / fl["wall"], 2) if fl["wall"] else None
            r["whole_vs_pyreadstat_floor_cpu"] = round(job["cpu"] / fl["cpu"], 2) if fl["cpu"] else None
            fw = s["floor"]["fastwriter"]
            r["fastwriter_vs_pyreadstat_cpu"] = round(fl["cpu"] / fw["cpu"], 1) if fw["cpu"] else None
            mb = s["floor"]["bytes"] / 2**20
            r["pyreadstat_mb_per_cpu_s"] = round(mb / fl["cpu"], 1) if fl["cpu"] else None
            r["fastwriter_mb_per_cpu_s"] = round(mb / fw["cpu"], 1) if fw["cpu"] else None
            r["pyreadstat_vs_anchor_mb_per_s"] = ANCHORS["pyreadstat_write_1m"]["mb_per_s"]
        validate_wall = sum(job["stages"].get(k, {}).get("wall", 0.0) for k in ("validate", "validate [worker]"))
        records = sum(job["records"].values())
        if validate_wall:
            core = ANCHORS["core_pilot_package"]
            ours = validate_wall / records * 1e6
            theirs = core["wall_s"] / core["records"] * 1e6
            r["validate_us_per_record"] = round(ours, 1)
            r["core_us_per_record_anchor"] = round(theirs, 1)
            r["core_anchor_vs_our_validate"] = round(theirs / ours, 1)
        r["peak_memory_vs_core_anchor"] = round(ANCHORS["core_pilot_package"]["peak_gb"] * 1024 / job_memory_mb(job), 1)
        out[str(n)] = r
    if len(sizes) >= 2:
        a, b = sizes[0], sizes[-1]
        scale = b["subjects"] / a["subjects"]
        out["growth"] = {
            "subjects_factor": scale,
            "wall_factor": round(b["job"]["wall"] / a["job"]["wall"], 2),
            "cpu_factor": round(b["job"]["cpu"] / a["job"]["cpu"], 2),
            "per_stage_cpu_factor": {
                k: round(v["cpu"] / a["job"]["stages"][k]["cpu"], 1)
                for k, v in b["job"]["stages"].items()
                if a["job"]["stages"].get(k, {}).get("cpu", 0) > 0.05
            },
        }
    if schema:
        out["schema"] = {
            "speedup_cpu": schema["speedup_cpu"],
            "identical": schema["identical"],
            "anchor_reused_validator_us": ANCHORS["jsonschema_rows"]["reused_us"],
            "anchor_vectorised_us": ANCHORS["jsonschema_rows"]["vectorised_us"],
        }
    return out


def goals(sizes: list[dict[str, Any]], rat: dict[str, Any], schema: dict[str, Any] | None) -> dict[str, Any]:
    g: dict[str, Any] = {}
    big = max(sizes, key=lambda s: s["subjects"])
    if big["subjects"] >= 10_000:
        g["whole run 10,000 subjects <= 90 s wall"] = (big["job"]["wall"], big["job"]["wall"] <= GOALS["wall_s_10000"])
    g["peak memory <= 4 GB"] = (job_memory_mb(big["job"]), job_memory_mb(big["job"]) <= GOALS["peak_mb"])
    fr = rat.get(str(big["subjects"]), {}).get("whole_vs_pyreadstat_floor_cpu")
    if fr is not None:
        g["<= 3x the pyreadstat floor (CPU)"] = (fr, fr <= GOALS["floor_ratio"])
    if "growth" in rat:
        gr = rat["growth"]
        limit = GOALS["growth_10x"] / 10 * gr["subjects_factor"]
        g[f"{gr['subjects_factor']:g}x subjects <= {limit:g}x CPU"] = (gr["cpu_factor"], gr["cpu_factor"] <= limit)
    if schema:
        g["schema: >= 50x jsonschema, identical findings"] = (
            schema["speedup_cpu"],
            bool(schema["speedup_cpu"] and schema["speedup_cpu"] >= 50 and schema["identical"]),
        )
    return g


def job_memory_mb(job: dict[str, Any]) -> float:
    """Peak memory of the job: the process tree's sampled PSS peak, never less than the main process's RSS peak."""
    return max(job["peak_rss_mb"], job.get("peak_pss_tree_mb") or 0.0)


def _table(rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    lines = []
    for j, r in enumerate(rows):
        lines.append("  ".join(c.rjust(w) if i else c.ljust(w) for i, (c, w) in enumerate(zip(r, widths))))
        if j == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def render(result: dict[str, Any]) -> str:
    sizes = result["sizes"]
    out = [
        f"sdtm-convert benchmark  {result['started']}  python {result['python']}  cpus {result['cpus']}  "
        f"load average before/after {result['load_before']} / {result['load_after']}",
        "CPU = user+system of the job's processes (getrusage); wall is inflated when the machine is shared.",
        "",
    ]
    head = (
        ["stage"]
        + [f"{s['subjects']:,} wall s" for s in sizes]
        + [f"{s['subjects']:,} CPU s" for s in sizes]
        + [f"{s['subjects']:,} peak MB" for s in sizes]
    )
    rows = [head]
    for st in STAGE_ORDER + [f"{st} [worker]" for st in STAGE_ORDER]:
        if not any(st in s["job"]["stages"] for s in sizes):
            continue
        cells = [s["job"]["stages"].get(st, {}) for s in sizes]
        rows.append(
            [st]
            + [f"{c.get('wall', 0):.2f}" for c in cells]
            + [f"{c.get('cpu', 0):.2f}" for c in cells]
            + [f"{c.get('peak_rss_mb_after', 0):.0f}" for c in cells]
        )
    rows.append(
        ["WHOLE"]
        + [f"{s['job']['wall']:.2f}" for s in sizes]
        + [f"{s['job']['cpu']:.2f}" for s in sizes]
        + [f"{job_memory_mb(s['job']):.0f}" for s in sizes]
    )
    out.append(_table(rows))
    out.append("")
    out.append(
        "[worker] rows: run by the worker process while the main one goes on (SDTM XPT + define.xml, SDTM validation). "
        "WHOLE CPU = main + worker; WHOLE peak MB = sampled PSS of main + worker (shared pages counted once; "
        "memory-mapped pages of the frames kept on disk included); peak MB of a stage = ru_maxrss of its own process."
    )
    for s in sizes:
        j, w = s["job"], s["job"].get("worker")
        if w:
            out.append(
                f"  {s['subjects']:,}: main {j.get('cpu_main', j['cpu']):.2f} s CPU, peak RSS {j['peak_rss_mb']:.0f} MB; "
                f"worker {w['wall']:.2f} s wall, {w['cpu']:.2f} s CPU, peak RSS {w['peak_rss_mb']:.0f} MB; "
                f"tree PSS peak {j.get('peak_pss_tree_mb', 0):.0f} MB, of it anonymous (not file-backed) at most "
                f"{j.get('peak_anon_tree_mb', 0):.0f} MB; frames kept on disk between stages at most "
                f"{j.get('peak_scratch_mb', 0):.0f} MB"
            )
    out.append("")
    out.append(
        "records: "
        + "; ".join(
            f"{s['subjects']:,} subjects: {sum(s['job']['records'].values()):,} records "
            f"(QS {s['job']['records'].get('QS', s['job']['records'].get('RS', 0)):,}), "
            f"{s['job']['issues']} issues, {s['job']['errors']} errors"
            for s in sizes
        )
    )
    for s in sizes:
        if "floor" in s:
            f = s["floor"]
            out.append(
                f"floor {s['subjects']:,}: pyreadstat alone writes the same {f['files']} XPT files "
                f"({f['bytes'] / 2**20:.0f} MB, {f['records']:,} records) in {f['pyreadstat']['wall']:.2f} s wall / "
                f"{f['pyreadstat']['cpu']:.2f} s CPU; our fastwriter {f['fastwriter']['wall']:.2f} s / "
                f"{f['fastwriter']['cpu']:.2f} s CPU; byte-identical: {f['identical']}"
            )
    sc = result.get("schema")
    if sc:
        out.append(
            f"schema baseline: {sc['rows']:,} rows ({', '.join(sc['datasets'])}): one reused jsonschema validator "
            f"{sc['jsonschema_us_per_row']} us/row CPU, validate_frame {sc['vectorised_us_per_row']} us/row: "
            f"{sc['speedup_cpu']}x; identical findings: {sc['identical']}"
        )
    out.append("")
    out.append("ratios: " + json.dumps(result["ratios"], indent=1))
    out.append("")
    out.append("external anchors (docs/anchors.md, not re-run here):")
    for key, a in ANCHORS.items():
        figures = ", ".join(f"{k}={v:g}" for k, v in a.items() if k != "what")
        out.append(f"  {key}: {a['what']}: {figures}")
    out.append("")
    out.append("goals:")
    for name, (value, ok) in result["goals"].items():
        out.append(f"  [{'met' if ok else 'MISSED'}] {name}: {value}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    from sdtm_convert.sample import DEFAULT_SEED

    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--subjects", default="1000,10000", help="comma-separated study sizes (default 1000,10000)")
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--json", type=Path, help="write the full result as JSON")
    ap.add_argument("--cache", type=Path, default=default_cache(), help="where generated studies are kept")
    ap.add_argument("--repeat", type=int, default=1, help="runs per size; the one with least CPU is reported")
    ap.add_argument("--no-floor", action="store_true", help="skip the pyreadstat floor")
    ap.add_argument(
        "--schema-rows", type=int, default=20_000, help="rows per dataset for the jsonschema baseline (0: skip)"
    )
    ap.add_argument("--keep-output", type=Path, help="copy each written package here")
    ap.add_argument("--timeout", type=float, default=3600.0)
    args = ap.parse_args(argv)
    sizes = sorted(int(x) for x in args.subjects.split(",") if x.strip())
    args.cache.mkdir(parents=True, exist_ok=True)
    result: dict[str, Any] = {
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_before": load_average(),
        "goals_definition": GOALS,
    }
    measured = []
    for i, n in enumerate(sizes):
        print(f"... {n:,} subjects", file=sys.stderr, flush=True)
        measured.append(
            measure_size(
                n,
                args.seed,
                args.cache,
                floor=not args.no_floor,
                keep=args.keep_output,
                timeout=args.timeout,
                repeat=max(1, args.repeat),
                schema_rows=args.schema_rows if i == 0 else 0,
            )
        )
    schema = measured[0].pop("schema", None)  # on the smallest package: its rows are capped anyway
    result.update(sizes=measured, schema=schema, load_after=load_average())
    result["ratios"] = ratios(measured, schema)
    result["goals"] = goals(measured, result["ratios"], schema)
    print(render(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=1, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
