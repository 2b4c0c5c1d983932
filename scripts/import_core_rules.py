"""Import CDISC's published CORE conformance rules into the package (``sdtm_convert/data/core/core-rules.json.gz``).

Usage: ``python scripts/import_core_rules.py SOURCE [--out FILE] [--adam-out FILE]`` where SOURCE is the
cdisc-org/cdisc-open-rules archive (``.tgz``) or a folder extracted from it. Every ``Published/CORE-*/rule.yml``
becomes one compact record (``sdtm_convert.validate.core.rules.to_record``); a file that does not parse becomes a
record with its ``error``, so the rule is listed as not run rather than lost. The unpublished ADaMIG rule files
(``Unpublished/ADAMIG/<folder>/*.yml``, draft rules whose test cases lie beside them) go to a second file,
``adamig-rules.json.gz`` (:func:`adam_record`: status ``unpublished``, standards named as ADaMIG versions, the
rule's folder as ``source``). Rerunning on the same source writes the same bytes; run it again when CDISC
publishes more rules.
"""

from __future__ import annotations

import argparse
import re
import sys
import tarfile
from collections.abc import Iterator
from pathlib import Path

import yaml

from sdtm_convert.validate.core.rules import ADAM_RULES_FILE, RULES_FILE, dump, to_record

DATA = Path(__file__).resolve().parents[1] / "sdtm_convert" / "data" / "core"
DEFAULT_OUT = DATA / RULES_FILE
DEFAULT_ADAM_OUT = DATA / ADAM_RULES_FILE
RULE_PATH = re.compile(r"(?:^|/)Published/(CORE-\d+)/rule\.ya?ml$")
# an unpublished ADaMIG rule file: one .yml directly in its folder (rule.yml or CDISC.ADaMIG.AD0840.yml)
ADAM_PATH = re.compile(r"(?:^|/)(Unpublished/ADAMIG/([^/]+))/[^/]+\.ya?ml$")
# the standards the ADaM rule files name, as the ADaMIG version they cite: OCCDS, ADTTE and ADaM model 2.1
# citations carry the ADaMIG version in their Version; ADaMIG-MD (medical devices) stays its own standard
ADAMIG_NAMES = {"ADAMIG": "ADaMIG", "OCCDS": "ADaMIG", "ADTTE": "ADaMIG", "MODEL V2.1": "ADaMIG",
                "ADAMIG-MD": "ADaMIG-MD"}


def _texts(source: Path, pattern: re.Pattern[str]) -> Iterator[tuple[re.Match[str], str]]:
    """(path match, file text) of every file of an archive or an extracted folder matching ``pattern``, in
    path order."""
    if source.is_dir():
        for path in sorted(source.rglob("*.y*ml")):
            m = pattern.search(path.relative_to(source).as_posix())
            if m:
                yield m, path.read_text(encoding="utf-8")
        return
    found: dict[str, tuple[re.Match[str], str]] = {}
    with tarfile.open(source, mode="r:*") as tar:
        for member in tar:  # stream order: one pass over the compressed archive
            m = pattern.search(member.name)
            fh = tar.extractfile(member) if m and member.isfile() else None
            if m and fh is not None:
                found[m.group(0)] = (m, fh.read().decode("utf-8"))
    yield from (found[k] for k in sorted(found))


def _rule_texts(source: Path) -> Iterator[tuple[str, str]]:
    """(CORE id, rule file text) for every published rule of an archive or an extracted folder."""
    for m, text in _texts(source, RULE_PATH):
        yield m.group(1), text


def adam_record(doc: dict, folder: str) -> dict:
    """The shipped record of one unpublished ADaMIG rule file: :func:`to_record`, with status ``unpublished``
    (the files say Draft), the standards as ADaMIG versions (``None`` read as any version), the CDISC ids as
    ADaM conformance rule ids (``17`` → ``AD0017``), the id from the folder when the file has none, and the
    folder as ``source``."""
    rec = to_record(doc)
    if rec["core_id"] in ("", "None"):  # a file with an empty Core Id (AD0895)
        rec["core_id"] = f"CDISC.ADaMIG.{folder.rsplit('/', 1)[-1]}"
    rec["status"] = "unpublished"
    pairs: list[list[str]] = []
    for name, version in rec["standards"]:
        pair = [ADAMIG_NAMES.get(name.upper(), name), "" if version in ("None", "") else version]
        if pair not in pairs:
            pairs.append(pair)
    rec["standards"] = pairs
    rec["cdisc_ids"] = [f"AD{int(i):04d}" if str(i).isdigit() else str(i) for i in rec["cdisc_ids"]]
    rec["source"] = folder
    return rec


def import_adam_rules(source: Path) -> list[dict]:
    """One record per unpublished ADaMIG rule file (a file that does not parse: a record with ``error``)."""
    records = []
    for m, text in _texts(source, ADAM_PATH):
        folder = m.group(1)
        try:
            doc = yaml.safe_load(text)
            if not isinstance(doc, dict):
                raise ValueError("the file is not a mapping of rule fields")
            rec = adam_record(doc, folder)
        except (yaml.YAMLError, ValueError, TypeError, AttributeError) as exc:
            rec = {"core_id": f"CDISC.ADaMIG.{m.group(2)}", "status": "unpublished", "source": folder,
                   "error": f"rule file does not parse: {str(exc).splitlines()[0]}"}
        records.append(rec)
    return records


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
    ap.add_argument("--adam-out", type=Path, default=DEFAULT_ADAM_OUT)
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
    adam = import_adam_rules(args.source)
    if adam:
        args.adam_out.parent.mkdir(parents=True, exist_ok=True)
        dump(adam, args.adam_out)
        bad = sum(1 for r in adam if r.get("error"))
        print(f"{len(adam)} unpublished ADaMIG rules ({bad} that do not parse) -> {args.adam_out.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
