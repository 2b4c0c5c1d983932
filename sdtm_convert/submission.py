"""Moved to :mod:`sdtm_convert.package.write`; this name stays importable for one release."""

from sdtm_convert.package.write import (
    FORMATS,
    Written,
    formats_for,
    primary_endpoint_arm,
    write_datasets,
    write_define,
)
from sdtm_convert.package.writers.json import NDJSON_ROWS

__all__ = ["FORMATS", "NDJSON_ROWS", "Written", "formats_for", "primary_endpoint_arm", "write_datasets",
           "write_define"]
