"""A run that is stopped (Ctrl-C, SIGTERM, SIGHUP) or killed (SIGKILL) at any point leaves the earlier package
whole; a stopped run leaves nothing else behind (no staging folder, lock file, temporary folder or worker);
what a killed run left is removed and reported by the next run; two runs into one place never mix.

Each case runs the real CLI on a changed copy of the bundled study into a folder holding the package of the
unchanged study, waits for a progress line naming a point of the run, and signals it there."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from sdtm_convert.package.manifest import verify_manifest

ROOT = Path(__file__).resolve().parents[2]
STUDY, SPEC = ROOT / "sample_data" / "nct03745417", ROOT / "mappings" / "nct03745417"
pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="signals and fork as on Linux")


def _cli(*args: str, tmpdir: Path) -> subprocess.Popen:
    env = {**os.environ, "TMPDIR": str(tmpdir), "SDTM_CONVERT_JOBS": "2"}
    return subprocess.Popen([sys.executable, "-m", "sdtm_convert.cli", *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, start_new_session=True)


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def old_package(tmp_path_factory) -> Path:
    """The bundled study's package (the one a stopped run must leave as it was)."""
    base = tmp_path_factory.mktemp("old")
    done = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", "run", "--out", str(base / "build"), "--quiet"],
                          capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return base / "build"


@pytest.fixture
def place(tmp_path, old_package) -> dict[str, Path]:
    """A changed study (AE row 1's term), an output folder holding the old package, and a private TMPDIR."""
    raw = tmp_path / "raw"
    shutil.copytree(STUDY, raw)
    ae = raw / "ae.csv"
    ae.write_text(ae.read_text(encoding="utf-8").replace("Headache", "Migraine", 1), encoding="utf-8")
    out = tmp_path / "out" / "build"
    out.parent.mkdir()
    shutil.copytree(old_package, out)
    (tmp_path / "tmp").mkdir()
    return {"raw": raw, "out": out, "tmp": tmp_path / "tmp"}


def _run_until(place: dict[str, Path], marker: str) -> tuple[subprocess.Popen, list[str]]:
    proc = _cli("run", str(place["raw"]), "--spec", str(SPEC), "--out", str(place["out"]), tmpdir=place["tmp"])
    seen = []
    assert proc.stderr is not None
    for line in proc.stderr:
        seen.append(line)
        if marker in line:
            return proc, seen
    proc.wait()
    pytest.fail(f"the run ended before {marker!r}:\n{''.join(seen)}")


def _children(pid: int) -> list[int]:
    kids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                kids.append(int(entry))
    return kids


def _gone(pid: int, wait: float = 20.0) -> bool:
    """True once ``pid`` has ended (absent or a zombie), polling up to ``wait`` seconds."""
    end = time.monotonic() + wait
    while time.monotonic() < end:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


def _assert_old_package_whole(out: Path, old: Path) -> None:
    assert _files(out) == _files(old)
    assert verify_manifest(out) == []


def _assert_nothing_left(place: dict[str, Path]) -> None:
    assert sorted(p.name for p in place["out"].parent.iterdir()) == ["build"]  # no staging folder, no lock file
    assert list(place["tmp"].iterdir()) == []  # no frame store or other temporary folder


STOPS = [  # (signal, sent to the whole process group as a terminal or a service manager does, progress marker)
    (signal.SIGTERM, False, "spec checked"),
    (signal.SIGTERM, False, "mapped 8 domains"),
    (signal.SIGTERM, False, "wrote 16 SDTM datasets"),  # the worker has written its share into the staging folder
    (signal.SIGTERM, True, "wrote 3 ADaM datasets"),
    (signal.SIGINT, True, "derived QS"),
    (signal.SIGINT, True, "validated the ADaM package"),
    (signal.SIGHUP, True, "wrote 16 SDTM datasets"),
]


@pytest.mark.parametrize(("sig", "group", "marker"), STOPS,
                         ids=[f"{s.name}-{'group' if g else 'process'}-{m.split()[0]}-{m.split()[1]}" for s, g, m in STOPS])
def test_a_stopped_run_exits_cleanly_and_leaves_the_earlier_package_whole(place, old_package, sig, group, marker):
    proc, _ = _run_until(place, marker)
    kids = _children(proc.pid)
    (os.killpg if group else os.kill)(proc.pid, sig)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 128 + sig, err
    assert "Traceback" not in err and "internal error" not in err
    word = "interrupted" if sig == signal.SIGINT else f"stopped by {sig.name}"
    assert f"{word} (nothing of this run was kept; an earlier package in the output folder is unchanged)" in err
    assert all(_gone(k) for k in kids)
    _assert_old_package_whole(place["out"], old_package)
    _assert_nothing_left(place)


def test_a_killed_run_takes_its_worker_with_it_and_the_next_run_clears_up(place, old_package):
    proc, _ = _run_until(place, "wrote 16 SDTM datasets")
    kids = _children(proc.pid)
    assert kids, "the SDTM writer runs in a worker process"
    proc.kill()
    proc.communicate(timeout=60)
    assert all(_gone(k) for k in kids)  # the worker does not write on after its parent died
    _assert_old_package_whole(place["out"], old_package)
    left = [p.name for p in place["out"].parent.iterdir() if p.name != "build"]
    assert any(name.startswith(".build.staging-") for name in left)

    again = _cli("run", str(place["raw"]), "--spec", str(SPEC), "--out", str(place["out"]), "--no-validate",
                 tmpdir=place["tmp"])
    _, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "left beside" in err and "by a run that was killed before it finished" in err
    report = json.loads((place["out"] / "reports" / "conversion-report.json").read_text())
    assert [i["code"] for i in report["issues"]].count("output-leftover-removed") == 1
    assert sorted(p.name for p in place["out"].parent.iterdir()) == ["build"]
    assert verify_manifest(place["out"]) == []
    ae = _files(place["out"])["m5/datasets/nct03745417/tabulations/sdtm/ae.json"]
    assert b"Migraine" in ae  # the new package, whole


def test_a_second_run_into_the_same_output_folder_is_refused_while_the_first_writes(place, old_package):
    first, _ = _run_until(place, "spec checked")
    second = _cli("run", "--out", str(place["out"]), tmpdir=place["tmp"])
    _, err2 = second.communicate(timeout=60)
    _, err1 = first.communicate(timeout=120)
    assert second.returncode == 2
    assert f"error: [output-locked] {place['out']}: another sdtm-convert run is writing this output folder " \
           f"(process {first.pid}, started " in err2
    assert first.returncode == 0, err1
    assert verify_manifest(place["out"]) == []
    assert b"Migraine" in _files(place["out"])["m5/datasets/nct03745417/tabulations/sdtm/ae.json"]  # all the first's
    _assert_nothing_left(place)
