"""Fault injection: every fault of :mod:`tests.trust.faults` in a fresh copy of the bundled study, run through the
real CLI in a subprocess.

For each fault: no traceback and no internal error; the exit status the fault calls for; its issues carry the file,
data row, line and column; and when the run gets as far as the conversion report, every raw file's rows read equal
rows mapped + rows rejected, and equal the file's data records counted here without the product's CSV code
(:mod:`tests.trust.physical`), so a record merged into another or dropped fails.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.trust.faults import FAULTS, PYTHON, RUNS_AS_ROOT, STUDY_NAME, VALIDATION, Case, Expect, Fault
from tests.trust.physical import data_records
from tests.trust.runner import cli

REPO = Path(__file__).resolve().parents[2]
REPORT = Path("reports") / "conversion-report.json"
SDTM = Path("m5") / "datasets" / STUDY_NAME / "tabulations" / "sdtm"


def python_m(argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([PYTHON, "-m", "sdtm_convert.cli", *argv], cwd=cwd, capture_output=True, text=True,
                          errors="replace", timeout=300)


@pytest.fixture(scope="session")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One copy of the bundled study and its spec per session (each fault copies this again)."""
    base = tmp_path_factory.mktemp("pristine")
    shutil.copytree(REPO / "sample_data" / STUDY_NAME, base / "study")
    shutil.copytree(REPO / "mappings" / STUDY_NAME, base / "spec")
    return base


@pytest.fixture(scope="session")
def sdtm_package(pristine: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled study's SDTM package (XPT, Dataset-JSON, define.xml), written once for the `validate` faults."""
    out = tmp_path_factory.mktemp("package")
    done = python_m(["run", str(pristine / "study"), "--spec", str(pristine / "spec"), "--out", str(out), "--no-validate",
                "--no-adam", "--jobs", "1", "--quiet"], cwd=pristine)
    assert done.returncode == 0, done.stderr
    return out / SDTM


def _case(fault: Fault, pristine: Path, tmp_path: Path, request: pytest.FixtureRequest) -> Case:
    shutil.copytree(pristine / "study", tmp_path / "study", symlinks=True)
    shutil.copytree(pristine / "spec", tmp_path / "spec", symlinks=True)
    case = Case(tmp_path, tmp_path / "study", tmp_path / "spec", tmp_path / "out")
    if fault.needs_package:
        case.package = tmp_path / "package"
        shutil.copytree(request.getfixturevalue("sdtm_package"), case.package)
    case.argv = case.run_argv()
    fault.inject(case)
    return case


def _matches(issue: dict, want: Expect) -> bool:
    return issue.get("code") == want.code and all(
        getattr(want, k) is None or issue.get(k) == getattr(want, k)
        for k in ("file", "row", "line", "column", "severity"))


def _line_matches(text: str, want: Expect) -> bool:
    """A stderr line ``severity: [code] file, line N, data row N, column C: ...`` for ``want``."""
    if f"[{want.code}]" not in text:
        return False
    head = text.split(": ", 2)
    where = head[1] if len(head) > 1 else text
    parts = [want.file, want.line is not None and f"line {want.line}",
             want.row is not None and f"data row {want.row}", want.column and f"column {want.column}"]
    return all(p in where for p in parts if p) and (want.severity is None or text.startswith(want.severity))


def _report(case: Case) -> dict | None:
    out = Path(case.argv[case.argv.index("--out") + 1]) if "--out" in case.argv else None
    path = out / REPORT if out else None
    return json.loads(path.read_text(encoding="utf-8")) if path and path.is_file() else None


def _check_counts(case: Case, report: dict) -> None:
    files = {r["file"]: r for r in report["reconciliation"]}
    declared = sorted(p.name for p in case.study.glob("*.csv"))
    assert sorted(files) == declared, "every raw file has a reconciliation line"
    for name, r in files.items():
        assert r["rows_read"] == r["rows_mapped"] + r["rows_rejected"], name
        assert r["rows_unaccounted"] == 0, name
        assert r["rows_read"] == data_records(case.raw(name)), f"{name}: rows read vs records counted in the file"


@pytest.mark.parametrize("fault", FAULTS, ids=[f.name for f in FAULTS])
def test_fault_is_reported_and_no_record_is_lost(fault: Fault, pristine: Path, tmp_path: Path,
                                                  request: pytest.FixtureRequest) -> None:
    if fault.skip_as_root and RUNS_AS_ROOT:
        pytest.skip("root ignores file permissions; output-under-a-regular-file covers an unusable --out as root")
    case = _case(fault, pristine, tmp_path, request)
    done = cli(case.argv, tmp_path, case.preexec)
    said = done.stdout + done.stderr
    assert "Traceback" not in said and "internal error" not in said, said[-3000:]
    allowed = fault.exit if isinstance(fault.exit, tuple) else (fault.exit,)
    assert done.returncode in allowed, said[-3000:]
    report = _report(case) if case.argv[0] == "run" else None
    if done.returncode == 2:
        assert len(done.stderr.strip().splitlines()) == 1, f"exit 2 is one line:\n{done.stderr}"
    issues = report["issues"] if report else []
    findings = tmp_path / VALIDATION
    if findings.is_file():
        issues = issues + [{"code": f["rule"], **f} for f in json.loads(findings.read_text())["findings"]]
    shown = done.stderr[-2000:] + "\n".join(
        f"{i['severity']}: [{i['code']}] {i.get('file')} row {i.get('row')} line {i.get('line')} column "
        f"{i.get('column')}: {i['message'][:150]}" for i in issues[:40]) + done.stdout[-1500:]
    for want in fault.expect:
        assert any(_matches(i, want) for i in issues) or any(
            _line_matches(ln, want) for ln in done.stderr.splitlines()), f"{want} not in:\n{shown}"
    for text in fault.mentions:
        assert text in said or text in json.dumps(issues), f"{text!r} not in:\n{shown}"
    if fault.reconciles:
        assert report is not None, f"no conversion report:\n{said[-3000:]}"
    if report is not None:
        _check_counts(case, report)
    if fault.check is not None:
        fault.check(case)


def test_catalogue_has_forty_distinct_named_faults() -> None:
    names = [f.name for f in FAULTS]
    assert len(set(names)) == len(names) >= 40


def test_the_runner_answers_as_python_dash_m(pristine: Path, tmp_path: Path, request: pytest.FixtureRequest) -> None:
    """The forked runner (:mod:`tests.trust.runner`) gives what a fresh ``python -m sdtm_convert.cli`` gives."""
    fault = next(f for f in FAULTS if f.name == "duplicate-header-column")
    case = _case(fault, pristine, tmp_path, request)
    fresh, forked = python_m(case.argv, tmp_path), cli(case.argv, tmp_path)
    assert (forked.returncode, forked.stdout, forked.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert fresh.returncode == 2 and "[raw-column-duplicate]" in fresh.stderr
