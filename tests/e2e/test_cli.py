"""The command line: exit codes, --json/--quiet, one readable line (never a traceback) for bad input."""

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from sdtm_convert.cli import main
from tests.e2e.conftest import SAMPLE, SPEC


def test_run_json_summary(tmp_path, capsys):
    code = main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(tmp_path / "b"), "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and out["status"] == "passed" and out["errors"] == 0
    assert any(p.endswith("tabulations/sdtm/dm.xpt") for p in out["outputs"]["sdtm"])


def test_run_quiet_prints_nothing_on_success(tmp_path, capsys):
    code = main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(tmp_path / "b"), "--quiet"])
    captured = capsys.readouterr()
    assert code == 0 and captured.out == "" and captured.err == ""


def _copy_study(tmp_path: Path) -> tuple[Path, Path]:
    raw, spec = tmp_path / "raw", tmp_path / "spec"
    shutil.copytree(SAMPLE, raw)
    shutil.copytree(SPEC, spec)
    return raw, spec


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sdtm_convert.cli", *args], capture_output=True, text=True, timeout=300)


def messages(p: subprocess.CompletedProcess) -> list[str]:
    """stderr without the progress lines ("[  1.2s] stage")."""
    return [line for line in p.stderr.strip().splitlines() if not line.startswith("[")]


def test_missing_raw_file_is_one_line_with_exit_2(tmp_path):
    raw, spec = _copy_study(tmp_path)
    (raw / "ae_meddra.csv").unlink()
    p = run_cli("run", str(raw), "--spec", str(spec), "--out", str(tmp_path / "b"))
    assert p.returncode == 2
    assert "Traceback" not in p.stderr
    lines = messages(p)
    assert len(lines) == 1 and "[raw-file-missing]" in lines[0] and "ae_meddra.csv" in lines[0]


def test_missing_column_names_file_and_column(tmp_path):
    raw, spec = _copy_study(tmp_path)
    text = (raw / "dm.csv").read_text(encoding="utf-8").replace("SEX,", "GENDER,", 1)
    (raw / "dm.csv").write_text(text, encoding="utf-8")
    p = run_cli("run", str(raw), "--spec", str(spec), "--out", str(tmp_path / "b"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "[raw-column-missing]" in p.stderr and "dm.csv" in p.stderr and "column SEX" in p.stderr


def test_spec_typo_names_file_and_line(tmp_path):
    raw, spec = _copy_study(tmp_path)
    text = (spec / "ae.yaml").read_text(encoding="utf-8").replace("algorithm: assign_datetime", "algorithm: assign_datetim", 1)
    (spec / "ae.yaml").write_text(text, encoding="utf-8")
    p = run_cli("run", str(raw), "--spec", str(spec), "--out", str(tmp_path / "b"))
    assert p.returncode == 2 and "Traceback" not in p.stderr
    assert "[spec-invalid]" in p.stderr and "ae.yaml, line " in p.stderr


def test_data_errors_exit_1_after_writing_the_report(tmp_path):
    raw, spec = _copy_study(tmp_path)
    text = (raw / "ae.csv").read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")
    first[4] = "31 FEB 2022"  # AESTDAT
    lines = text.splitlines()
    lines[1] = ",".join(first)
    (raw / "ae.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "b"
    p = run_cli("run", str(raw), "--spec", str(spec), "--out", str(out))
    assert p.returncode == 1 and "Traceback" not in p.stderr
    assert "[date-nonexistent]" in p.stderr and "ae.csv, data row 1, column AESTDAT" in p.stderr
    report = json.loads((out / "reports" / "conversion-report.json").read_text(encoding="utf-8"))
    assert report["status"] == "failed"
    assert any(i["code"] == "date-nonexistent" and i["row"] == 1 for i in report["issues"])


def test_sample_command_generates_a_study(tmp_path):
    p = run_cli("sample", "--subjects", "12", "--seed", "7", "--out", str(tmp_path / "s"))
    assert p.returncode == 0, p.stderr
    assert (tmp_path / "s" / "dm.csv").exists() and (tmp_path / "s" / "pasi.csv").exists()


@pytest.mark.parametrize("argv", [["run", "/nonexistent/study", "--spec", str(SPEC)], ["run", "/nonexistent/study"]])
def test_nonexistent_study_folder_says_study_folder_not_found(argv, tmp_path, capsys):
    assert main([*argv, "--out", str(tmp_path / "b")]) == 2
    err = capsys.readouterr().err
    assert err == "error: [study-folder-missing] /nonexistent/study: study folder not found\n"
    assert not (tmp_path / "b").exists()


def _sdtm_convert(cwd: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "sdtm_convert.cli", *args], capture_output=True, text=True,
                          timeout=300, cwd=cwd)


def test_sample_prints_the_run_command_that_converts_it_without_spec(tmp_path):
    here = tmp_path / "here"
    here.mkdir()
    p = _sdtm_convert(here, "sample", "--subjects", "3", "--out", "s3")
    assert p.returncode == 0, p.stderr
    assert p.stdout.splitlines()[-1] == "convert it with: sdtm-convert run s3 --out s3-build"
    run = _sdtm_convert(here, "run", "s3", "--out", "s3-build", "--no-validate", "--formats", "xpt", "--quiet")
    assert run.returncode == 0 and run.stderr == "", run.stderr
    manifest = json.loads((here / "s3-build" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["settings"]["spec_folder"] == "../s3/spec"  # relative to the output folder
    assert (here / "s3-build" / "m5" / "datasets" / "nct03745417" / "tabulations" / "sdtm" / "dm.xpt").is_file()


def test_a_sample_converts_from_any_working_directory(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    assert _sdtm_convert(tmp_path, "sample", "--subjects", "3", "--out", "s3", "--quiet").returncode == 0
    p = _sdtm_convert(elsewhere, "run", str(tmp_path / "s3"), "--out", str(tmp_path / "b"), "--json")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["errors"] == 0


PILOT_XPT = Path(__file__).resolve().parents[1] / "data" / "cdiscpilot01"  # a folder of .xpt files


def _usage_cases(tmp_path: Path) -> dict[str, tuple[list[str], str]]:
    blocker = tmp_path / "a-file"
    return {
        "run-out-is-a-file": (["run", "--out", str(blocker)],
                              f"error: [output-not-a-folder] {blocker}: the output folder names an existing file"),
        "run-out-under-a-file": (["run", "--out", str(blocker / "build")],
                                 f"error: [output-not-a-folder] {blocker / 'build'}: cannot create the output folder: "
                                 f"{blocker} is a file"),
        "run-out-unwritable": (["run", "--out", "/proc/sdtm-convert/build"],
                               "error: [output-not-writable] /proc/sdtm-convert/build: cannot write the output folder"),
        "run-unknown-encoding": (["run", "--encoding", "utf-9", "--out", str(tmp_path / "b")],
                                 "error: [encoding-unknown] unknown text encoding 'utf-9'"),
        "sample-out-is-a-file": (["sample", "--out", str(blocker)],
                                 f"error: [output-not-a-folder] {blocker}: the output folder names an existing file"),
        "diff-report-unwritable": (["diff", str(tmp_path / "old"), str(tmp_path / "new"), "--report-html",
                                    str(blocker / "d.html")],
                                   f"error: [output-not-a-folder] {blocker / 'd.html'}: cannot write the report file: "
                                   f"{blocker} is a file"),
        "xpt2json-out-is-a-file": (["xpt2json", str(PILOT_XPT), "--out", str(blocker)],
                                   f"error: [output-not-a-folder] {blocker}: the output folder names an existing file"),
    }


@pytest.mark.parametrize("case", sorted(_usage_cases(Path("x"))))
def test_usage_errors_exit_2_with_one_line_before_any_data_is_read(case, tmp_path, capsys):
    (tmp_path / "a-file").write_text("keep", encoding="utf-8")
    argv, start = _usage_cases(tmp_path)[case]
    if "/proc/" in " ".join(argv) and not Path("/proc/self").exists():
        pytest.skip("needs Linux /proc as a place nobody can write")
    code = main(argv)
    captured = capsys.readouterr()
    lines = captured.err.splitlines()
    assert code == 2 and len(lines) == 1 and lines[0].startswith(start), captured.err  # no "[  0.3s] stage" line
    assert captured.out == ""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a-file"]  # nothing created
    assert (tmp_path / "a-file").read_text(encoding="utf-8") == "keep"


def test_what_run_writes_in_the_readme_lists_every_file_of_a_run(sample_run):
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## What `run` writes", 1)[1].split("\n## ", 1)[0]
    assert "--no-validate" in section
    files = sorted(p.relative_to(sample_run.out).as_posix() for p in sample_run.out.rglob("*") if p.is_file())
    assert "reports/validation-sdtm.html" in files and "reports/validation-adam.json" in files
    for rel in files:
        folder, _, name = rel.rpartition("/")
        if name.endswith((".xpt", ".json")) and "/datasets/" in rel:
            assert folder + "/" in section and name.rsplit(".", 1)[1] in section, rel
        else:
            assert (rel if folder == "reports" else name) in section, rel


def test_xpt_to_json_to_xpt_round_trip_from_the_command_line(sample_run, tmp_path):
    from sdtm_convert.package.layout import sdtm_dir
    from sdtm_convert.xpt import read_xpt

    src = sdtm_dir(sample_run.out, "NCT03745417")
    assert main(["xpt2json", str(src), "--out", str(tmp_path / "j"), "--quiet"]) == 0
    assert main(["json2xpt", str(tmp_path / "j"), "--out", str(tmp_path / "x"), "--quiet"]) == 0
    for original in sorted(src.glob("*.xpt")):
        a, ia = read_xpt(original)
        b, ib = read_xpt(tmp_path / "x" / original.name)
        assert a.equals(b), original.name
        assert [(v.name, v.label, v.type, v.length) for v in ia.variables] == \
            [(v.name, v.label, v.type, v.length) for v in ib.variables]
        assert ia.label == ib.label


def test_run_without_adam_or_validation(tmp_path, capsys):
    code = main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(tmp_path / "b"), "--no-adam",
                 "--no-validate", "--formats", "xpt", "--json"])
    out = json.loads(capsys.readouterr().out)
    assert code == 0 and "adam" not in out["outputs"]
    assert not list((tmp_path / "b").rglob("*.json")) or all(
        p.name in ("manifest.json", "conversion-report.json") for p in (tmp_path / "b").rglob("*.json"))
