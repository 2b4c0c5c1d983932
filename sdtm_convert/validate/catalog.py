"""The rule catalogue, generated from the registered rules: ``rules_catalog()`` and ``docs/rules.md``.

Regenerate the document with ``python -m sdtm_convert.validate.catalog docs/rules.md``.
"""

from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

from sdtm_convert.validate.registry import CATEGORIES, rules_catalog

__all__ = ["rules_catalog", "render_markdown"]


def _md(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def render_markdown() -> str:
    rows = rules_catalog()
    by_cat = Counter(r["category"] for r in rows)
    out = [
        "# Validation rules",
        "",
        "Generated from the code by `python -m sdtm_convert.validate.catalog docs/rules.md`; do not edit by hand.",
        "",
        "Each rule is one registered function in `sdtm_convert/validate/rules/`. *P21* is the equivalent Pinnacle 21 "
        'Community 2.2.0 rule (its message, description and FDA "Publisher ID" are read from the P21 catalogue '
        "shipped in `sdtm_convert/validate/data/`); *FDA* is the FDA validator rule id; *CDISC* is the CDISC "
        "conformance rule (ADaM conformance check number as `ADaM-n`). Standards: `sdtm` (SDTMIG 3.1.2-3.4), "
        "`adam` (ADaMIG 1.0-1.3); rules that read standards metadata read the package's own version, or the "
        "nearest shipped one, named in the report's first note (`sdtm_convert/standards/versions.py`); "
        "`define` (a define.xml validated on its own: the `SC-DEF-*` rules, in "
        "`sdtm_convert/validate/define_check.py`).",
        "",
        "The terminology rules SC-CT-001/002 report one finding per dataset × variable × codelist × term, on the "
        "term's first record, with `records` = how many records hold it; a term that the package's define.xml "
        'declares as an extended value (`def:ExtendedValue="Yes"`) is reported as \"Extended value declared in '
        'define.xml\" (still a warning, to review).',
        "",
        f"{len(rows)} rules: " + ", ".join(f"{c} {by_cat[c]}" for c in CATEGORIES if by_cat[c]) + ".",
        "",
    ]
    for cat in CATEGORIES:
        sel = [r for r in rows if r["category"] == cat]
        if not sel:
            continue
        out += [
            f"## {cat.capitalize()}",
            "",
            "| Rule | Severity | Standards | P21 | FDA | CDISC | Message | Description |",
            "|---|---|---|---|---|---|---|---|",
        ]
        for r in sel:
            out.append(
                "| "
                + " | ".join(
                    _md(r[k])
                    for k in ("id", "severity", "standards", "p21_id", "fda_id", "cdisc_id", "message", "description")
                )
                + " |"
            )
        out.append("")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    text = render_markdown()
    if argv:
        Path(argv[0]).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
