"""One measured job, meant to run in a fresh process: ``python -m benchmarks.job RAW OUT --json RESULT``.

It runs :func:`sdtm_convert.pipeline.run_study` as the product runs it, with the functions of each stage
wrapped by a timer (wall and CPU, exclusive: a nested stage's time is not counted twice). When the
run does not validate its own output yet, the validator is called on the written package afterwards
(stage ``validate``). Each stage also records the process's peak RSS when it ends, which shows where
the peak comes from.
"""

from __future__ import annotations

import argparse
import functools
import importlib
import json
import sys
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import (
    Clock,
    TreeMemory,
    children_cpu_seconds,
    cpu_seconds,
    load_average,
    peak_rss_mb,
    rss_mb,
)

SPEC = Path(__file__).resolve().parents[1] / "mappings" / "nct03745417"

# (stage, module, attribute): the attribute is looked up where run_study finds it at call time
STAGES = [
    ("spec", "sdtm_convert.pipeline", "prepare_spec"),
    ("read", "sdtm_convert.pipeline", "read_raw"),
    ("map", "sdtm_convert.mapping.run", "map_domain"),
    ("map", "sdtm_convert.mapping.run", "reject_orphans"),
    ("derive", "sdtm_convert.pipeline", "derive_study"),
    ("derive", "sdtm_convert.sdtm.run", "build_trial_design"),
    ("conform", "sdtm_convert.sdtm.conform", "conform"),
    ("schema", "sdtm_convert.rowschema", "validate_frame"),
    ("reconcile", "sdtm_convert.pipeline", "reconcile"),
    ("write_xpt", "sdtm_convert.xpt", "write_xpt"),
    ("write_json", "sdtm_convert.package.datasetjson", "write_dataset_json"),
    ("define", "sdtm_convert.package.write", "write_define"),
    ("adam", "sdtm_convert.adam", "build_adam"),
    ("adam", "sdtm_convert.adam", "render_summary"),
    ("validate", "sdtm_convert.validate", "validate_package"),
    ("validate", "sdtm_convert.validate.engine", "validate_package"),
    ("validate_report", "sdtm_convert.validate", "write_json"),
    ("validate_report", "sdtm_convert.validate", "write_html"),
    ("report", "sdtm_convert.package.report", "write_reports"),
    ("lineage", "sdtm_convert.pipeline", "write_lineage"),
    ("manifest", "sdtm_convert.pipeline", "write_run_manifest"),
]
ORDER = [
    "spec",
    "read",
    "map",
    "derive",
    "conform",
    "schema",
    "reconcile",
    "adam",
    "validate",
    "validate_report",
    "write_xpt",
    "write_json",
    "define",
    "report",
    "lineage",
    "manifest",
    "other",
]


class StageTimer:
    """Exclusive wall/CPU time per stage name; entering a nested stage pauses the enclosing one."""

    def __init__(self) -> None:
        self.wall: dict[str, float] = {}
        self.cpu: dict[str, float] = {}
        self.calls: dict[str, int] = {}
        self.peak_after: dict[str, float] = {}
        self.rss_after: dict[str, float] = {}
        self._stack: list[tuple[str, float, float]] = []

    def _charge(self, now_wall: float, now_cpu: float) -> None:
        name, w0, c0 = self._stack[-1]
        self.wall[name] = self.wall.get(name, 0.0) + now_wall - w0
        self.cpu[name] = self.cpu.get(name, 0.0) + now_cpu - c0

    def wrap(self, name: str, fn: Any) -> Any:
        if getattr(fn, "__bench_stage__", None):
            return fn

        @functools.wraps(fn)
        def timed(*args: Any, **kwargs: Any) -> Any:
            now_w, now_c = time.perf_counter(), cpu_seconds()
            if self._stack:
                self._charge(now_w, now_c)
            self._stack.append((name, now_w, now_c))
            try:
                return fn(*args, **kwargs)
            finally:
                now_w, now_c = time.perf_counter(), cpu_seconds()
                self._charge(now_w, now_c)
                self._stack.pop()
                if self._stack:
                    outer, _, _ = self._stack.pop()
                    self._stack.append((outer, now_w, now_c))
                self.calls[name] = self.calls.get(name, 0) + 1
                self.peak_after[name] = max(self.peak_after.get(name, 0.0), peak_rss_mb())
                self.rss_after[name] = max(self.rss_after.get(name, 0.0), rss_mb())

        timed.__bench_stage__ = name  # type: ignore[attr-defined]
        return timed

    def install(self) -> list[str]:
        """Wrap every stage function that exists; return the ``module.attr`` names not found."""
        missing = []
        for name, module, attr in STAGES:
            try:
                mod = importlib.import_module(module)
                setattr(mod, attr, self.wrap(name, getattr(mod, attr)))
            except (ImportError, AttributeError):
                missing.append(f"{module}.{attr}")
        return missing


WORKER = "sdtm_worker"  # what run_study hands to its worker process (when it has one)


def capture_worker(timer: StageTimer, report: Path) -> None:
    """Time the stages the worker process runs: in the worker, the (forked) timer starts empty and its
    stages, CPU and peak RSS are written to ``report`` for the job to read back; run inline, nothing changes."""
    import os

    import sdtm_convert.pipeline as pipeline

    job_pid, inner = os.getpid(), getattr(pipeline, WORKER)

    @functools.wraps(inner)
    def in_worker(*args: Any, **kwargs: Any) -> Any:
        if os.getpid() == job_pid:
            return inner(*args, **kwargs)
        timer.wall, timer.cpu, timer.calls, timer.peak_after, timer._stack = {}, {}, {}, {}, []
        clock = Clock.start()
        try:
            return inner(*args, **kwargs)
        finally:
            wall, cpu = clock.elapsed()
            report.write_text(json.dumps({"wall": wall, "cpu": cpu, "peak_rss_mb": peak_rss_mb(),
                                          "stages": _stage_table(timer, wall, cpu)}))

    setattr(pipeline, WORKER, in_worker)


def _stage_table(timer: StageTimer, wall: float, cpu: float) -> dict[str, dict[str, Any]]:
    stages = {
        k: {
            "wall": round(timer.wall.get(k, 0.0), 3),
            "cpu": round(timer.cpu.get(k, 0.0), 3),
            "calls": timer.calls.get(k, 0),
            "peak_rss_mb_after": round(timer.peak_after.get(k, 0.0), 1),
        }
        for k in ORDER
        if k in timer.wall
    }
    stages["other"] = {
        "wall": round(wall - sum(timer.wall.values()), 3),
        "cpu": round(cpu - sum(timer.cpu.values()), 3),
        "calls": 1,
        "peak_rss_mb_after": round(peak_rss_mb(), 1),
    }
    return stages


def run(raw: Path, out: Path, spec: Path = SPEC) -> dict[str, Any]:
    import os
    import shutil
    import tempfile

    import sdtm_convert.pipeline as pipeline  # imported before the clock: not part of the job
    from sdtm_convert.common.store import TMPDIR_ENV

    timer = StageTimer()
    missing = timer.install()
    worker_report = Path(tempfile.mkdtemp(prefix="sdtm-bench-worker-")) / "worker.json"
    capture_worker(timer, worker_report)
    scratch = tempfile.mkdtemp(prefix="sdtm-bench-scratch-")  # where the run keeps its frames between stages
    os.environ[TMPDIR_ENV] = scratch
    total = Clock.start()
    with TreeMemory(scratch=scratch) as tree:
        result = pipeline.run_study(raw, spec, out)
        if "validate" not in timer.calls:  # not wired into run_study yet: validate the written package here
            validate_written(result, timer)
    wall, cpu = total.elapsed()
    worker = json.loads(worker_report.read_text()) if worker_report.is_file() else None
    worker_report.unlink(missing_ok=True)
    worker_report.parent.rmdir()
    conv = result.conversion
    timings = {k: round(v, 3) for k, v in conv.timings.items()}
    issues, errors = len(conv.issues), len(conv.errors)
    records = {k: len(v) for k, v in sorted(conv.sdtm.items())}
    records |= {k: len(v) for k, v in sorted((getattr(conv.adam, "datasets", None) or {}).items())}
    del result, conv
    shutil.rmtree(scratch, ignore_errors=True)
    stages = _stage_table(timer, wall, cpu)
    if worker:  # the worker's stages as their own rows; its CPU is part of the job's
        stages |= {f"{k} [worker]": v for k, v in worker["stages"].items()}
    return {
        "raw": str(raw),
        "wall": round(wall, 3),
        "cpu": round(cpu + (children_cpu_seconds() if worker else 0.0), 3),
        "cpu_main": round(cpu, 3),
        "peak_rss_mb": round(peak_rss_mb(), 1),
        "worker": None if worker is None else {k: round(v, 3) for k, v in worker.items() if k != "stages"},
        "peak_pss_tree_mb": round(tree.peak_mb, 1),
        "peak_anon_tree_mb": round(tree.peak_anon_mb, 1),
        "peak_scratch_mb": round(tree.peak_scratch_mb, 1),
        "stages": stages,
        "pipeline_timings": timings,
        "records": records,
        "issues": issues,
        "errors": errors,
        "stage_hooks_missing": missing,
        "validate_in_run_study": "validate" in timer.calls and not getattr(timer, "validated_here", False),
        "load_average": load_average(),
    }


def validate_written(result: Any, timer: StageTimer) -> None:
    """Validate the written SDTM and ADaM folders (XPT + define.xml) as a separate user would."""
    import sdtm_convert.validate as validate

    timer.validated_here = True  # type: ignore[attr-defined]
    study = result.conversion.spec.study
    from sdtm_convert.package.layout import adam_dir, sdtm_dir

    for folder in (sdtm_dir(result.out, study.studyid), adam_dir(result.out, study.studyid)):
        if folder.is_dir():
            validate.validate_package(folder)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("raw", type=Path)
    ap.add_argument("out", type=Path)
    ap.add_argument("--spec", type=Path, default=SPEC)
    ap.add_argument("--json", type=Path, required=True)
    args = ap.parse_args(argv)
    res = run(args.raw, args.out, args.spec)
    args.json.write_text(json.dumps(res, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
