"""The reviewer's guides a run writes (reports/csdrg.md, reports/adrg.md): the PHUSE templates' sections in order,
the run's own numbers, every conformance finding left with its explanation or "no explanation", and the count of
unexplained findings in the headline."""

import itertools
import json
import re
import shutil

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir, sdtm_dir
from tests.e2e.conftest import SAMPLE, SPEC, config_internals

CSDRG_SECTIONS = [
    "1. Introduction", "1.1 Purpose", "1.2 Acronyms", "1.3 Study Data Standards and Dictionary Inventory",
    "2. Protocol Description", "2.1 Protocol Number and Title", "2.2 Protocol Design", "2.3 Trial Design Datasets",
    "2.3.1 TA – Trial Arms", "2.3.2 TE – Trial Elements", "2.3.3 TV – Trial Visits",
    "2.3.4 TI – Trial Inclusion/Exclusion Criteria", "2.3.5 TS – Trial Summary",
    "3. Subject Data Description", "3.1 Overview", "3.2 Annotated CRFs", "3.3 SDTM Subject Domains",
    "3.3.1 AE – Adverse Events", "3.3.2 DM – Demographics", "3.3.3 DS – Disposition", "3.3.4 EX – Exposure",
    "3.3.5 IE – Inclusion/Exclusion Criteria Not Met", "3.3.6 QS – Questionnaires", "3.3.7 SE – Subject Elements",
    "3.3.8 SV – Subject Visits", "3.3.9 VS – Vital Signs",
    "4. Data Conformance Summary", "4.1 Conformance Inputs", "4.2 Issues Summary", "4.3 Additional Conformance Details",
    "Appendix I: Inclusion/Exclusion Criteria", "Appendix II: Conformance Issues Details",
]
ADRG_SECTIONS = [
    "1. Introduction", "1.1 Purpose", "1.2 Study Data Standards and Dictionary Inventory",
    "1.3 Source Data Used for Analysis Dataset Creation",
    "2. Protocol Description", "2.1 Protocol Number and Title", "2.2 Protocol Design in Relation to ADaM Concepts",
    "3. Analysis Considerations Related to Multiple Analysis Datasets", "3.1 Core Variables", "3.2 Treatment Variables",
    "3.3 Subject Issues that Require Special Analysis Rules",
    "3.4 Use of Visit Windowing, Unscheduled Visits, and Record Selection", "3.5 Imputation/Derivation Methods",
    "4. Analysis Data Creation and Processing Issues", "4.1 Split Datasets", "4.2 Data Dependencies",
    "4.3 Intermediate Datasets",
    "5. Analysis Dataset Descriptions", "5.1 Overview", "5.2 Analysis Datasets",
    "5.2.1 ADSL – Subject-Level Analysis Dataset", "5.2.2 ADAE – Adverse Events Analysis Dataset",
    "5.2.3 ADPASI – PASI Analysis Dataset",
    "6. Data Conformance Summary", "6.1 Conformance Inputs", "6.2 Issues Summary",
    "7. Submission of Programs", "7.1 ADaM Programs",
]


def _headings(text: str) -> list[str]:
    return [m.group(1) for m in re.finditer(r"^#{2,4} (.+)$", text, re.M)]


def _section(text: str, heading: str) -> str:
    start = text.index(f" {heading}\n")
    nxt = re.search(r"^#{2,3} ", text[start + 1:], re.M)
    return text[start: start + 1 + nxt.start()] if nxt else text[start:]


def _table(section: str) -> list[list[str]]:
    """The rows of the first Markdown table of a section (header and rule left out)."""
    lines = section.splitlines()
    first = next(i for i, line in enumerate(lines) if line.startswith("|"))
    rows = list(itertools.takewhile(lambda line: line.startswith("|"), lines[first:]))
    return [[c.strip() for c in re.split(r"(?<!\\)\|", r)[1:-1]] for r in rows[2:]]


def test_guides_have_the_phuse_templates_sections_in_order(sample_run):
    reports = sample_run.out / "reports"
    assert _headings((reports / "csdrg.md").read_text(encoding="utf-8")) == CSDRG_SECTIONS
    assert _headings((reports / "adrg.md").read_text(encoding="utf-8")) == ADRG_SECTIONS
    assert sample_run.outputs["csdrg"] == "reports/csdrg.md" and sample_run.outputs["adrg"] == "reports/adrg.md"


def test_guides_describe_methods_and_populations_without_config_internals(sample_run):
    """Method and population texts in words: no mapping braces, 'var'/'op' keys, adam.* settings or __ working
    names (an ADRG once showed "(condition: {'var': 'NINFUS', 'op': 'ge', 'value': 1})")."""
    assert config_internals("'Y' if received at least one infusion (condition: {'var': 'NINFUS', 'op': 'ge'})") != []
    assert config_internals("TRTEMFL window adam.trtemfl_window_days (default 28); value from __value") != []
    for name in ("csdrg.md", "adrg.md"):
        text = (sample_run.out / "reports" / name).read_text(encoding="utf-8")
        assert config_internals(text) == [], name
    assert "(NINFUS ≥ 1)" in _section((sample_run.out / "reports" / "adrg.md").read_text(encoding="utf-8"),
                                      "3.3 Subject Issues that Require Special Analysis Rules")


def test_inventories_give_the_runs_records_and_file_sizes(sample_run):
    report = json.loads(sample_run.report_json.read_text(encoding="utf-8"))
    records = {d["name"]: d["records"] for d in report["datasets"]}
    reports = sample_run.out / "reports"
    for guide, heading, folder in (("csdrg.md", "3.1 Overview", sdtm_dir), ("adrg.md", "5.2 Analysis Datasets", adam_dir)):
        rows = _table(_section((reports / guide).read_text(encoding="utf-8"), heading))
        shown = {r[0].split(" – ")[0]: r for r in rows}
        assert {n: int(r[4 if guide == "csdrg.md" else 3].replace(",", "")) for n, r in shown.items()} == {
            n: records[n] for n in shown}
        assert len(shown) == len([n for n in records if n.startswith("AD") == (guide == "adrg.md")])
        for name, r in shown.items():
            sizes = dict(re.findall(r"(\S+) ([\d,]+) bytes", r[-1]))
            assert sizes == {f"{name.lower()}{s}": f"{(folder(sample_run.out, 'NCT03745417') / f'{name.lower()}{s}').stat().st_size:,}"
                             for s in (".xpt", ".json")}


def test_every_finding_left_is_listed_with_the_sponsors_explanation(sample_run):
    reports = sample_run.out / "reports"
    csdrg = _table(_section((reports / "csdrg.md").read_text(encoding="utf-8"), "4.2 Issues Summary"))
    adrg = _table(_section((reports / "adrg.md").read_text(encoding="utf-8"), "6.2 Issues Summary"))
    assert [(r[0], r[2], r[5], r[6][:30]) for r in csdrg] == [
        ("SC-CT-002", "QS.QSCAT", "1", "PASI FREDRIKSSON is the catego"),
        ("SC-PRES-021", "(package)", "1", "The raw exports of this study "),
    ]
    assert [(r[0], r[2], r[5], r[6][:30]) for r in adrg] == [("SC-CT-002", "ADPASI.DTYPE", "1",
                                                             "NRI marks the week-12 records ")]
    for kind, rows in (("sdtm", csdrg), ("adam", adrg)):
        doc = json.loads((reports / f"validation-{kind}.json").read_text(encoding="utf-8"))
        assert sum(int(r[5]) for r in rows) == doc["counts"]["findings"]
    assert sample_run.conversion.guides.unexplained == 0


def test_unexplained_findings_are_counted_in_the_headline_and_stale_explanations_warned(tmp_path, capsys):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    text = (spec / "explanations.yaml").read_text(encoding="utf-8")
    start = text.index("  - rule: SD1107")
    end = text.index("  - rule: CT2002\n    dataset: ADPASI")
    stale = "  - rule: SD1107\n    dataset: MH\n    explanation: no medical history was collected\n"
    lines_before = text[:start].count("\n")
    (spec / "explanations.yaml").write_text(text[:start] + stale + text[end:], encoding="utf-8")
    out = tmp_path / "build"
    assert main(["run", str(SAMPLE), "--spec", str(spec), "--out", str(out)]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert line.startswith("OK: 0 errors, 2 warnings; ")  # the transliterated character, the stale explanation
    assert f"; 1 finding unexplained -> {out}/reports/csdrg.md; 16 SDTM and 3 ADaM datasets" in line
    report = json.loads((out / "reports" / "conversion-report.json").read_text(encoding="utf-8"))
    stale_issue, = [i for i in report["issues"] if i["code"] == "explanation-stale"]
    assert (stale_issue["line"], stale_issue["dataset"]) == (lines_before + 1, "MH")
    csdrg = (out / "reports" / "csdrg.md").read_text(encoding="utf-8")
    rows = _table(_section(csdrg, "4.2 Issues Summary"))
    assert [(r[0], r[6]) for r in rows if r[0] == "SC-PRES-021"] == [("SC-PRES-021", "no explanation")]
    assert "- rule SD1107, MH (line" in _section(csdrg, "4.3 Additional Conformance Details")
    # the conversion report counts it as the headline does and says the line has no explanation
    assert (report["unexplained_findings"], report["conformance"]["sdtm"]["unexplained"]) == (1, 1)
    lb, = [w for w in report["conformance"]["sdtm"]["left"] if w["rule"] == "SC-PRES-021"]
    assert (lb["explanations"], lb["unexplained"]) == ([], True)
    html = (out / "reports" / "conversion-report.html").read_text(encoding="utf-8")
    assert '<strong class="warning">1 finding unexplained</strong>' in html
    assert "No explanation in explanations.yaml; the study collected no LB data" in html


def test_conversion_report_gives_the_sponsors_explanation_of_each_warning_left(sample_run):
    import html as htmllib

    report = json.loads(sample_run.report_json.read_text(encoding="utf-8"))
    left = {(k, w["rule"], w["value"]): (w["explanations"], w["unexplained"])
            for k, c in report["conformance"].items() for w in c["left"]}
    texts = {e.dataset: e.explanation for e in sample_run.conversion.spec.explanations}
    assert left == {("sdtm", "SC-CT-002", "PASI FREDRIKSSON"): ([texts["QS"]], False),
                    ("sdtm", "SC-PRES-021", "LB"): ([texts["LB"]], False),
                    ("adam", "SC-CT-002", "NRI"): ([texts["ADPASI"]], False)}
    assert report["unexplained_findings"] == 0 == sample_run.conversion.guides.unexplained
    assert [c["unexplained"] for c in report["conformance"].values()] == [0, 0]
    page = htmllib.unescape(sample_run.report_html.read_text(encoding="utf-8"))
    assert all(f'<p class="explained">{t}</p>' in page for t in texts.values())
    assert '<strong class="passed">0 findings unexplained</strong>' in page and "no reason recorded" not in page


def test_run_json_gives_the_unexplained_count(tmp_path, capsys):
    assert main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(tmp_path / "b"), "--json", "--no-adam"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["unexplained_findings"] == 0 and doc["outputs"]["csdrg"] == "reports/csdrg.md"
    assert "adrg" not in doc["outputs"] and not (tmp_path / "b" / "reports" / "adrg.md").exists()


def test_word_guides_say_what_the_markdown_says(sample_run):
    import docx

    reports = sample_run.out / "reports"
    for name, issues in (("csdrg", "4.2 Issues Summary"), ("adrg", "6.2 Issues Summary")):
        text = (reports / f"{name}.md").read_text(encoding="utf-8")
        doc = docx.Document(str(reports / f"{name}.docx"))
        headings = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
        assert headings == _headings(text)
        table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Rule")
        assert [[c.text for c in r.cells] for r in table.rows[1:]] == [
            [c.replace("\\|", "|") for c in row] for row in _table(_section(text, issues))]
        assert doc.core_properties.created.isoformat() == "2026-11-25T00:00:00+00:00"  # the package date
        assert sample_run.outputs[f"{name}_docx"] == f"reports/{name}.docx"


def test_without_validation_the_guides_say_so_and_the_headline_has_no_count(tmp_path, capsys):
    out = tmp_path / "nv"
    assert main(["run", str(SAMPLE), "--spec", str(SPEC), "--out", str(out), "--no-validate", "--no-adam"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[-1]
    assert "unexplained" not in line and "conformance" not in line
    csdrg = (out / "reports" / "csdrg.md").read_text(encoding="utf-8")
    assert "The package was not validated in this run (`--no-validate`)" in _section(csdrg, "4.1 Conformance Inputs")
