"""Copy the CDISC controlled-terminology history (one term store) into the package data.

Usage: ``python scripts/build_ct.py CT_FOLDER`` where CT_FOLDER is the project's reference data ``refdata/ct``:
``history/ct-terms.csv.gz`` and ``history/ct-versions.csv`` (the term store; provenance of every version is in
its ``source`` column and in ``sdtm_convert/data/README.md``), and the published files of the newest releases
(``sdtm-terminology-2025-03-25.txt``, NCI EVS text; ``adam-terminology-2025-09-26.csv``,
``define-xml-terminology-2025-09-26.csv``). Writes ``sdtm_convert/data/ct/ct-terms.csv.gz`` (same columns and
rows, gzip without a timestamp, so a rerun is byte-identical) and ``ct-versions.csv``.

Row order: within a codelist, terms follow the order of the published file of the same package (CDISC's
order, which is not alphabetical and which define.xml codelists repeat); terms that file does not hold follow
in the store's order. The loader keeps that order.

Checks on the way (one clear line and exit 1 when the source is not what the loader expects): the columns,
every first/last version being a listed version of the term's package, and first <= last.
"""

from __future__ import annotations

import gzip
import io
import sys
from pathlib import Path

import numpy as np
import pandas as pd

TERM_COLUMNS = ["package", "codelist_code", "codelist_submission_value", "codelist_name", "extensible", "term_code",
                "submission_value", "synonyms", "nci_preferred_term", "first_version", "last_version"]
VERSION_COLUMNS = ["package", "version", "fidelity", "codelists", "terms", "terms_without_codelist_name",
                   "terms_without_code", "published_rows", "source"]
OUT = Path(__file__).resolve().parents[1] / "sdtm_convert" / "data" / "ct"


def _check(terms: pd.DataFrame, versions: pd.DataFrame) -> str | None:
    if list(terms.columns) != TERM_COLUMNS:
        return f"ct-terms.csv.gz: columns {list(terms.columns)}, expected {TERM_COLUMNS}"
    if list(versions.columns) != VERSION_COLUMNS:
        return f"ct-versions.csv: columns {list(versions.columns)}, expected {VERSION_COLUMNS}"
    listed = set(zip(versions["package"], versions["version"]))
    for col in ("first_version", "last_version"):
        bad = [i for i, k in enumerate(zip(terms["package"], terms[col])) if k not in listed]
        if bad:
            i = bad[0]
            return f"ct-terms.csv.gz, row {i + 2}, column {col}: {terms[col].iloc[i]!r} is not a version of {terms['package'].iloc[i]}"
    wrong = terms["first_version"] > terms["last_version"]
    if wrong.any():
        i = int(wrong.to_numpy().nonzero()[0][0])
        return f"ct-terms.csv.gz, row {i + 2}: first_version is after last_version"
    return None


# published file → (store package, its separator)
PUBLISHED = {"sdtm-terminology-2025-03-25.txt": ("sdtmct", "\t"), "adam-terminology-2025-09-26.csv": ("adamct", ","),
             "define-xml-terminology-2025-09-26.csv": ("define-xmlct", ",")}


def _published_order(folder: Path, terms: pd.DataFrame) -> np.ndarray:
    """A sort key: the row's position in the published file of its package, else after every published row."""
    rank = pd.Series(np.nan, index=terms.index)
    offset = 0
    for name, (package, sep) in PUBLISHED.items():
        raw = pd.read_csv(folder / name, sep=sep, dtype=str, keep_default_na=False, quoting=3 if sep == "\t" else 0)
        raw = raw.iloc[:, :5].set_axis(["code", "codelist_code", "ext", "name", "value"], axis=1)
        raw = raw[raw["codelist_code"] != ""]
        pos = {k: offset + i for i, k in enumerate(zip(raw["codelist_code"], raw["code"], raw["value"]))}
        offset += len(raw)
        mine = terms["package"] == package
        keys = zip(terms.loc[mine, "codelist_code"], terms.loc[mine, "term_code"], terms.loc[mine, "submission_value"])
        rank[mine] = [pos.get(k, np.nan) for k in keys]
    return np.where(rank.isna(), offset + np.arange(len(terms)), rank.to_numpy())


def build(folder: Path, out: Path = OUT) -> None:
    source = folder / "history"
    terms = pd.read_csv(source / "ct-terms.csv.gz", dtype=str, keep_default_na=False)
    versions = pd.read_csv(source / "ct-versions.csv", dtype=str, keep_default_na=False)
    problem = _check(terms, versions)
    if problem:
        raise SystemExit(f"build_ct: {problem}")
    terms = terms.iloc[np.argsort(_published_order(folder, terms), kind="stable")]
    out.mkdir(parents=True, exist_ok=True)
    text = io.StringIO()
    terms.to_csv(text, index=False, lineterminator="\n")
    with open(out / "ct-terms.csv.gz", "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0,
                                                                     compresslevel=9, filename="") as gz:
        gz.write(text.getvalue().encode("utf-8"))
    versions.to_csv(out / "ct-versions.csv", index=False, lineterminator="\n")
    print(f"wrote {len(terms):,} terms of {len(versions)} package versions to {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        raise SystemExit("usage: python scripts/build_ct.py CT_FOLDER (holding history/ct-terms.csv.gz, history/ct-versions.csv and the published files)")
    build(Path(sys.argv[1]))
