"""External figures quoted from the project's shared ``docs/anchors.md``, outside this repository (measured on
a 2-core, 24 GiB machine, November 2026). They cannot all run here (CDISC CORE is not installed); the benchmark prints them next to
our own figures, named, so that a reader can see which kind of baseline each number is compared with.
"""

from __future__ import annotations

ANCHORS = {
    "core_pilot_package": {
        "what": "CDISC CORE 0.16, SDTMIG 3.2 rules, whole pilot SDTM package (31 XPT, ~294k records, 65 MB), -ps 2",
        "wall_s": 628.0,
        "cpu_s": 1059.0,
        "peak_gb": 9.1,
        "workers_gb": 13.6,
        "records": 294_000,
        "source": "docs/anchors.md, measured November 2026 on a 2-core, 24 GiB machine",
    },
    "core_pilot_small": {
        "what": "CDISC CORE on 18 small pilot datasets (~20k records, 10 MB)",
        "wall_s": 58.0,
        "peak_gb": 3.1,
        "records": 20_000,
    },
    "pyreadstat_write_1m": {
        "what": "pyreadstat 1.3.7 write_xport v5, 1M QS-like rows (203 MB)",
        "wall_s": 7.2,
        "mb_per_s": 28.0,
        "records": 1_000_000,
    },
    "pyreadstat_read_1m": {
        "what": "pyreadstat read_xport / pandas.read_sas, same file",
        "wall_s": 6.2,
        "read_sas_s": 4.1,
    },
    "native_xpt_writer": {
        "what": "a native (Rust) XPT writer from PyPI: disk with fsync / page cache",
        "mb_per_s": 109.0,
        "page_cache_mb_per_s": 2400.0,
    },
    "jsonschema_rows": {
        "what": "jsonschema, 9-property schema: validate() per row / one reused validator / vectorised pandas",
        "validate_us": 822.0,
        "reused_us": 65.0,
        "vectorised_us": 0.69,
    },
    "read_csv_1m": {
        "what": "pandas.read_csv 1M rows, 133 MB as strings / pyarrow engine",
        "wall_s": 1.7,
        "pyarrow_wall_s": 0.35,
        "mb": 133.0,
    },
}
