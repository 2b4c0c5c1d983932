"""Write ``data/cases.tar.gz`` and ``data/adam-cases.tar.gz``: the slices of CDISC's CORE test cases the tests
run offline.

Usage: ``python -m tests.validate.core.slice_cases FOLDER`` where FOLDER is cdisc-org/cdisc-open-rules
extracted (it holds ``Published/`` and ``Unpublished/``). Copies ``Published/<id>/`` (rule file and every
positive/negative case) of the rules in :data:`RULES`, and the folder (``source`` of the shipped rule) of each
unpublished ADaMIG rule in :data:`ADAM_RULES`; the archives are written without timestamps or owners, so a
rerun is byte-identical.
"""

from __future__ import annotations

import gzip
import io
import sys
import tarfile
from pathlib import Path

ARCHIVE = Path(__file__).with_name("data") / "cases.tar.gz"
ADAM_ARCHIVE = Path(__file__).with_name("data") / "adam-cases.tar.gz"

# chosen as the smallest rule whose cases all pass for each operator, operation and rule type the interpreter
# supports (and that has a case for it); what a rule covers is in its comment
RULES = {
    "CORE-000001": "equal_to, not_equal_to (the example of docs)",
    "CORE-000019": "Variable Metadata Check, longer_than on variable_label, Dataset sensitivity",
    "CORE-000026": "exists, not_exists",
    "CORE-000040": "distinct, is_contained_by",
    "CORE-000041": "not_matches_regex",
    "CORE-000044": "Domain Presence Check, exists",
    "CORE-000086": "Match Datasets (DM by USUBJID), date_less_than",
    "CORE-000097": "date_less_than_or_equal_to, NAME.COL of a joined dataset",
    "CORE-000128": "is_not_contained_by",
    "CORE-000139": "is_incomplete_date",
    "CORE-000142": "is_inconsistent_across_dataset",
    "CORE-000157": "longer_than",
    "CORE-000183": "Domain Presence Check, all of exists/not_exists",
    "CORE-000190": "empty, non_empty",
    "CORE-000202": "suffix_matches_regex",
    "CORE-000214": "record_count with filter and group, greater_than",
    "CORE-000219": "domain_label, equal_to_case_insensitive",
    "CORE-000236": "date_greater_than_or_equal_to",
    "CORE-000238": "max_date",
    "CORE-000291": "variable_exists; Domain Presence Check ignoring its Match Datasets",
    "CORE-000302": "is_not_unique_relationship",
    "CORE-000308": "less_than",
    "CORE-000337": "starts_with, not_suffix_matches_regex",
    "CORE-000357": "Dataset Metadata Check",
    "CORE-000363": "min_date, present_on_multiple_rows_within",
    "CORE-000370": "date_not_equal_to, contains",
    "CORE-000392": "not_equal_to (SENDIG)",
    "CORE-000436": "is_complete_date (SENDIG)",
    "CORE-000457": "study_domains",
    "CORE-000505": "invalid_date",
    "CORE-000527": "empty_within_except_last_row",
    "CORE-000539": "dataset_names, not_prefix_matches_regex, prefix_is_not_contained_by",
    "CORE-000540": "prefix_equal_to, suffix_is_not_contained_by",
    "CORE-000552": "dy",
    "CORE-000556": "is_not_unique_set (SENDIG)",
    "CORE-000571": "variable_count",
    "CORE-000618": "contains (SENDIG)",
    "CORE-000712": "Child link SUPP-- by IDVAR/IDVARVAL, distinct with value_is_reference",
    "CORE-000721": "is_contained_by_case_insensitive (TIG)",
    "CORE-000736": "record_count, greater_than_or_equal_to",
    "CORE-000760": "date_greater_than",
    "CORE-000763": "date_equal_to",
    "CORE-000867": "Value Check with Variable Metadata (a value starting with a blank)",
    "CORE-000889": "matches_regex, less_than_or_equal_to",
    "CORE-000901": "Match Datasets RELREC with a Wildcard (record-level relationship PP to PC)",
    "CORE-000141": "is_not_unique_relationship: a record whose key is empty is in no group",
    "CORE-000352": "does_not_have_next_corresponding_record",
    "CORE-000398": "Variable Metadata Check against Library Metadata (the guide's labels, SDTMIG 3.2)",
    "CORE-000550": "get_model_column_order (the model's class variables, an APEG dataset, DM)",
    "CORE-000597": "Match Datasets SUPPAE by USUBJID: qualifiers as QNAM columns on their records",
    "CORE-000612": "is_inconsistent_across_dataset: every record of an inconsistent group",
    "CORE-000711": "date_greater_than: missing components are the earliest (2018-11-06T12:00 after 2018-11-06)",
    "CORE-000732": "a Findings About dataset in a FINDINGS scope",
    "CORE-000757": "a RELREC link without USUBJID (CM to FA)",
    "CORE-001034": "get_dataset_filtered_variables (role Timing); record_count and is_not_unique_set grouped "
                   "by that list, with regex",
}


# unpublished ADaMIG rules whose cases all pass, the smallest for each scope, operator and operation they use
ADAM_RULES = {
    "CDISC.ADAMIG.111": "BDS known by AVAL without PARAMCD (ADPC), exists/not_exists, Dataset sensitivity",
    "CDISC.ADAMIG.AD0019": "SUBJECT LEVEL ANALYSIS DATASET, exists, is_not_contained_by",
    "CDISC.ADAMIG.AD0053": "distinct, Domains ADSL/DM",
    "CDISC.ADAMIG.AD0088": "Variable Metadata Check: not_exists reads the dataset's variables",
    "CDISC.ADAMIG.AD0620": "OCCDS subclass ADVERSE EVENT declared in _datasets.csv",
    "CDISC.ADaMIG.AD0013": "Variable Metadata Check, longer_than",
    "CDISC.ADaMIG.AD0054": "is_not_unique_set in ADSL",
    "CDISC.ADaMIG.AD0144": "not_matches_regex, every structure",
    "CDISC.ADaMIG.AD0211": "BASIC DATA STRUCTURE, non_empty, not_equal_to",
    "CDISC.ADaMIG.AD0373": "TIME-TO-EVENT subclass by the name ADTTE",
    "CDISC.ADaMIG.AD064": "regex_find_replace, matches_regex, is_not_contained_by a column",
    "CDISC.ADaMIG.AD0802": "POPULATION PHARMACOKINETIC ANALYSIS, is_inconsistent_across_dataset",
    "CDISC.ADaMIG.AD0807": "is_not_unique_relationship",
    "CDISC.ADaMIG.AD0846": "a blank Char value read as empty (FORM ' ')",
    "CDISC.ADaMIG.AD0892": "NON-COMPARTMENTAL ANALYSIS subclass",
}


def _add(tar: tarfile.TarFile, path: Path, arcname: str) -> None:
    info = tarfile.TarInfo(arcname)
    data = path.read_bytes()
    info.size, info.mtime, info.mode = len(data), 0, 0o644
    tar.addfile(info, io.BytesIO(data))


def _write(archive: Path, files: list[tuple[Path, str]]) -> None:
    buf = io.BytesIO()
    with tarfile.open(fileobj=buf, mode="w", format=tarfile.PAX_FORMAT) as tar:
        for path, arcname in files:
            _add(tar, path, arcname)
    with open(archive, "wb") as fh, gzip.GzipFile(filename="", mode="wb", fileobj=fh, mtime=0, compresslevel=9) as gz:
        gz.write(buf.getvalue())


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    root = Path(args[0]) / "Published"
    missing = [r for r in RULES if not (root / r / "rule.yml").exists()]
    if missing:
        print(f"slice_cases: {root}: no rule folder for {', '.join(missing)}", file=sys.stderr)
        return 2
    _write(ARCHIVE, [(p, f"Published/{p.relative_to(root).as_posix()}")
                     for rid in sorted(RULES) for p in sorted(q for q in (root / rid).rglob("*") if q.is_file())])
    print(f"{len(RULES)} rules -> {ARCHIVE.name} ({ARCHIVE.stat().st_size:,} bytes)")
    from sdtm_convert.validate.core.rules import load_rules

    sources = {r.core_id: r.source for r in load_rules() if r.core_id in ADAM_RULES}
    base = Path(args[0])
    _write(ADAM_ARCHIVE, [(p, p.relative_to(base).as_posix()) for rid in sorted(ADAM_RULES)
                          for p in sorted(q for q in (base / sources[rid]).rglob("*") if q.is_file())])
    print(f"{len(ADAM_RULES)} ADaMIG rules -> {ADAM_ARCHIVE.name} ({ADAM_ARCHIVE.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
