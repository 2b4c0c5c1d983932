"""Convert CDISC standards metadata (SDTMIG, SDTM model, ADaMIG variable tables) into the package's compact CSVs.

Usage::

    python scripts/build_standards.py SOURCE_DIR [--out sdtm_convert/data/standards] [--check]

``SOURCE_DIR`` holds the published-layout CSVs (one per standard version):

- ``sdtmig-<v>-variables.csv`` and ``sdtmig-<v>-datasets.csv`` (columns ``Version, Variable Order, Class,
  Dataset Name, Variable Name, Variable Label, Type, CDISC CT Codelist Code(s), Codelist Submission Values,
  Described Value Domain(s), Value List, Role, CDISC Notes, Core`` / ``Version, Class, Dataset Name,
  Dataset Label, Structure``);
- ``sdtm-<m>-model-variables.csv`` (``Model Version, Variable Group, Variable Order, Variable Name, Variable
  Label, Type, Role, Qualifies, Description, ...``);
- ``adamig-<v>-variables.csv`` (``Version, Data Structure Name, Variable Set, Variable Name, Variable Label,
  Type, CDISC CT Codelist Code(s), CDISC CT Codelist Submission Value(s), Described Value Domain(s),
  Value List Value, Core, CDISC Notes``).

Every version found is written as one small CSV per table, rows in the source order, without the free-text
notes and descriptions (the validator and converter never read them), in the columns the loader
(``sdtm_convert.standards.metadata``) returns. Normalised on the way: the UTF-8 BOM is dropped, SDTM model
stems written ``__XXX`` (SAS Clinical Standards Toolkit) become ``--XXX``, its dataset "SUPP" becomes
"SUPPQUAL" (the name in the other versions), and ADaMIG 1.0's structure name
"ADaM Basic Data Structure Dataset" becomes "Basic Data Structure" (ADaMIG 1.3's name). Reruns write
byte-identical files; a version missing from SOURCE_DIR is left as it is in the output folder.
"""

from __future__ import annotations

import argparse
import csv
import io
import re
import sys
import tempfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "sdtm_convert" / "data" / "standards"

# output file pattern → (source file pattern, output column ← source column)
TABLES: dict[str, tuple[str, list[tuple[str, str]]]] = {
    "sdtmig-{v}-variables.csv": (
        "sdtmig-{v}-variables.csv",
        [
            ("dataset", "Dataset Name"),
            ("order", "Variable Order"),
            ("name", "Variable Name"),
            ("label", "Variable Label"),
            ("type", "Type"),
            ("core", "Core"),
            ("codelist_codes", "CDISC CT Codelist Code(s)"),
            ("codelists", "Codelist Submission Values"),
            ("value_domain", "Described Value Domain(s)"),
            ("value_list", "Value List"),
            ("role", "Role"),
            ("class", "Class"),
        ],
    ),
    "sdtmig-{v}-datasets.csv": (
        "sdtmig-{v}-datasets.csv",
        [("dataset", "Dataset Name"), ("label", "Dataset Label"), ("class", "Class"), ("structure", "Structure")],
    ),
    "sdtm-{v}-model-variables.csv": (
        "sdtm-{v}-model-variables.csv",
        [
            ("group", "Variable Group"),
            ("order", "Variable Order"),
            ("name", "Variable Name"),
            ("label", "Variable Label"),
            ("type", "Type"),
            ("role", "Role"),
            ("qualifies", "Qualifies"),
        ],
    ),
    "adamig-{v}-variables.csv": (
        "adamig-{v}-variables.csv",
        [
            ("structure", "Data Structure Name"),
            ("variable_set", "Variable Set"),
            ("name", "Variable Name"),
            ("label", "Variable Label"),
            ("type", "Type"),
            ("codelist_codes", "CDISC CT Codelist Code(s)"),
            ("codelists", "CDISC CT Codelist Submission Value(s)"),
            ("value_domain", "Described Value Domain(s)"),
            ("value_list", "Value List Value"),
            ("core", "Core"),
        ],
    ),
}

STRUCTURES = {"ADaM Basic Data Structure Dataset": "Basic Data Structure"}
DATASETS = {"SUPP": "SUPPQUAL"}  # SAS's SDTMIG 3.2 tables name the supplemental qualifiers dataset "SUPP"


def _normalise(column: str, value: str) -> str:
    value = value.strip()
    if column == "name":
        return re.sub(r"^__", "--", value)
    if column == "qualifies":
        return value.replace("__", "--")
    if column == "structure":
        return STRUCTURES.get(value, value)
    if column == "dataset":
        return DATASETS.get(value, value)
    return value


def convert(src: Path, columns: list[tuple[str, str]]) -> str:
    """One source CSV → the compact CSV text (``\\n`` line ends, minimal quoting)."""
    with src.open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.DictReader(fh))
    missing = [s for _, s in columns if rows and s not in rows[0]]
    if missing:
        raise SystemExit(f"{src.name}: missing column(s) {', '.join(missing)}")
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow([c for c, _ in columns])
    for r in rows:
        w.writerow([_normalise(c, r[s] or "") for c, s in columns])
    return buf.getvalue()


def build(source: Path, out: Path) -> list[str]:
    """Write every version found in ``source``; return the names written."""
    written = []
    out.mkdir(parents=True, exist_ok=True)
    for out_pat, (src_pat, columns) in TABLES.items():
        rx = re.compile(re.escape(src_pat).replace(r"\{v\}", r"(\d+(?:\.\d+)+)") + "$")
        for src in sorted(source.iterdir()):
            m = rx.match(src.name)
            if not m:
                continue
            name = out_pat.format(v=m.group(1))
            (out / name).write_text(convert(src, columns), encoding="utf-8", newline="")
            written.append(name)
    return written


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source", type=Path, help="folder with the published-layout standards CSVs")
    ap.add_argument("--out", type=Path, default=OUT, help=f"output folder (default: {OUT.name} in the package)")
    ap.add_argument("--check", action="store_true",
                    help="write nothing; exit 1 naming each output file that differs from what SOURCE_DIR gives")
    args = ap.parse_args(argv)
    if not args.source.is_dir():
        print(f"{args.source}: not a folder", file=sys.stderr)
        return 2
    if args.check:
        with tempfile.TemporaryDirectory() as tmp:
            stale = [n for n in build(args.source, Path(tmp)) if not _same(Path(tmp) / n, args.out / n)]
        for name in stale:
            print(f"{args.out / name}: differs from {args.source.name} (rerun without --check)", file=sys.stderr)
        return 1 if stale else 0
    for name in build(args.source, args.out):
        print(name)
    return 0


def _same(a: Path, b: Path) -> bool:
    return b.is_file() and a.read_bytes() == b.read_bytes()


if __name__ == "__main__":
    sys.exit(main())
