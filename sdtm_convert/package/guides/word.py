"""The reviewer's guides as Word documents (``reports/csdrg.docx``, ``adrg.docx``), written by python-docx from the
Markdown the run renders (headings, paragraphs, bullets, bold, tables: the subset the guide templates use), so the
two forms say the same. Byte-identical on a rerun: the document's dates are the package date, and the zip entries
carry a fixed timestamp (python-docx stamps them with the clock)."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sdtm_convert.common.atomic import atomic_write_bytes

_FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)  # the earliest a zip entry can carry
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
_BOLD = re.compile(r"\*\*(.+?)\*\*")


def _plain(text: str) -> str:
    """Markdown text as written by ``render.md`` back to plain text (escapes undone, code marks dropped)."""
    return text.replace("\\|", "|").replace("\\\\", "\\").replace("&lt;", "<").replace("`", "")


def _cells(line: str) -> list[str]:
    return [_plain(c.strip()) for c in _CELL_SPLIT.split(line.strip())[1:-1]]


def _add_text(paragraph: Any, text: str) -> None:
    """``text`` into ``paragraph``, ``**bold**`` spans as bold runs."""
    parts = _BOLD.split(text)
    for i, part in enumerate(parts):
        if part:
            paragraph.add_run(_plain(part)).bold = i % 2 == 1


def _add_table(doc: Any, lines: list[str]) -> None:
    rows = [_cells(line) for line in lines if not re.fullmatch(r"\|(\s*-+\s*\|)+", line.strip())]
    width = max(len(r) for r in rows)
    table = doc.add_table(rows=len(rows), cols=width)
    table.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            table.cell(r, c).text = value
            if r == 0:
                for run in table.cell(r, c).paragraphs[0].runs:
                    run.bold = True


def _landscape(section: Any) -> None:
    """Landscape pages with narrow margins: the guides' tables have up to eight columns."""
    from docx.enum.section import WD_ORIENT
    from docx.shared import Cm

    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = section.page_height, section.page_width
    section.left_margin = section.right_margin = section.top_margin = section.bottom_margin = Cm(1.8)


def markdown_document(markdown: str, title: str, created: datetime) -> Any:
    """A python-docx Document of the guide's Markdown; ``created``: the package date (the document's dates)."""
    import docx

    doc = docx.Document()
    props = doc.core_properties
    props.title, props.author, props.last_modified_by, props.revision = title, "sdtm-convert", "sdtm-convert", 1
    props.created = props.modified = created
    _landscape(doc.sections[0])
    lines = markdown.splitlines()
    i = 0
    text: list[str] = []  # the lines of the paragraph being read
    while i < len(lines):
        line = lines[i]
        heading = re.match(r"(#{1,4}) (.+)$", line)
        if heading or line.startswith("|") or line.startswith("- ") or not line.strip():
            if text:
                _add_text(doc.add_paragraph(), " ".join(text))
                text = []
        if heading:
            doc.add_heading(_plain(heading.group(2)), level=len(heading.group(1)) - 1)
        elif line.startswith("|"):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            _add_table(doc, block)
            continue
        elif line.startswith("- "):
            _add_text(doc.add_paragraph(style="List Bullet"), line[2:])
        elif line.strip():
            text.append(line.strip())
        i += 1
    if text:
        _add_text(doc.add_paragraph(), " ".join(text))
    return doc


def package_datetime(created: str) -> datetime:
    """The package date (study.yaml ``created``, ISO 8601) as a UTC datetime for the document's properties."""
    when = datetime.fromisoformat(created.replace("Z", "+00:00"))
    return when if when.tzinfo else when.replace(tzinfo=UTC)


def write_docx(markdown: str, path: Path, title: str, created: datetime) -> Path:
    """Write the guide's Markdown as a .docx at ``path`` (atomically), the same bytes for the same Markdown."""
    raw, fixed = io.BytesIO(), io.BytesIO()
    markdown_document(markdown, title, created).save(raw)
    with zipfile.ZipFile(raw) as src, zipfile.ZipFile(fixed, "w", zipfile.ZIP_DEFLATED) as out:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, date_time=_FIXED_ZIP_TIME)
            entry.compress_type, entry.external_attr = zipfile.ZIP_DEFLATED, 0o644 << 16
            out.writestr(entry, src.read(info.filename))
    return atomic_write_bytes(path, fixed.getvalue())
