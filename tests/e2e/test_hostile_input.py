"""Hostile input is handled safely: markup in data is inert in every HTML output, and names taken from
a spec cannot steer output paths."""

import shutil

import pytest

from sdtm_convert.errors import SdtmConvertError
from sdtm_convert.pipeline import prepare_spec, run_study
from tests.e2e.conftest import SAMPLE, SPEC

PAYLOAD = "<script>alert(1)</script>"


def test_markup_in_raw_values_is_inert_in_every_html_output(tmp_path):
    raw = tmp_path / "raw"
    shutil.copytree(SAMPLE, raw)
    text = (raw / "ae.csv").read_text(encoding="utf-8")
    lines = text.splitlines()
    header = lines[0].split(",")
    serious = next(i for i, line in enumerate(lines) if i and line.split(",")[header.index("AESER")] == "Yes")
    row = lines[serious].split(",")
    row[header.index("AETERM_V")] = PAYLOAD
    lines[serious] = ",".join(row)
    (raw / "ae.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = run_study(raw, SPEC, tmp_path / "out")
    assert PAYLOAD in set(result.conversion.sdtm["AE"]["AETERM"])  # the value itself is kept
    pages = list((tmp_path / "out").rglob("*.html"))
    assert {p.name for p in pages} >= {"conversion-report.html", "analysis-summary.html", "define.html"}
    for page in pages:
        html = page.read_text(encoding="utf-8")
        assert PAYLOAD not in html, page
    summary = (tmp_path / "out" / "reports" / "analysis-summary.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in summary  # shown, as text, in the serious AE listing


@pytest.mark.parametrize("domain", ["../../etc", "A/B", "..", "DM/../../x"])
def test_domain_names_cannot_escape_the_output_folder(tmp_path, domain):
    spec = tmp_path / "spec"
    shutil.copytree(SPEC, spec)
    text = (spec / "dm.yaml").read_text(encoding="utf-8").replace("domain: DM", f"domain: '{domain}'", 1)
    (spec / "dm.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SdtmConvertError) as exc:
        prepare_spec(spec)
    assert exc.value.issue.code == "spec-invalid"
