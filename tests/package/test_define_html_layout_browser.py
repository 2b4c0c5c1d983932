"""define.html in headless Chromium at a 1400 px window: no sideways scroll and every internal link resolves, for
both bundled runs' SDTM and ADaM define.xml and for the CDISC pilot's own Define-XML 2.0 (tests/data/define, see
its README). Each page is screenshotted at its top and at its first dataset table (into the test's tmp folder).

Needs headless Chromium, as ``test_define_html_browser.py`` (skipped without it, a failure when CI requires it).
"""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from sdtm_convert.package.define_html import render_define_html
from tests.package.cdp import Browser, require_chromium

pytestmark = pytest.mark.browser

PILOT = Path(__file__).resolve().parents[1] / "data" / "define" / "define-2-0-cdiscpilot01-sdtm.xml"
WIDTH, HEIGHT = 1400, 900
PAGES = ["nct03745417 SDTM", "nct03745417 ADaM", "cdiscpilot01 SDTM", "cdiscpilot01 ADaM", "CDISC pilot define 2.0"]

MEASURE = """({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: innerWidth,
  overflowing: [...document.querySelectorAll('body *')]
      .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 0.5)
      .slice(0, 5).map(e => e.tagName + (e.id ? '#' + e.id : '') + ' ' + e.textContent.slice(0, 40)),
  links: document.querySelectorAll('a[href^="#"]').length,
  unresolved: [...document.querySelectorAll('a[href^="#"]')].map(a => a.getAttribute('href'))
      .filter(h => !document.getElementById(decodeURIComponent(h.slice(1)))),
  navTargets: [...document.querySelectorAll('nav a[href^="#"]')].map(a => a.getAttribute('href')),
  // the lines each value-level variable name takes (its first text, in the row's second cell)
  vlmNameLines: [...document.querySelectorAll('section[id^="vl-"] tr td:nth-child(2)')].map(td => {
      const n = td.firstChild.nodeType === 3 ? td.firstChild : td.firstChild.firstChild;
      const r = document.createRange(); r.selectNodeContents(n);
      return [n.textContent, r.getClientRects().length]; }),
})"""


@pytest.fixture(scope="module")
def browser():
    exe = require_chromium()  # before the bundled runs: without a browser nothing is built
    b = Browser(exe)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture(scope="module")
def pages(browser, request, tmp_path_factory) -> dict[str, dict]:
    """Each define.html opened at 1400 x 900: its measures, and its two screenshots' paths."""
    shots = tmp_path_factory.mktemp("define-html-screenshots")
    bundled = request.getfixturevalue("bundled_defines")  # the (session) runs only once the browser is there
    sources = dict(bundled) | {"CDISC pilot define 2.0": PILOT}
    out = {}
    for name, define in sources.items():
        page = shots / (name.replace(" ", "-") + ".html")
        page.write_text(render_define_html(define), encoding="utf-8")
        out[name] = _open(browser, page, shots / name.replace(" ", "-"))
    return out


def _open(browser: Browser, page: Path, shot: Path) -> dict:
    target = browser.call("Target.createTarget", {"url": "about:blank"})["targetId"]
    session = browser.call("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
    browser.call("Page.enable", session=session)
    browser.call("Emulation.setDeviceMetricsOverride",
                 {"width": WIDTH, "height": HEIGHT, "deviceScaleFactor": 1, "mobile": False}, session=session)
    browser.call("Page.navigate", {"url": page.as_uri()}, session=session)
    browser.wait_event("Page.loadEventFired", timeout=120)
    measured = browser.evaluate(session, MEASURE)
    paths = []
    for where in ("top", "first-dataset"):
        if where == "first-dataset":
            browser.evaluate(session, "document.querySelector('main section').scrollIntoView()")
        png = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png"}, session=session)["data"])
        path = shot.with_name(f"{shot.name}-{where}.png")
        path.write_bytes(png)
        paths.append(path)
    browser.call("Target.closeTarget", {"targetId": target})
    return measured | {"screenshots": paths}


@pytest.mark.parametrize("name", PAGES)
def test_the_page_has_no_sideways_scroll_at_1400_px(pages, name):
    m = pages[name]
    assert m["innerWidth"] == WIDTH
    assert m["scrollWidth"] <= m["innerWidth"] and m["overflowing"] == [], m
    assert all(p.stat().st_size > 10_000 for p in m["screenshots"])  # a blank page is a few hundred bytes


@pytest.mark.parametrize("name", PAGES)
def test_every_internal_link_resolves_and_the_navigation_lists_every_part(pages, name):
    m = pages[name]
    assert m["links"] > 100 and m["unresolved"] == []
    parts = {"#datasets", "#codelists"} | ({"#methods"} if name != "CDISC pilot define 2.0" else set())
    assert parts <= set(m["navTargets"])
    assert any(t.startswith("#cl-") for t in m["navTargets"]) and any(t.startswith("#ds-") for t in m["navTargets"])


def test_the_pilot_define_20_navigation_lists_value_lists_methods_comments_and_its_annotated_crf(pages):
    nav = set(pages["CDISC pilot define 2.0"]["navTargets"])
    assert {"#value-level", "#methods", "#comments", "#documents", "#lf-LF.blankcrf"} <= nav
    assert "#vl-VL.LBHE.LBORRES" in nav


def test_the_adam_pages_list_their_analysis_results_in_the_navigation(pages):
    # both bundled studies' adam/analyses.yaml: the displays are parts of the page the links above reach
    assert {"#analysis-results", "#rd-RD.T14.2.1"} <= set(pages["nct03745417 ADaM"]["navTargets"])
    assert {"#analysis-results", "#rd-RD.Table_14-2.01", "#rd-RD.Table_14-5.01", "#rd-RD.Table_14-5.02"} <= set(
        pages["cdiscpilot01 ADaM"]["navTargets"])


@pytest.mark.parametrize("name", ["cdiscpilot01 SDTM", "cdiscpilot01 ADaM", "CDISC pilot define 2.0"])
def test_value_level_variable_names_stay_on_one_line(pages, name):
    """A value-level row names its variable in one line at 1400 px (the CDISC pilot's tool-made ItemDef names, e.g.
    LBORRES.LBHE.LBTESTCD.EQ.ANISO.LBHE.LBCAT.EQ.HEMATOLOGY-ad56f059, once wrapped letter by letter)."""
    lines = pages[name]["vlmNameLines"]
    assert len(lines) > 5 and [x for x in lines if x[1] != 1] == []
    assert all(len(text) <= 8 for text, _ in lines), lines[:5]
