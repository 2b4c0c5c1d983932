"""The summary page and its statistics."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pandas as pd
import pytest
from lxml import etree
from scipy import stats as sp

from sdtm_convert.adam import render_summary
from sdtm_convert.adam.stats import betainc, binom_cdf, clopper_pearson, describe, mean_ci, median_ci, t_quantile
from sdtm_convert.spec.study import study_from_dict
from tests.adam.conftest import STUDY_DICT


@pytest.mark.parametrize(
    ("x", "n", "lo", "hi"),
    [
        (0, 10, 0.0, 0.3085),
        (5, 10, 0.1871, 0.8129),
        (10, 10, 0.6915, 1.0),
        (1, 5, 0.0051, 0.7164),
        (50, 1000, 0.03734, 0.06539),
    ],
)
def test_clopper_pearson_known_values(x, n, lo, hi):
    a, b = clopper_pearson(x, n)
    assert a == pytest.approx(lo, abs=1e-4) and b == pytest.approx(hi, abs=1e-4)


def test_binom_cdf():
    assert binom_cdf(5, 10, 0.5) == pytest.approx(638 / 1024)
    assert binom_cdf(-1, 10, 0.5) == 0.0 and binom_cdf(10, 10, 0.3) == 1.0


def test_describe():
    assert describe([1.0, 2.0, 3.0, 4.0, float("nan")]) == {
        "n": 4,
        "mean": 2.5,
        "sd": pytest.approx(1.2909944),
        "median": 2.5,
        "min": 1.0,
        "max": 4.0,
    }
    assert describe([])["n"] == 0 and describe([5.0])["sd"] is None


@pytest.fixture(scope="module")
def html(built):
    return render_summary(built, study_from_dict(STUDY_DICT))


def test_page_is_self_contained_and_escaped(html):
    assert "<script" not in html.lower() and "http://" not in html.replace("http://www.w3.org/2000/svg", "")
    assert "https://" not in html and "Chest &lt;pain&gt;" in html and "Chest <pain>" not in html


def test_svg_is_well_formed_with_trajectories_and_mean(html):
    svg = re.search(r"<svg.*?</svg>", html, re.S).group(0)
    root = etree.fromstring(svg.encode())
    lines = root.findall("{http://www.w3.org/2000/svg}polyline")
    assert len(lines) == 4 + 1  # 4 FAS subjects + mean


def test_response_and_improvement_tables(html):
    assert "PASI 75 Response" in html
    # week 12, FAS (001 84.2 %, 002 NRI, 004 75 %, 005 0 %): PASI75 2/4, CI 6.8–93.2
    assert re.search(
        r"PASI 75 Response.*?<td class=\"num\">2 \(50.0\)</td><td class=\"num\">4</td>"
        r"<td class=\"num\">6.8 – 93.2</td><td class=\"num\">1</td>",
        html,
    )
    assert "Pneumonia" in html  # serious AE listed even when not treatment-emergent


def test_teae_soc_pt_counts_subjects_and_events_with_percentages_of_the_safety_population(built):
    from sdtm_convert.adam.summary_safety import safety_tables

    t = safety_tables(built.datasets["ADSL"], built.datasets["ADAE"])
    assert t["columns"] == ["UCMSC 2x10^6 cells/kg IV (N = 4)"]  # 001, 002, 004, 005 (003 never treated)
    assert t["overview"][0] == {"label": "Any TEAE", "cells": ["3 (75.0) [5]"], "level": 0}  # 001 ×3, 002, 005
    rows = t["soc_pt"]
    nervous = rows.index(next(r for r in rows if r["label"] == "Nervous system disorders"))
    assert rows[nervous]["cells"] == ["1 (25.0) [2]"]
    assert rows[nervous + 1] == {"label": "Headache", "cells": ["1 (25.0) [2]"], "level": 1}


# -- the statistics against an independent implementation (scipy) --------------------------------------------


@pytest.mark.parametrize("df", [1, 2, 3, 5, 9, 29, 136, 1999])
@pytest.mark.parametrize("p", [0.6, 0.95, 0.975, 0.995, 0.025])
def test_t_quantile_matches_scipy(df, p):
    assert t_quantile(p, df) == pytest.approx(sp.t.ppf(p, df), rel=1e-9)


@pytest.mark.parametrize(("a", "b", "x"), [(0.5, 0.5, 0.3), (2, 3, 0.9), (100, 200, 0.33), (0.5, 1000, 0.001),
                                           (1000, 0.5, 0.999), (14.5, 0.5, 0.2)])
def test_betainc_matches_scipy(a, b, x):
    from scipy.special import betainc as sp_betainc

    assert betainc(a, b, x) == pytest.approx(sp_betainc(a, b, x), rel=1e-10, abs=1e-15)


@pytest.mark.parametrize("n", [2, 3, 10, 137, 2000])
def test_mean_ci_matches_scipy_t_interval(n):
    x = np.random.default_rng(n).normal(40, 25, n)
    ci = sp.ttest_1samp(x, 0).confidence_interval(0.95)
    assert mean_ci(x.tolist()) == pytest.approx((ci.low, ci.high), rel=1e-9)
    assert mean_ci([1.0]) is None


@pytest.mark.parametrize("n", [*range(1, 40), 99, 100, 2000])
def test_median_ci_is_the_order_statistic_interval_of_scipy_quantile_test(n):
    x = np.round(np.random.default_rng(n).normal(50, 30, n))  # rounded: ties as in real improvement rates
    ci = sp.quantile_test(x, q=0, p=0.5).confidence_interval(0.95)
    got = median_ci(x.tolist())
    if np.isnan(ci.low):
        assert got is None and n < 6
        return
    low, high, coverage = got
    assert (low, high) == (ci.low, ci.high)
    rank = int(sp.binom.ppf(0.025, n, 0.5))  # the lower order statistic's rank, as scipy chooses it
    assert coverage >= 0.95 and coverage == pytest.approx(1 - 2 * sp.binom.cdf(rank - 1, n, 0.5), rel=1e-9)


@pytest.mark.parametrize(("x", "n"), [(0, 1), (1, 1), (0, 27), (3, 27), (20, 27), (27, 27), (1, 1855), (927, 1855)])
def test_clopper_pearson_matches_scipy_exact_binomial_interval(x, n):
    ci = sp.binomtest(x, n).proportion_ci(0.95, method="exact")
    assert clopper_pearson(x, n) == pytest.approx((ci.low, ci.high), abs=1e-9)


# -- the page's numbers ---------------------------------------------------------------------------------------


def _week12(adpasi, paramcd):
    d = adpasi.loc[(adpasi["PARAMCD"] == paramcd) & (adpasi["ANL01FL"] == "Y") & (adpasi["FASFL"] == "Y")]
    return d.loc[d["AVISITN"] == 12.0]


def test_improvement_rate_has_the_t_interval_of_the_mean(built, html):
    values = _week12(built.datasets["ADPASI"], "PASIIMP")["AVAL"].to_numpy()
    ci = sp.ttest_1samp(values, 0).confidence_interval(0.95)
    assert len(values) == 3
    assert f'<td class="num">{ci.low:.1f} – {ci.high:.1f}</td>' in html
    assert "(none: too few values for 95 %)" in html  # 3 values: no order-statistic interval reaches 95 %


def _synthetic_adpasi(subjects: int, seed: int = 7) -> pd.DataFrame:
    """PASI and PASIIMP records of ``subjects`` FAS subjects at baseline, week 4 and week 12."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(subjects):
        base = float(rng.integers(12, 40))
        for avisitn, avisit, factor in ((0.0, "Baseline", 1.0), (4.0, "Week 4", 0.7), (12.0, "Week 12", 0.4)):
            aval = round(base * factor * float(rng.uniform(0.5, 1.5)), 1)
            common = {"USUBJID": f"S-{i:04d}", "ANL01FL": "Y", "FASFL": "Y", "AVISITN": avisitn, "AVISIT": avisit,
                      "DTYPE": ""}
            pchg = np.nan if avisitn == 0 else (aval - base) / base * 100
            rows.append({**common, "PARAMCD": "PASI", "AVAL": aval if avisitn else base, "PCHG": pchg})
            if avisitn == 12.0:
                rows.append({**common, "PARAMCD": "PASIIMP", "AVAL": round(-pchg, 1), "PCHG": np.nan})
    return pd.DataFrame(rows)


def test_improvement_rate_has_the_distribution_free_interval_of_the_median_and_its_coverage():
    from sdtm_convert.adam.summary import improvement

    adpasi = _synthetic_adpasi(40)
    values = _week12(adpasi, "PASIIMP")["AVAL"].to_numpy()
    ci = sp.quantile_test(values, q=0, p=0.5).confidence_interval(0.95)
    got = improvement(adpasi, 12.0)
    assert got["median_ci"] == f"{ci.low:.1f} – {ci.high:.1f}"
    assert got["median"] == f"{np.median(values):.1f}" and got["sd"] == f"{np.std(values, ddof=1):.2f}"
    assert got["median_coverage"] == "96.2"  # 1 − 2·P(B ≤ 13), B ~ Bin(40, ½): ranks 14 and 27


def test_per_visit_table_has_mean_sd_interval_median_and_percent_change(built):
    from sdtm_convert.adam.summary import pasi_plot

    d = _week12(built.datasets["ADPASI"], "PASI")
    ci = sp.ttest_1samp(d["AVAL"], 0).confidence_interval(0.95)
    row = pasi_plot(built.datasets["ADPASI"])["visit_table"][-1]
    assert row == {
        "avisit": "Week 12", "n": "3", "mean": f"{d['AVAL'].mean():.1f}", "sd": f"{d['AVAL'].std():.2f}",
        "ci": f"{ci.low:.1f} – {ci.high:.1f}", "median": f"{d['AVAL'].median():.1f}",
        "range": f"{d['AVAL'].min():.1f} – {d['AVAL'].max():.1f}", "pchg": f"{d['PCHG'].mean():.1f}", "pchg_n": "3",
    }


@pytest.mark.parametrize(("subjects", "band"), [(50, False), (51, True)])
def test_plot_shows_the_mean_and_its_interval_instead_of_subject_lines_above_50_subjects(subjects, band):
    from sdtm_convert.adam.summary import pasi_plot

    plot = pasi_plot(_synthetic_adpasi(subjects))
    assert plot["band"] is band and len(plot["subjects"]) == (0 if band else subjects)
    assert bool(plot["band_points"]) is band
    assert [m["lo"] is not None for m in plot["mean_points"]] == [True, True, True]


def test_large_study_page_draws_the_band_and_no_subject_lines(built):
    result = dataclasses.replace(built, datasets={**built.datasets, "ADPASI": _synthetic_adpasi(60)})
    page = render_summary(result, study_from_dict(STUDY_DICT))
    svg = etree.fromstring(re.search(r"<svg.*?</svg>", page, re.S).group(0).encode())
    ns = "{http://www.w3.org/2000/svg}"
    assert len(svg.findall(f"{ns}polyline")) == 1 and len(svg.findall(f"{ns}polygon")) == 1  # mean line + CI band
    assert "60 subjects (more than 50)" in page


def test_response_chart_draws_each_rate_with_its_exact_interval(built):
    from sdtm_convert.adam.summary import BARS, response_chart, responses

    rows = responses(built.datasets["ADPASI"], 12.0, (50, 75, 90, 100))
    chart = response_chart(rows)
    bar = chart["bars"][1]  # PASI 75: 2/4
    ci = sp.binomtest(2, 4).proportion_ci(0.95, method="exact")
    top, height = BARS["top"], BARS["height"] - BARS["top"] - BARS["bottom"]

    def y(pct: float) -> float:
        return round(top + height * (1 - pct / 100), 1)

    assert (bar["label"], bar["y"], bar["lo"], bar["hi"]) == ("PASI 75", y(50), y(100 * ci.low), y(100 * ci.high))
    assert bar["text"] == "50.0 %" and len(chart["bars"]) == 4


# -- count tables ---------------------------------------------------------------------------------------------


def test_demographics_and_disposition_are_n_percent_of_the_column_n(built):
    from sdtm_convert.adam.summary_tables import demographics, disposition

    demo = demographics(built.datasets["ADSL"])
    assert demo["columns"] == ["UCMSC 2x10^6 cells/kg IV (N = 4)"]  # 003 (screen failure) not assigned
    rows = {(r["label"], r["level"]): r["cells"] for r in demo["rows"]}
    assert rows[("F", 1)] == ["2 (50.0)"] and rows[("41-65", 1)] == ["3 (75.0)"]
    assert rows[("Mean (SD)", 1)] == ["47.5 (12.71)"]  # ages 34, 52, 41, 63
    disp = disposition(built.datasets["ADSL"], {})
    rows = {r["label"]: r["cells"] for r in disp["rows"]}
    assert rows["Discontinued the study (EOSSTT = DISCONTINUED)"] == ["1 (25.0)"]
    assert rows["ADVERSE EVENT"] == ["1 (25.0)"] and rows["Per-protocol (PPROTFL = Y)"] == ["3 (75.0)"]
    assert (disp["screened"], disp["not_assigned"]) == (5, 1)


def _two_arm_adsl() -> pd.DataFrame:
    arms = ["Placebo"] * 3 + ["Drug"] * 2 + ["Screen Failure"]
    return pd.DataFrame({
        "USUBJID": [f"S-{i}" for i in range(6)],
        "TRT01P": arms, "TRT01PN": [0, 0, 0, 1, 1, np.nan], "TRT01A": arms, "TRT01AN": [0, 0, 0, 1, 1, np.nan],
        "ITTFL": ["Y"] * 5 + ["N"], "SAFFL": ["Y"] * 5 + ["N"], "SEX": ["F", "M", "F", "F", "", "M"],
    })


def test_several_treatments_get_a_column_each_and_a_total():
    from sdtm_convert.adam.summary_tables import demographics

    demo = demographics(_two_arm_adsl())
    assert demo["columns"] == ["Placebo (N = 3)", "Drug (N = 2)", "Total (N = 5)"]
    rows = {r["label"]: r["cells"] for r in demo["rows"]}
    assert rows["F"] == ["2 (66.7)", "1 (50.0)", "3 (60.0)"]
    assert rows["Missing"] == ["0 (0.0)", "1 (50.0)", "1 (20.0)"]  # a blank SEX, shown last
    other = demographics(_two_arm_adsl().assign(RACE=["WHITE"] * 5 + ["OTHER"]))  # OTHER: the screen failure's
    assert [r["label"] for r in other["rows"] if r["label"] in ("WHITE", "OTHER")] == ["WHITE"]


def test_without_a_treatment_variable_the_population_is_one_column():
    from sdtm_convert.adam.summary_tables import treatment_columns

    columns, flag = treatment_columns(_two_arm_adsl().drop(columns=["TRT01A", "TRT01AN"]), ("SAFFL",), "TRT01A")
    assert flag == "SAFFL" and [c.header for c in columns] == ["All subjects (N = 5)"]
    bare = _two_arm_adsl()[["USUBJID", "SEX"]]
    columns, flag = treatment_columns(bare, ("SAFFL",), "TRT01A")
    assert flag is None and [c.header for c in columns] == ["All subjects (N = 6)"]


def test_subjects_are_counted_once_at_their_most_related_and_most_severe_teae():
    from sdtm_convert.adam.summary_safety import safety_tables

    adae = pd.DataFrame({
        "USUBJID": ["S-0", "S-0", "S-1", "S-3", "S-3", "S-4", "S-5"],
        "TRTEMFL": ["Y", "Y", "Y", "Y", "Y", "", "Y"],  # S-4's is before treatment; S-5 not in the safety set
        "AEBODSYS": ["Skin", "Skin", "Nervous", "Skin", "Skin", "Skin", "Skin"],
        "AEDECOD": ["Rash", "Pruritus", "Headache", "Rash", "Rash", "Rash", "Rash"],
        "AEREL": ["NOT RELATED", "PROBABLY RELATED", "UNLIKELY RELATED", "POSSIBLY RELATED", "NOT RELATED",
                  "DEFINITELY RELATED", "DEFINITELY RELATED"],
        "AESEV": ["MILD", "SEVERE", "MODERATE", "MILD", "MODERATE", "SEVERE", "SEVERE"],
        "AESER": ["N", "Y", "N", "N", "N", "N", "N"],
        "AEACN": ["DOSE NOT CHANGED", "DRUG WITHDRAWN", "", "", "DOSE NOT CHANGED", "", ""],
        "AEOUT": ["", "", "", "", "FATAL", "", ""],
    })
    t = safety_tables(_two_arm_adsl(), adae)
    assert t["columns"] == ["Placebo (N = 3)", "Drug (N = 2)", "Total (N = 5)"] and t["n_subjects"] == 5
    rel = {r["label"]: r["cells"] for r in t["relationship"]}
    assert list(rel) == ["PROBABLY RELATED", "POSSIBLY RELATED", "UNLIKELY RELATED", "NOT RELATED"]
    assert rel["PROBABLY RELATED"] == ["1 (33.3) [1]", "0 (0.0) [0]", "1 (20.0) [1]"]  # S-0
    assert rel["NOT RELATED"] == ["0 (0.0) [1]", "0 (0.0) [1]", "0 (0.0) [2]"]  # its events, no subject at worst
    sev = {r["label"]: r["cells"] for r in t["severity"]}
    assert sev == {"SEVERE": ["1 (33.3) [1]", "0 (0.0) [0]", "1 (20.0) [1]"],
                   "MODERATE": ["1 (33.3) [1]", "1 (50.0) [1]", "2 (40.0) [2]"],
                   "MILD": ["0 (0.0) [1]", "0 (0.0) [1]", "0 (0.0) [2]"]}
    overview = {r["label"].split(" (")[0]: r["cells"] for r in t["overview"]}
    assert overview["Any TEAE"] == ["2 (66.7) [3]", "1 (50.0) [2]", "3 (60.0) [5]"]
    assert overview["Related TEAE"] == ["1 (33.3) [1]", "1 (50.0) [1]", "2 (40.0) [2]"]
    assert overview["TEAE leading to discontinuation of study treatment"] == ["1 (33.3) [1]", "0 (0.0) [0]",
                                                                              "1 (20.0) [1]"]
    assert overview["TEAE with fatal outcome"] == ["0 (0.0) [0]", "1 (50.0) [1]", "1 (20.0) [1]"]
    assert [r["label"] for r in t["soc_pt_withdrawn"]] == ["Skin", "Pruritus"]
    assert [(r["label"], r["cells"][2]) for r in t["soc_pt"]] == [
        ("Skin", "2 (40.0) [4]"), ("Rash", "2 (40.0) [3]"), ("Pruritus", "1 (20.0) [1]"),
        ("Nervous", "1 (20.0) [1]"), ("Headache", "1 (20.0) [1]")]


def test_a_study_without_adpasi_has_no_pasi_section(built):
    result = dataclasses.replace(built, datasets={k: v for k, v in built.datasets.items() if k != "ADPASI"})
    page = render_summary(result, study_from_dict(STUDY_DICT))
    headings = re.findall(r"<h[1-3][^>]*>(.*?)</h[1-3]>", page)
    assert not [h for h in headings if "PASI" in h] and "<svg" not in page and 'href="#pasi' not in page
    assert 'id="demographics"' in page and 'id="disposition"' in page and 'id="teae"' in page


def test_links_to_the_define_files_and_validation_reports_are_relative_to_the_reports_folder(tmp_path):
    from sdtm_convert.package.adam import summary_links

    assert summary_links(tmp_path, "NCT03745417", validate=True) == [
        ("Define-XML of the SDTM datasets (define.html)", "../m5/datasets/nct03745417/tabulations/sdtm/define.html"),
        ("Define-XML of the ADaM datasets (define.html)",
         "../m5/datasets/nct03745417/analysis/adam/datasets/define.html"),
        ("Validation report of the SDTM package", "validation-sdtm.html"),
        ("Validation report of the ADaM package", "validation-adam.html"),
    ]
    assert len(summary_links(tmp_path, "NCT03745417", validate=False)) == 2


# -- the CDISC pilot's published ADaM (PhUSE TDF v1.0, tests/data/cdiscpilot01-package/adam.tar.xz) ---------------


@pytest.fixture(scope="module")
def tdf():
    import io
    import tarfile
    from pathlib import Path

    archive = Path(__file__).parents[1] / "data" / "cdiscpilot01-package" / "adam.tar.xz"
    with tarfile.open(archive) as tar:
        def read(name: str) -> pd.DataFrame:
            raw = tar.extractfile(f"adam/{name}.xpt").read()
            frame = pd.read_sas(io.BytesIO(raw), format="xport", encoding="latin-1")
            return frame.apply(lambda c: c.fillna("") if c.dtype == object else c)

        return read("adsl"), read("adae")


def test_pilot_demographics_are_those_of_its_clinical_study_report(tdf):
    """Table 14-2.01 of the CDISC pilot CSR (ITT): age mean (SD), median, range; age groups; sex."""
    from sdtm_convert.adam.summary_tables import demographics

    demo = demographics(tdf[0])
    assert demo["columns"] == ["Placebo (N = 86)", "Xanomeline Low Dose (N = 84)", "Xanomeline High Dose (N = 84)",
                               "Total (N = 254)"]
    rows = {r["label"]: r["cells"] for r in demo["rows"]}
    assert rows["Mean (SD)"] == ["75.2 (8.59)", "75.7 (8.29)", "74.4 (7.89)", "75.1 (8.25)"]
    assert rows["Median"] == ["76.0", "77.5", "76.0", "77.0"]
    assert rows["Min – Max"] == ["52 – 89", "51 – 88", "56 – 88", "51 – 89"]
    assert rows["<65"] == ["14 (16.3)", "8 (9.5)", "11 (13.1)", "33 (13.0)"]
    assert rows["F"] == ["53 (61.6)", "50 (59.5)", "40 (47.6)", "143 (56.3)"]


def test_pilot_teae_counts_equal_an_independent_count_of_its_adae(tdf):
    from sdtm_convert.adam.summary_safety import safety_tables

    adsl, adae = tdf
    t = safety_tables(adsl, adae)
    assert t["overview"][0]["cells"] == ["65 (75.6) [281]", "77 (91.7) [412]", "76 (90.5) [433]", "218 (85.8) [1126]"]
    te = adae.loc[adae["TRTEMFL"] == "Y"].merge(adsl[["USUBJID", "TRT01A"]], on="USUBJID")
    n = adsl.groupby("TRT01A")["USUBJID"].nunique()
    arms = ["Placebo", "Xanomeline Low Dose", "Xanomeline High Dose"]

    def cells(d: pd.DataFrame) -> list[str]:
        subj, ev = d.groupby("TRT01A")["USUBJID"].nunique(), d.groupby("TRT01A").size()
        out = [f"{subj.get(a, 0)} ({100 * subj.get(a, 0) / n[a]:.1f}) [{ev.get(a, 0)}]" for a in arms]
        total = d["USUBJID"].nunique()
        return [*out, f"{total} ({100 * total / n.sum():.1f}) [{len(d)}]"]

    expected = []
    for soc, d in sorted(te.groupby("AEBODSYS"), key=lambda kv: (-kv[1]["USUBJID"].nunique(), kv[0])):
        expected.append((soc, cells(d)))
        for pt, e in sorted(d.groupby("AEDECOD"), key=lambda kv: (-kv[1]["USUBJID"].nunique(), kv[0])):
            expected.append((pt, cells(e)))
    assert [(r["label"], r["cells"]) for r in t["soc_pt"]] == expected
    assert len(expected) > 250
