"""The summary page and its statistics."""

from __future__ import annotations

import re

import pytest
from lxml import etree

from sdtm_convert.adam import render_summary
from sdtm_convert.adam.stats import binom_cdf, clopper_pearson, describe
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
        r"PASI 75 Response.*?<td class=\"num\">2</td><td class=\"num\">4</td><td class=\"num\">50.0</td>"
        r"<td class=\"num\">6.8 – 93.2</td><td class=\"num\">1</td>",
        html,
    )
    assert "Pneumonia" in html  # serious AE listed even when not treatment-emergent


def test_teae_table_counts_subjects_and_events(built):
    from sdtm_convert.adam.summary import teae_table

    rows = teae_table(built.datasets["ADAE"])
    assert (rows[0]["subjects"], rows[0]["events"]) == (3, 5)  # 001 ×3, 002, 005 (003 never treated)
    nervous = next(r for r in rows if r["soc"] == "Nervous system disorders")
    assert (nervous["subjects"], nervous["events"], nervous["pts"]) == (
        1,
        2,
        [{"pt": "Headache", "subjects": 1, "events": 2}],
    )
