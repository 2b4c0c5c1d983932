"""Build sample_data/otheredc01 from sample_data/nct03745417: the same subjects and values as another
EDC would export them (run from the repository root: ``python scripts/make_otheredc01.py``).

- dates ``YYYY/MM/DD`` (``DD MON YYYY`` before), unknown parts written ``UK`` (``UN``/``UNK`` before), and one
  more adverse-event start day unknown;
- demographics with the birth **year** only (no birth date, no collected age) and sex, race and ethnicity
  as **codes** decoded by the export's own ``codebook.csv`` (FIELD, CODE, DECODE);
- PASI area as the **percentage** of the region affected (a value inside the collected 0-6 band);
- the MedDRA coding export keyed by ``EVENT_NO`` where the AE form says ``AENO``;
- the infusion log without the total cell count: only the dose per kg and the weight.

Deterministic: same input, same bytes.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

SRC = Path("sample_data/nct03745417")
OUT = Path("sample_data/otheredc01")
MONTHS = {m: i + 1 for i, m in enumerate("JAN FEB MAR APR MAY JUN JUL AUG SEP OCT NOV DEC".split())}
DATE = re.compile(r"^(\w{2}) (\w{3}) (\d{4})$")  # unknown day UN, unknown month UNK
AREA_PERCENT = {"0": "0", "1": "5", "2": "20", "3": "40", "4": "60", "5": "80", "6": "95"}
PARTIAL_AE = {("01-002", "1"), ("02-002", "1")}  # (subject, AENO): start day written UK


def _read(name: str) -> tuple[list[str], list[dict[str, str]]]:
    with (SRC / name).open(newline="", encoding="utf-8") as fh:
        reader = csv.DictReader(fh)
        return list(reader.fieldnames or []), list(reader)


def _write(name: str, header: list[str], rows: list[dict[str, str]]) -> None:
    with (OUT / name).open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, header, lineterminator="\n", extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)


def _date(value: str) -> str:
    m = DATE.match(value.strip())
    if not m:
        return value
    month = f"{MONTHS[m[2]]:02d}" if m[2] in MONTHS else "UK"
    day = m[1] if m[1].isdigit() else "UK"
    return f"{m[3]}/{month}/{day}"


def _redate(rows: list[dict[str, str]]) -> None:
    for row in rows:
        for k, v in row.items():
            row[k] = _date(v or "")


def _codes(rows: list[dict[str, str]], field: str, book: list[dict[str, str]]) -> None:
    values = sorted({r[field] for r in rows if r[field]})
    codes = {v: str(i + 1) for i, v in enumerate(values)}
    book += [{"FIELD": field, "CODE": codes[v], "DECODE": v} for v in values]
    for r in rows:
        r[field] = codes.get(r[field], "")


def main() -> None:
    OUT.mkdir(exist_ok=True)
    book: list[dict[str, str]] = []
    header, dm = _read("dm.csv")
    for r in dm:
        r["BRTHYR"] = r["BRTHDAT"][-4:]
    for field in ("SEX", "RACE", "ETHNIC"):
        _codes(dm, field, book)
    _write("dm.csv", ["SUBJECT", "SITENO", "BRTHYR", "SEX", "RACE", "ETHNIC", "COUNTRY"], dm)
    _write("codebook.csv", ["FIELD", "CODE", "DECODE"], book)
    for name in ("ic.csv", "ie.csv", "disposition.csv", "visits.csv", "vitals_site01.csv", "vitals_site02.csv"):
        header, rows = _read(name)
        _redate(rows)
        _write(name, header, rows)
    header, ae = _read("ae.csv")
    _redate(ae)
    for r in ae:
        if (r["SUBJECT"], r["AENO"]) in PARTIAL_AE and "UK" not in r["AESTDAT"]:
            r["AESTDAT"] = r["AESTDAT"][:8] + "UK"
            r["AESTTIM"] = ""
    _write("ae.csv", header, ae)
    header, coding = _read("ae_meddra.csv")
    for r in coding:
        r["EVENT_NO"] = r["AENO"]
    _write("ae_meddra.csv", ["EVENT_NO" if h == "AENO" else h for h in header], coding)
    header, inf = _read("infusion.csv")
    _redate(inf)
    _write("infusion.csv", [h for h in header if h not in ("CELLTOT", "CELLTOTU")], inf)
    header, pasi = _read("pasi.csv")
    _redate(pasi)
    for r in pasi:
        score = re.match(r"^\s*(\d)", r["AREA"] or "")
        r["AREA"] = AREA_PERCENT[score[1]] if score else ""
    _write("pasi.csv", header, pasi)


if __name__ == "__main__":
    main()
