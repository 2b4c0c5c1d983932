"""Portfolio benchmark: ``python -m benchmarks.portfolio [--studies 20] [--subjects 500-2000] [--json out.json]``.

Generates N synthetic studies (cached, sizes spread evenly over the subject range, one seed each), converts and
validates them serially with the single-study command (``sdtm-convert run`` per study, its default processes),
then with ``sdtm-convert batch run`` on a local Dask cluster (one worker per core) for the first N/4, N/2 and N
studies (5, 10 and 20 by default). Prints the serial / batch wall-time ratio, the peak memory (PSS, sampled) of each worker process and of
the whole batch, the time growth from 5 to 10 to N studies, and the load average (the machine may be shared).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from benchmarks.measure import load_average
from benchmarks.run import default_cache


def _studies(cache: Path, n: int, low: int, high: int) -> list[Path]:
    from sdtm_convert.sample import generate_study

    out = []
    for i in range(n):
        subjects = low + (high - low) * i // max(1, n - 1)
        folder = cache / f"portfolio-{i:02d}-{subjects}"
        if not (folder / ".complete").is_file():
            shutil.rmtree(folder, ignore_errors=True)
            generate_study(folder, subjects=subjects, seed=1000 + i)
            (folder / ".complete").write_text("", encoding="utf-8")
        out.append(folder)
    return out


def _subjects(folder: Path) -> int:
    return int(folder.name.rsplit("-", 1)[1])


def _pss_mb(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/smaps_rollup") as fh:
            return next((int(line.split()[1]) / 1024 for line in fh if line.startswith("Pss:")), 0.0)
    except OSError:
        return 0.0


class Sampler:
    """Peak PSS of every process below ``pid`` (each, and their sum at one moment), every ``interval`` s."""

    def __init__(self, pid: int, interval: float = 0.25) -> None:
        import psutil

        self.root, self.interval, self.psutil = pid, interval, psutil
        self.per_process: dict[int, tuple[str, float]] = {}
        self.total_mb = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                procs = [self.psutil.Process(self.root), *self.psutil.Process(self.root).children(recursive=True)]
            except self.psutil.Error:
                procs = []
            total = 0.0
            for p in procs:
                mb = _pss_mb(p.pid)
                total += mb
                try:
                    name = " ".join(p.cmdline())[:300]
                except self.psutil.Error:
                    name = "?"
                if mb > self.per_process.get(p.pid, ("", 0.0))[1]:
                    self.per_process[p.pid] = (name, mb)
            self.total_mb = max(self.total_mb, total)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join()


def _timed(cmd: list[str]) -> tuple[float, Sampler, int]:
    t = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    _, err = proc.communicate()
    sampler.stop()
    if proc.returncode >= 2:
        sys.exit(f"{' '.join(cmd[:4])}... failed ({proc.returncode}): {err[-2000:]}")
    return time.perf_counter() - t, sampler, proc.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--studies", type=int, default=20, help="studies (default: 20; the growth uses a quarter, half and all of them)")
    ap.add_argument("--subjects", default="500-2000", help="subject range LOW-HIGH (default: 500-2000)")
    ap.add_argument("--workers", type=int, help="local cluster workers (default: batch's, one per core)")
    ap.add_argument("--cache", type=Path, default=default_cache(), help="generated studies (default: %(default)s)")
    ap.add_argument("--json", type=Path, help="write the figures to this file (default: not written)")
    a = ap.parse_args(argv)
    low, high = (int(x) for x in a.subjects.split("-"))
    exe = [sys.executable, "-m", "sdtm_convert.cli"]
    load0 = load_average()
    studies = _studies(a.cache, a.studies, low, high)
    work = Path(tempfile.mkdtemp(prefix="sdtm-convert-portfolio-"))
    res: dict[str, Any] = {"studies": a.studies, "subjects": a.subjects, "cores": os.cpu_count(), "load_start": load0}
    try:
        serial = 0.0
        serial_peak = 0.0
        res["serial_each_s"] = []
        for i, s in enumerate(studies):
            wall, sampler, _ = _timed([*exe, "run", str(s), "--out", str(work / "serial" / s.name), "--quiet"])
            serial += wall
            res["serial_each_s"].append(round(wall, 1))
            serial_peak = max(serial_peak, sampler.total_mb)
            print(f"serial {i + 1}/{len(studies)} {s.name}: {wall:.1f} s", file=sys.stderr, flush=True)
        res["serial_s"], res["serial_peak_mb"] = round(serial, 1), round(serial_peak)
        res["batch"] = {}
        for n in sorted({max(1, a.studies // 4), max(1, a.studies // 2), a.studies}):
            cmd = [*exe, "batch", "run", *map(str, studies[:n]), "--out", str(work / f"batch{n}"), "--quiet"]
            cmd += ["--workers", str(a.workers)] if a.workers else []
            wall, sampler, _ = _timed(cmd)
            workers = sorted((mb for pid, (name, mb) in sampler.per_process.items()
                              if pid != sampler.root and "resource_tracker" not in name), reverse=True)
            res["batch"][n] = {"wall_s": round(wall, 1), "serial_same_studies_s": round(sum(res["serial_each_s"][:n]), 1),
                               "subjects": sum(_subjects(s) for s in studies[:n]), "peak_total_mb": round(sampler.total_mb),
                               "peak_per_process_mb": [round(x) for x in
                                                       sorted((mb for _, mb in sampler.per_process.values()),
                                                              reverse=True)[:6]],
                               "peak_worker_mb": [round(x) for x in workers],
                               "peak_main_mb": round(sampler.per_process.get(sampler.root, ("", 0.0))[1])}
            print(f"batch {n}: {wall:.1f} s", file=sys.stderr, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    res["load_end"] = load_average()
    b = res["batch"]
    full = b[a.studies]
    print(f"{a.studies} studies of {a.subjects} subjects, {os.cpu_count()} cores, load average {load0} -> "
          f"{res['load_end']}")
    print(f"serial (sdtm-convert run x {a.studies}): {res['serial_s']:.1f} s, peak {res['serial_peak_mb']} MB")
    print(f"batch run (local cluster):  {full['wall_s']:.1f} s, peak total {full['peak_total_mb']} MB, per worker "
          f"{full['peak_worker_mb']} MB, the batch command's own process (scheduler, client) {full['peak_main_mb']} MB")
    print(f"serial / batch: {res['serial_s'] / full['wall_s']:.2f}x")
    print("growth (the studies grow in size with their number, so each line also gives the same studies run "
          "serially):")
    for n, v in sorted(b.items()):
        print(f"  {n} studies ({v['subjects']} subjects): batch {v['wall_s']:.1f} s "
              f"({1000 * v['wall_s'] / v['subjects']:.2f} s per 1,000 subjects), serial {v['serial_same_studies_s']:.1f} s, "
              f"serial / batch {v['serial_same_studies_s'] / v['wall_s']:.2f}x")
    if a.json:
        a.json.write_text(json.dumps(res, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
