"""The README's second study (the CDISC pilot from pharmaverse's raw data, specs only) end to end,
through the command line: no error of the tool's own making, and the ADaM datasets its specs declare
(ADSL, ADAE, ADVS) with the figures measured on the first spec-driven run."""

import json

import pandas as pd
import pytest

from sdtm_convert.cli import main
from sdtm_convert.package.layout import adam_dir, sdtm_dir
from sdtm_convert.xpt import read_v5
from tests.e2e.conftest import ROOT, config_internals

PILOT = ROOT / "sample_data" / "cdiscpilot01"


@pytest.fixture(scope="module")
def pilot_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("pilot-run") / "build2"
    code = main(["run", str(PILOT), "--out", str(out), "--quiet"])
    report = json.loads((out / "reports" / "conversion-report.json").read_text(encoding="utf-8"))
    return code, out, report


def test_pilot_run_exits_0_with_0_errors(pilot_run):
    code, _, report = pilot_run
    errors = [f"{i['code']} {i.get('dataset')}: {i['message']}" for i in report["issues"] if i["severity"] == "error"]
    assert (code, report["counts"]["error"], errors) == (0, 0, [])


def test_pilot_adam_is_the_three_declared_datasets_only(pilot_run):
    _, out, report = pilot_run
    folder = adam_dir(out, "CDISCPILOT01")
    assert sorted(p.name for p in folder.glob("*.xpt")) == ["adae.xpt", "adsl.xpt", "advs.xpt"]
    assert sorted(p.name for p in folder.glob("*.json")) == ["adae.json", "adsl.json", "advs.json"]
    assert "ADPASI" not in (folder / "define.xml").read_text(encoding="utf-8")
    adam_validation = json.loads((out / "reports" / "validation-adam.json").read_text(encoding="utf-8"))
    assert [d["dataset"] for d in adam_validation["datasets"]] == ["ADAE", "ADSL", "ADVS"]
    assert [i["code"] for i in report["issues"] if i["code"] == "adam-dataset-skipped"] == []


def _adam(out, name):
    return pd.DataFrame(read_v5(adam_dir(out, "CDISCPILOT01") / f"{name}.xpt").columns)


def test_pilot_adsl_keeps_every_dm_subject_with_admiral_and_pilot_define_rules(pilot_run):
    _, out, _ = pilot_run
    adsl = _adam(out, "adsl")
    assert len(adsl) == 306
    assert adsl["SAFFL"].value_counts().to_dict() == {"Y": 254, "N": 52}
    assert adsl["ITTFL"].value_counts().to_dict() == {"Y": 254, "N": 52}
    assert adsl["AGEGR1"].value_counts().to_dict() == {"65-80": 172, ">80": 92, "<65": 42}  # the pilot define's groups
    assert adsl["EOSSTT"].value_counts().to_dict() == {"DISCONTINUED": 144, "COMPLETED": 110, "": 52}
    assert sorted(adsl.loc[adsl["DTHFL"] == "Y", "DTHCAUS"]) == ["COMPLETED SUICIDE", "MYOCARDIAL INFARCTION",
                                                                 "SUDDEN DEATH"]
    assert sorted(adsl["TRT01PN"].dropna().unique()) == [0.0, 54.0, 81.0]
    failures = adsl[adsl["ARMNRS"] == "SCREEN FAILURE"]  # as admiral gives them from pharmaverse's DM
    assert len(failures) == 52 and set(failures["TRT01P"]) == set(failures["TRT01A"]) == {"Screen Failure"}
    assert failures["TRT01PN"].isna().all()
    assert (adsl["TRTSDT"].notna().sum(), adsl["TRTSTMF"].value_counts().to_dict()) == (254, {"H": 254, "": 52})


def test_pilot_adae_imputes_dates_and_flags_first_occurrences(pilot_run):
    _, out, _ = pilot_run
    adae = _adam(out, "adae")
    assert len(adae) == 1191
    assert adae["TRTEMFL"].value_counts().to_dict() == {"Y": 1131, "": 60}
    assert adae["ASTDTF"].value_counts().to_dict() == {"": 1180, "M": 11}
    assert adae["ASEVN"].value_counts().to_dict() == {1.0: 770, 2.0: 378, 3.0: 43}
    assert (adae["AOCCFL"] == "Y").sum() == (adae["AOCCIFL"] == "Y").sum() == 217  # one per subject with a TEAE


def test_pilot_advs_has_computed_parameters_averages_and_one_baseline_per_basetype(pilot_run):
    _, out, _ = pilot_run
    advs = _adam(out, "advs")
    assert len(advs) == 65033
    assert sorted(advs["PARAMCD"].unique()) == ["BMI", "BSA", "DIABP", "HEIGHT", "MAP", "PULSE", "SYSBP", "TEMP",
                                                "WEIGHT"]
    assert advs["BASETYPE"].value_counts().to_dict() == {
        "LAST": 29940, "LAST: AFTER LYING DOWN FOR 5 MINUTES": 11701, "LAST: AFTER STANDING FOR 3 MINUTES": 11698,
        "LAST: AFTER STANDING FOR 1 MINUTE": 11694}
    eot = advs[advs["DTYPE"] == "LOV"]
    assert len(eot) == 3024 and set(eot["AVISIT"]) == {"End of Treatment"} and set(eot["AVISITN"]) == {99.0}
    baselines = advs[advs["ABLFL"] == "Y"]
    assert not baselines.duplicated(["USUBJID", "PARAMCD", "BASETYPE"]).any() and len(baselines) == 4318
    # admiral's current templates: CHG/PCHG on post-baseline visits only (AVISITN > 0), as pharmaverseadam's ADVS
    assert advs.loc[advs["ABLFL"] == "Y", ["CHG", "PCHG"]].isna().all().all()
    post = advs[(advs["AVISITN"] > 0) & advs["BASE"].notna() & advs["AVAL"].notna()]
    assert len(post) > 0 and ((post["CHG"] - (post["AVAL"] - post["BASE"])).abs() < 1e-9).all()
    height = advs[advs["PARAMCD"] == "HEIGHT"]
    assert height["AVALCA1N"].value_counts().to_dict() == {1.0: 504, 2.0: 4}  # admiral's > 140 / <= 140 cm


def test_pilot_adsl_death_and_grouping_variables_follow_admiral(pilot_run):
    _, out, _ = pilot_run
    adsl = _adam(out, "adsl")
    assert adsl["RACEGR1"].value_counts().to_dict() == {"White": 273, "Non-white": 33}
    assert (adsl["DTH30FL"] == "Y").sum() == 3 and (adsl["DTHB30FL"] == "Y").sum() == 1
    assert adsl[["SCRFDT", "FRVDT", "LDDTHELD"]].notna().sum().tolist() == [52, 36, 3]
    assert adsl.loc[adsl["DTHFL"] == "Y", ["DTHDOM", "DTHCGR1"]].drop_duplicates().values.tolist() == [["AE", "ADVERSE EVENT"]]


def test_pilot_subject_elements_end_where_the_next_starts(pilot_run):
    _, out, _ = pilot_run
    se = pd.DataFrame(read_v5(sdtm_dir(out, "CDISCPILOT01") / "se.xpt").columns)
    # 01-701-1015 ended participation on the day of the last dose (2014-07-02T11:45): no follow-up element
    subject = se[se["USUBJID"] == "01-701-1015"]
    assert subject[["ETCD", "SESTDTC", "SEENDTC"]].values.tolist() == [
        ["SCRN", "2013-12-26", "2014-01-02"],
        ["PBO", "2014-01-02", "2014-07-02T11:45"],
    ]


def test_pilot_run_warns_only_about_what_the_raw_export_lacks(pilot_run):
    _, _, report = pilot_run
    warnings = [(i["code"], i.get("dataset"), i.get("variable")) for i in report["issues"] if i["severity"] == "warning"]
    assert warnings == []
    not_reached = {i["value"] for i in report["issues"] if i["code"] == "se-element-not-reached"}
    assert not_reached == {"HIE"}  # high dose stopped before week 24: left the treatment epoch early


def test_pilot_define_xml_takes_its_define_spec(pilot_run):
    """mappings/cdiscpilot01/define.yaml: MedDRA 8.0 (the CDISC pilot define's version) on the AE coding
    variables of AE and ADAE, and the sponsor's AGEGR1 method text."""
    _, out, report = pilot_run
    for folder, item in ((sdtm_dir(out, "CDISCPILOT01"), "IT.AE.AEBODSYS"), (adam_dir(out, "CDISCPILOT01"), "IT.ADAE.AEBODSYS")):
        text = (folder / "define.xml").read_text(encoding="utf-8")
        assert '<ExternalCodeList Dictionary="MedDRA" Version="8.0"/>' in text
        assert f'<ItemDef OID="{item}"' in text and 'CodeListOID="CL.MEDDRA"' in text
    adam = (adam_dir(out, "CDISCPILOT01") / "define.xml").read_text(encoding="utf-8")
    assert "Pooled age group of the statistical analysis plan" in adam
    assert [i for i in report["issues"] if i["code"].startswith("spec-define")] == []


def test_pilot_findings_are_all_explained_by_its_explanations_file(pilot_run):
    """mappings/cdiscpilot01/explanations.yaml explains every conformance finding left (each checked against the raw
    export): the conversion report counts 0 unexplained, and the cSDRG lists each group with its explanation."""
    _, out, report = pilot_run
    assert report["unexplained_findings"] == 0
    assert {k: c["unexplained"] for k, c in report["conformance"].items()} == {"adam": 0, "sdtm": 0}
    csdrg = (out / "reports" / "csdrg.md").read_text(encoding="utf-8")
    issues = csdrg[csdrg.index("### 4.2 Issues Summary"):csdrg.index("### 4.3")]
    rows = [line.split(" | ") for line in issues.splitlines() if line.startswith("| SC-")]
    assert {(r[0][2:], r[2], r[5]) for r in rows if r[0] != "| SC-META-011"} == {
        ("SC-CONS-034", "DM.ACTARMCD", "12"), ("SC-CONS-037", "AE.AEENDTC", "473"), ("SC-CONS-037", "EX.EXENDTC", "6"),
        ("SC-CONS-054", "AE.AESTDTC", "15"), ("SC-CONS-057", "AE.AETERM", "230"), ("SC-CONS-092", "AE.AESTDTC", "4"),
        ("SC-CT-002", "DS.DSDECOD", "2"), ("SC-PRES-021", "(package)", "1")}
    assert all(not r[6].startswith("no explanation") for r in rows)


def test_pilot_guides_show_no_config_internals(pilot_run):
    _, out, _ = pilot_run
    for name in ("csdrg.md", "adrg.md"):
        assert config_internals((out / "reports" / name).read_text(encoding="utf-8")) == [], name


def _unescaped(cell: str) -> str:
    """A Markdown cell as its text reads (the guides escape |, \\ and < and mark code with backquotes)."""
    return cell.replace("\\|", "|").replace("\\\\", "\\").replace("&lt;", "<").replace("`", "")


def _markdown_tables(text: str) -> list[list[list[str]]]:
    """Every Markdown table of a guide: its rows (the rule line left out), cells unescaped as the .docx writes them."""
    import re

    tables, block = [], []
    for line in text.splitlines() + [""]:
        if line.startswith("|"):
            block.append(line)
        elif block:
            rows = [r for r in block if not re.fullmatch(r"\|(\s*-+\s*\|)+", r.strip())]
            tables.append([[_unescaped(c.strip()) for c in re.split(r"(?<!\\)\|", r.strip())[1:-1]] for r in rows])
            block = []
    return tables


def test_pilot_word_guides_have_the_markdowns_headings_and_tables(pilot_run):
    """csdrg.docx and adrg.docx, read back with python-docx: the Markdown's headings at their levels, and each of its
    tables as a Word table of the same rows and cells, on landscape pages."""
    import re

    import docx
    from docx.enum.section import WD_ORIENT

    _, out, _ = pilot_run
    for name in ("csdrg", "adrg"):
        text = (out / "reports" / f"{name}.md").read_text(encoding="utf-8")
        doc = docx.Document(str(out / "reports" / f"{name}.docx"))
        headings = [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith(("Heading", "Title"))]
        expected = [("Title" if len(m.group(1)) == 1 else f"Heading {len(m.group(1)) - 1}", m.group(2).replace("`", ""))
                    for m in re.finditer(r"^(#{1,4}) (.+)$", text, re.M)]
        assert headings == expected and len(headings) > 20
        tables = _markdown_tables(text)
        assert len(doc.tables) == len(tables) > 5
        for table, rows in zip(doc.tables, tables, strict=True):
            assert [[c.text for c in r.cells] for r in table.rows] == rows
        assert doc.sections[0].orientation == WD_ORIENT.LANDSCAPE


def test_pilot_define_names_the_raw_columns_of_transposed_values(pilot_run):
    """VSORRES comes from six raw columns transposed to records (two VS sources): its def:Origin names them, not
    the working column __value; no origin of either define.xml shows a working name."""
    from lxml import etree

    _, out, _ = pilot_run
    ns = {"odm": "http://www.cdisc.org/ns/odm/v1.3", "def": "http://www.cdisc.org/ns/def/v2.1"}
    for folder in (sdtm_dir(out, "CDISCPILOT01"), adam_dir(out, "CDISCPILOT01")):
        tree = etree.parse(str(folder / "define.xml"))
        texts = tree.xpath("//def:Origin/odm:Description/odm:TranslatedText/text()", namespaces=ns)
        assert texts and [t for t in texts if "__" in t] == []
    vsorres = etree.parse(str(sdtm_dir(out, "CDISCPILOT01") / "define.xml")).xpath(
        "//odm:ItemDef[@OID='IT.VS.VSORRES']/def:Origin/odm:Description/odm:TranslatedText/text()", namespaces=ns)
    assert vsorres == ["SYS_BP, DIA_BP, PULSE, IT.TEMP, IT.WEIGHT, IT.HEIGHT_VSORRES"]
