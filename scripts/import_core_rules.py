"""Import CDISC's published CORE conformance rules into the package (``sdtm_convert/data/core/core-rules.json.gz``).

Usage: ``python scripts/import_core_rules.py SOURCE [--out FILE]`` where SOURCE is the cdisc-org/cdisc-open-rules
archive (``.tgz``) or a folder extracted from it. Every ``Published/CORE-*/rule.yml`` becomes one compact record
(``sdtm_convert.validate.core.rules.to_record``); a file that does not parse becomes a record with its ``error``,
so the rule is listed as not run rather than lost. Rerunning on the same source writes the same bytes; run it
again when CDISC publishes more rules.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from sdtm_convert.validate.core.rules import RULES_FILE, dump, to_record

DEFAULT_OUT = Path(__file__).resolve().parents[1] / "sdtm_convert" / "data" / "core" / RULES_FILE
RULE_PATH = re.compile(r"(?:^|/)Published/(CORE-\d+)/rule\.ya?ml$")


def _rule_texts(source: Path) -> Iterator[tuple[str, str]]:
    """(CORE id, rule file text) for every published rule of an archive or an extracted folder."""
    if source.is_dir():
        for path in sorted(source.rglob("rule.y*ml")):
            m = RULE_PATH.search(path.as_posix())
            if m:
                yield m.group(1), path.read_text(encoding="utf-8")
        return
    found: dict[str, str] = {}
    with tarfile.open(source, mode="r:*") as tar:
        for member in tar:  # stream order: one pass over the compressed archive
            m = RULE_PATH.search(member.name)
            fh = tar.extractfile(member) if m and member.isfile() else None
            if m and fh is not None:
                found[m.group(1)] = fh.read().decode("utf-8")
    yield from sorted(found.items())


def import_rules(source: Path) -> list[dict]:
    """One record per published rule file; a file that does not parse is a record with ``error``."""
    records = []
    for core_id, text in _rule_texts(source):
        try:
            doc = yaml.safe_load(text)
            if not isinstance(doc, dict):
                raise ValueError("the file is not a mapping of rule fields")
            rec = to_record(doc)
            rec["core_id"] = rec["core_id"] or core_id
        except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
            rec = {"core_id": core_id, "error": f"rule file does not parse: {str(exc).splitlines()[0]}"}
        records.append(rec)
    return records


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="cdisc-open-rules .tgz or an extracted folder")
    ap.add_argument("--out", type=Path, default=DEFAULT_OUT)
    args = ap.parse_args(argv)
    if not args.source.exists():
        print(f"import_core_rules: {args.source}: no such file or folder", file=sys.stderr)
        return 2
    records = import_rules(args.source)
    if not records:
        print(f"import_core_rules: {args.source}: no Published/CORE-*/rule.yml found", file=sys.stderr)
        return 1
    args.out.parent.mkdir(parents=True, exist_ok=True)
    dump(records, args.out)
    bad = sum(1 for r in records if r.get("error"))
    print(f"{len(records)} rules ({bad} that do not parse) -> {args.out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
