"""The portfolio's three files in the output root: ``portfolio.json`` (everything, the next batch's ``--since``),
``portfolio.xlsx`` (sheets Studies, Rules, Changes) and ``portfolio.html`` (the same, with relative links to each
study's own reports). Each is written whole to a temporary file and renamed (``common.atomic``)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any
from urllib.parse import quote

from sdtm_convert.batch.findings import IDENTITY
from sdtm_convert.batch.portfolio import SEVERITIES
from sdtm_convert.common.atomic import atomic_path

NAMES = {kind: f"portfolio.{kind}" for kind in ("json", "xlsx", "html")}


def write_json(portfolio: dict[str, Any], path: Path) -> None:
    with atomic_path(path) as tmp:
        Path(tmp).write_text(json.dumps(portfolio, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def _changed_rows(portfolio: dict[str, Any]) -> list[list[Any]]:
    rows = []
    for s in portfolio["studies"]:
        for what in ("new", "resolved"):
            for f in (s["changes"] or {}).get(f"{what}_findings", []):
                rows.append([s["name"], what, *(f[k] for k in IDENTITY), f["count"]])
    return rows


def write_xlsx(portfolio: dict[str, Any], path: Path) -> None:
    from openpyxl import Workbook

    from sdtm_convert.common.xlsx import safe_row

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Studies")
    ws.append(["study", "status", "exit status", "failure", *SEVERITIES, "conversion errors", "conversion warnings",
               "new", "resolved", "persisting", "output"])
    for s in portfolio["studies"]:
        conv, ch = s["conversion"] or {}, s["changes"] or {}
        ws.append(safe_row(ws, [s["name"], s["status"], s["exit_status"], s["error"],
                                *(s["by_severity"][k] for k in SEVERITIES), conv.get("errors"),
                                conv.get("warnings"), ch.get("new"), ch.get("resolved"), ch.get("persisting"),
                                s["out"]]))
    ws = wb.create_sheet("Rules")
    ws.append(["rule", "severity", "studies", "findings", "study names"])
    for r in portfolio["rules"]:
        ws.append(safe_row(ws, [r["rule"], r["severity"], r["study_count"], r["findings"], ", ".join(r["studies"])]))
    ws = wb.create_sheet("Changes")
    ws.append(["study", "change", *IDENTITY, "count"])
    for row in _changed_rows(portfolio):
        ws.append(safe_row(ws, row))
    with atomic_path(path) as tmp:
        wb.save(tmp)


def write_html(portfolio: dict[str, Any], path: Path) -> None:
    from sdtm_convert.common.html import environment

    env = environment("sdtm_convert.batch", strict=True)
    env.filters["href"] = lambda p: quote(p)
    html = env.get_template("portfolio.html.j2").render(p=portfolio, severities=SEVERITIES, identity=IDENTITY)
    with atomic_path(path) as tmp:
        Path(tmp).write_text(html, encoding="utf-8")


def write_all(portfolio: dict[str, Any], root: Path) -> dict[str, Path]:
    written = {}
    for kind, writer in (("json", write_json), ("xlsx", write_xlsx), ("html", write_html)):
        written[kind] = root / NAMES[kind]
        writer(portfolio, written[kind])
    return written
