"""``sdtm-convert batch`` on a real Dask cluster: a LocalCluster of two worker processes over TCP on localhost
(module-scoped), three small generated studies and one with a broken spec. Every output file of the batch equals
the single ``run`` of the same study byte for byte; the failing study is reported while the others finish; the
portfolio's counts equal the sum of the studies' own reports (openpyxl) and its page fits 1400 px with every
relative link resolving (headless Chromium); a second batch shows the changes since the first."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from sdtm_convert.cli import main

distributed = pytest.importorskip("distributed")

STUDIES = {"a": (20, 11, []), "b": (20, 12, ["--no-adam"]), "c": (24, 13, ["--no-adam"])}  # subjects, seed, args

SINGLE = """
import json, os, sys
from sdtm_convert.cli import main
root, runs, packages = sys.argv[1], json.loads(sys.argv[2]), json.loads(sys.argv[3])
codes = [main(["run", f"{root}/raw/{n}", "--out", f"{root}/single/{n}", "--quiet", *args]) for n, args in runs]
for n, pkg in packages:
    out = f"{root}/single-validate/{n}"
    os.makedirs(out)
    codes.append(main(["validate", pkg, "--quiet", *(f"--report-{k}={out}/validation.{k}" for k in ("json", "html", "xlsx"))]))
print(json.dumps({"codes": codes, "dask": sorted(m for m in sys.modules if m.split(".")[0] in ("dask", "distributed"))}))
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _sdtm(root: Path, name: str) -> Path:
    return root / "single" / name / "m5" / "datasets" / "nct03745417" / "tabulations" / "sdtm"


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    from sdtm_convert.sample import generate_study

    root = tmp_path_factory.mktemp("batch")
    for name, (subjects, seed, _) in STUDIES.items():
        generate_study(root / "raw" / name, subjects=subjects, seed=seed)
    shutil.copytree(root / "raw" / "a", root / "raw" / "bad")
    dm = root / "raw" / "bad" / "spec" / "dm.yaml"
    dm.write_text(dm.read_text(encoding="utf-8").replace("algorithm:", "algorithm: no_such_algorithm\n    x_algorithm:", 1),
                  encoding="utf-8")
    entries = [{"path": f"raw/{n}", "name": n, **({"args": args} if args else {})}
               for n, (_, _, args) in STUDIES.items()] + [{"path": "raw/bad", "name": "bad"}]
    import yaml

    (root / "studies.yaml").write_text(yaml.safe_dump({"studies": entries}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def scheduler():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, protocol="tcp",
                                  host="127.0.0.1", dashboard_address=None) as cluster:
        yield cluster.scheduler_address


@pytest.fixture(scope="module")
def single(root) -> dict:
    """The single commands, in one fresh interpreter: ``run`` per study, ``validate`` of two SDTM packages."""
    runs = [[n, args] for n, (_, _, args) in STUDIES.items()]
    packages = [[n, str(_sdtm(root, n))] for n in ("a", "b")]
    out = subprocess.run([sys.executable, "-c", SINGLE, str(root), json.dumps(runs), json.dumps(packages)],
                         capture_output=True, text=True, check=True, cwd=root)
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def batch(root, scheduler, single) -> dict:
    from contextlib import redirect_stderr
    from io import StringIO

    err = StringIO()
    with redirect_stderr(err):
        code = main(["batch", "run", "--studies", str(root / "studies.yaml"), "--out", str(root / "batch"),
                     "--scheduler", scheduler, "--quiet"])
    return {"code": code, "stderr": err.getvalue(),
            "portfolio": json.loads((root / "batch" / "portfolio.json").read_text(encoding="utf-8"))}


def test_single_commands_do_not_import_dask(single):
    assert single["codes"] == [0, 0, 0, 0, 0]
    assert single["dask"] == []


def test_every_output_of_a_batch_run_equals_the_single_run_byte_for_byte(root, batch):
    for name in STUDIES:
        one, many = _files(root / "single" / name), _files(root / "batch" / name)
        assert sorted(one) == sorted(many)
        assert [f for f in one if one[f] != many[f]] == []
    assert any(f.endswith("adsl.xpt") for f in _files(root / "batch" / "a"))  # study a with ADaM, b and c without


def test_a_failing_study_is_reported_and_the_others_finish(root, batch):
    by_name = {s["name"]: s for s in batch["portfolio"]["studies"]}
    assert [by_name[n]["status"] for n in ("a", "b", "c", "bad")] == ["passed", "passed", "passed", "failed"]
    bad = by_name["bad"]
    assert bad["exit_status"] == 2 and bad["error"].startswith("error: [spec-yaml-syntax] ")
    assert "bad/spec/dm.yaml, line 7" in bad["error"]
    assert batch["code"] == 2
    assert batch["stderr"].splitlines() == [f"study bad: {bad['error']}"]
    assert not (root / "batch" / "bad").exists()


def _study_counts(out: Path) -> dict[str, int]:
    total = {"error": 0, "warning": 0, "notice": 0}
    for report in sorted((out / "reports").glob("validation-*.json")):
        for k, n in json.loads(report.read_text(encoding="utf-8"))["counts"]["by_severity"].items():
            total[k] += n
    return total


def test_the_portfolio_workbook_counts_are_the_sum_of_the_study_reports(root, batch):
    from openpyxl import load_workbook

    wb = load_workbook(root / "batch" / "portfolio.xlsx", read_only=True)
    rows = list(wb["Studies"].iter_rows(values_only=True))
    head = rows[0]
    got = {r[0]: {k: r[head.index(k)] for k in ("error", "warning", "notice")} for r in rows[1:]}
    for name in STUDIES:
        assert got[name] == _study_counts(root / "batch" / name)
    assert got["bad"] == {"error": 0, "warning": 0, "notice": 0}
    rules = {r[0]: r for r in list(wb["Rules"].iter_rows(values_only=True))[1:]}
    for rule, (_, _, studies, _, names) in rules.items():
        having = [n for n in STUDIES if any(rule in {x["rule"] for x in json.loads(p.read_text())["summary"]}
                                            for p in (root / "batch" / n / "reports").glob("validation-*.json"))]
        assert (studies, names) == (len(having), ", ".join(having))
    assert sum(r[3] for r in rules.values()) == sum(sum(_study_counts(root / "batch" / n).values()) for n in STUDIES)


def test_the_portfolio_page_fits_1400_px_and_every_link_resolves(root, batch):
    from tests.package.cdp import Browser, require_chromium

    page = root / "batch" / "portfolio.html"
    browser = Browser(require_chromium())
    try:
        session = browser.open_page(page.as_uri())
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": 1400, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session)
        widths = browser.evaluate(session, "[document.documentElement.scrollWidth, window.innerWidth]")
        links = browser.evaluate(session, "Array.from(document.querySelectorAll('a')).map(a => a.href)")
    finally:
        browser.close()
    assert widths[0] <= widths[1] == 1400
    assert len(links) == 1 + 2 + 2 + 2  # a: conversion, SDTM and ADaM validation; b, c: conversion and SDTM
    missing = [u for u in links if not Path(unquote(urlparse(u).path)).is_file()]
    assert missing == []
    assert all(Path(unquote(urlparse(u).path)).is_relative_to(root / "batch") for u in links)


def _validate_batch(root: Path, scheduler: str) -> tuple[int, dict]:
    code = main(["batch", "validate", str(_sdtm(root, "a")), str(_sdtm(root, "b")), "--out", str(root / "checks"),
                 "--scheduler", scheduler, "--quiet"])
    return code, json.loads((root / "checks" / "portfolio.json").read_text(encoding="utf-8"))


def _without_clock(path: Path) -> dict:
    doc = json.loads(path.read_text(encoding="utf-8"))
    for k in ("started", "timing"):
        doc["run"].pop(k)
    return doc


def test_batch_validate_writes_the_single_reports_and_a_rerun_shows_the_changes(root, scheduler, single):
    code, first = _validate_batch(root, scheduler)
    assert code == 0 and [s["name"] for s in first["studies"]] == ["a", "b"] and first["since"] is None
    for name in ("a", "b"):  # the single command's report, but for the clock (validation start and timing)
        assert _without_clock(root / "checks" / name / "validation.json") == \
            _without_clock(root / "single-validate" / name / "validation.json")
    # the previous portfolio left in the root, edited: a finding of a missing from it, one more in b
    edited = json.loads((root / "checks" / "portfolio.json").read_text(encoding="utf-8"))
    a_ids = edited["studies"][0]["validation"][0]["identities"]
    dropped = a_ids.pop(0)
    edited["studies"][1]["validation"][0]["identities"].append(["package", "SC-XX-999", "DM", "SEX", "S1", "", "Q", 2])
    (root / "checks" / "portfolio.json").write_text(json.dumps(edited), encoding="utf-8")
    code, second = _validate_batch(root, scheduler)
    a, b = second["studies"]
    total = sum(x[-1] for x in first["studies"][0]["validation"][0]["identities"])
    assert second["since"] == "portfolio.json"
    assert (a["changes"]["new"], a["changes"]["resolved"], a["changes"]["persisting"]) == (
        dropped[-1], 0, total - dropped[-1])
    assert a["changes"]["new_findings"][0]["rule"] == dropped[1]
    assert (b["changes"]["new"], b["changes"]["resolved"]) == (0, 2)
    assert b["changes"]["resolved_findings"] == [{"package": "package", "rule": "SC-XX-999", "dataset": "DM",
                                                  "variable": "SEX", "usubjid": "S1", "seq": "", "value": "Q",
                                                  "count": 2}]
    b_total = sum(x[-1] for x in first["studies"][1]["validation"][0]["identities"])
    assert b["changes"]["persisting"] == b_total
    assert second["totals"]["changes"] == {"new": dropped[-1], "resolved": 2,
                                           "persisting": total - dropped[-1] + b_total}
