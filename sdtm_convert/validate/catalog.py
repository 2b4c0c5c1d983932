"""The rule catalogue, generated from the registered rules: ``rules_catalog()`` and ``docs/rules.md``.

Regenerate the document with ``python -m sdtm_convert.validate.catalog docs/rules.md``.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from sdtm_convert.validate.registry import _DATA, CATEGORIES, RULES


def rules_catalog() -> list[dict[str, Any]]:
    """The rule catalogue generated from the registered rules, ordered by id."""
    from sdtm_convert.validate import rules as _  # noqa: F401  (registers the rules)

    return [RULES[k].catalog_row() for k in sorted(RULES)]


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
    out += scope_notes_markdown()
    out += coverage_markdown(rows)
    return "\n".join(out)


# Why a Pinnacle 21 id has no rule here: (pattern over P21 ids, reason); the first match wins.
NOT_IMPLEMENTED = [
    (r"SD0008C?|SD1114C?|SD20(0[6-9]|1[0-6])C?",
     "needs the MedDRA dictionary (licensed by MSSO, not shipped)"),
    (r"CT200[456]", "needs define.xml value-level conditions evaluated per record (not yet)"),
    (r"SD22(4[0-4]|5\d|6[0-5])",
     "needs the dictionaries TS values are coded in (UNII, SNOMED CT, MED-RT; not shipped)"),
    (r"AD0053|AD020[4-9]|AD0210|AD0253|AD0258",
     "compares ADaM with its SDTM package; the validator checks one package at a time"),
    (r"AD9999|SD9999", "a note of the P21 engine, not a data rule"),
    (r"SD0063A|SD1079", "needs the SDTMIG labels and variable order of the package's own version (issue 14 item 1)"),
    (r"SD107[345]", "needs SDTMIG's lists of prohibited, SEND-only and not-recommended variables (not shipped)"),
    (r"SD1097|SD1120",
     "fires on the bundled study's own output (AE comments in SUPPAE, no AETRTEM): lands with that mapping change"),
]


def _p21_ids(kind: str) -> list[tuple[str, str]]:
    """(P21 id, message) of one P21 catalogue (``sdtm`` or ``adam``), in catalogue order."""
    name = f"p21-community-2.2.0-{'sdtm-3.2' if kind == 'sdtm' else 'adam-1.0'}-rules.csv"
    with (_DATA / name).open("r", encoding="utf-8") as fh:
        return [(r["Pinnacle 21 ID"].strip(), (r["Message"] or "").strip()) for r in csv.DictReader(fh)]


def _why_not(pid: str) -> str:
    return next((why for pat, why in NOT_IMPLEMENTED if re.fullmatch(pat, pid)), "not yet implemented")


def scope_notes_markdown() -> list[str]:
    """How a Pinnacle 21 rule is read here where its definition leaves room: the paragraphs of the rule's
    docstring after the first (which quotes the P21 definition)."""
    out = ["## How the Pinnacle 21 definitions are read", "",
           "Each rule's docstring quotes its Pinnacle 21 definition; where the definition leaves room (split "
           "datasets, case, which records an expectation applies to), the docstring says how it is read:", ""]
    for rid in sorted(RULES):
        r = RULES[rid]
        paras = [" ".join(p.split()) for p in (r.fn.__doc__ or "").split("\n\n")[1:] if p.strip()]
        if r.p21_id and paras:
            out.append(f"- **{rid}** ({r.p21_id}): " + " ".join(_md(p) for p in paras))
    out.append("")
    return out


def coverage_markdown(rows: list[dict]) -> list[str]:
    """Which ids of the Pinnacle 21 SDTM and ADaM catalogues have a rule here, and why the others do not."""
    have: dict[str, list[str]] = {}
    for r in rows:
        if r["p21_id"]:
            have.setdefault(r["p21_id"], []).append(r["id"])
    out = ["## Pinnacle 21 coverage", ""]
    for kind, title in (("sdtm", "SDTM (SDTMIG 3.2 configuration)"), ("adam", "ADaM (ADaMIG 1.0 configuration)")):
        ids = _p21_ids(kind)
        done = [i for i, _ in ids if i in have]
        out += [f"### {title}: {len(done)} of {len(ids)} ids implemented", ""]
        out += ["Implemented: " + ", ".join(f"{i} ({'/'.join(have[i])})" for i in done) + ".", ""]
        out += ["| Not implemented | Message | Why |", "|---|---|---|"]
        out += [f"| {i} | {_md(m)} | {_why_not(i)} |" for i, m in ids if i not in have]
        out.append("")
    return out


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
