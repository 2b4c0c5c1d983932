"""The analysis summary of a written package in headless Chromium at 1400 px: no sideways scroll, every internal
link finds its section and every relative link opens a file of the package; on the bundled study, on the CDISC
pilot (no PASI) and on a 2,000-subject synthetic study. A screenshot of each is taken (PNG, the window's width
without its scroll bar).

Needs headless Chromium as the define.html browser tests do (``tests/package/cdp.py``).
"""

from __future__ import annotations

import base64
import struct
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from sdtm_convert.pipeline import run_study
from sdtm_convert.sample import generate_study
from tests.package.cdp import Browser, require_chromium

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
WIDTH = 1400
LINKS = "Array.from(document.querySelectorAll('a[href]'), a => [a.getAttribute('href'), a.href])"


def _study(name: str, tmp: Path) -> tuple[Path, Path]:
    if name == "sample-2000":
        kit = generate_study(tmp / "raw", subjects=2000)
        return tmp / "raw", Path(kit["spec"])
    return ROOT / "sample_data" / name, ROOT / "mappings" / name


@pytest.fixture(scope="module", params=["nct03745417", "cdiscpilot01", "sample-2000"])
def page(request, tmp_path_factory):
    exe = require_chromium()
    tmp = tmp_path_factory.mktemp(request.param)
    raw, spec = _study(request.param, tmp)
    out = tmp / "out"
    run_study(raw, spec, out, jobs=1)
    summary = out / "reports" / "analysis-summary.html"
    browser = Browser(exe)
    try:
        session = browser.open_page("about:blank")
        browser.call("Emulation.setDeviceMetricsOverride",
                     {"width": WIDTH, "height": 900, "deviceScaleFactor": 1, "mobile": False}, session=session)
        browser.call("Page.navigate", {"url": summary.as_uri()}, session=session)
        browser.wait_event("Page.loadEventFired")
        yield request.param, out, summary, browser, session
    finally:
        browser.close()


def test_no_sideways_scroll_at_1400_px_and_a_screenshot(page, tmp_path):
    name, _out, _summary, browser, session = page
    assert browser.evaluate(session, "innerWidth") == WIDTH
    widths = browser.evaluate(session, "[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert widths[0] <= widths[1], f"{name}: the page is {widths[0]} px wide in a {widths[1]} px window"
    shot = base64.b64decode(browser.call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True},
                                         session=session)["data"])
    assert shot[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">I", shot[16:20])[0] == widths[1]
    (tmp_path / f"analysis-summary-{name}.png").write_bytes(shot)
    assert browser.errors() == []


def test_every_internal_link_finds_its_section(page):
    _name, _out, _summary, browser, session = page
    internal = [h for h, _ in browser.evaluate(session, LINKS) if h.startswith("#")]
    assert len(internal) >= 4
    missing = browser.evaluate(session, f"{[h[1:] for h in internal]}.filter(id => !document.getElementById(id))")
    assert missing == []


def test_every_relative_link_opens_a_file_of_the_package(page):
    name, out, summary, browser, session = page
    relative = [(h, absolute) for h, absolute in browser.evaluate(session, LINKS) if not h.startswith("#")]
    assert sorted(h.rsplit("/", 1)[-1] for h, _ in relative) == [
        "define.html", "define.html", "validation-adam.html", "validation-sdtm.html"]
    for href, absolute in relative:
        assert not href.startswith(("/", "file:", "http")), href  # relative: the package can be moved
        target = Path(unquote(urlparse(absolute).path))
        assert target.is_file() and target.resolve().is_relative_to(out.resolve()), f"{name}: {href}"
        opened = browser.open_page(absolute)
        assert browser.evaluate(opened, "document.title") != "", f"{name}: {href} did not open"


def test_sections_follow_the_study_and_the_large_page_stays_small(page):
    name, _out, summary, browser, session = page
    ids = browser.evaluate(session, "Array.from(document.querySelectorAll('h2[id]'), h => h.id)")
    pasi = ["pasi-over-time", "pasi-improvement", "pasi-response"]
    common = ["disposition", "demographics", "teae", "sae"]
    assert ids == (common[:2] + pasi + common[2:] if name != "cdiscpilot01" else common)
    if name == "cdiscpilot01":  # three treatments and a Total
        headers = browser.evaluate(session, "Array.from(document.querySelectorAll('#disposition + p + table th'), "
                                            "th => th.textContent)")
        assert headers == ["Subjects", "Placebo (N = 86)", "Xanomeline Low Dose (N = 84)",
                           "Xanomeline High Dose (N = 84)", "Total (N = 254)"]
    if name == "sample-2000":
        assert browser.evaluate(session, "document.querySelectorAll('svg polyline').length") == 1  # the mean only
        size = summary.stat().st_size
        print(f"analysis-summary.html at 2,000 subjects: {size:,} bytes")
        assert size < 100_000  # 342,783 bytes with one line per subject
