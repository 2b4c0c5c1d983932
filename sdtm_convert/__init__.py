"""sdtm-convert: raw CRF exports to a submission-ready CDISC package, and a validator for any package.

The Python API (a notebook walk-through is in ``docs/api.md``)::

    import sdtm_convert as sc

    conv = sc.convert(raw, "mappings/nct03745417")   # raw: a folder, or {raw dataset name: DataFrame}
    adam = sc.build_adam(conv.sdtm, conv.spec.study, conv.spec.adam)  # the datasets of the study's adam/ specs
    report = sc.validate_package(conv.sdtm, metadata=conv.metadata)
    sc.write_package({"DM": dm, "AE": ae}, "out")      # your own frames -> XPT + define.xml
    sc.run_study(raw, "mappings/nct03745417", "build") # the whole package, as `sdtm-convert run`

The names below load on first use (``import sdtm_convert`` stays light for the command line).
"""

from __future__ import annotations

from sdtm_convert.version import __version__

TYPE_CHECKING = False  # (typing.TYPE_CHECKING without importing typing: `import sdtm_convert` stays ~1 ms)

# public name -> module that defines it
_EXPORTS = {
    "convert": "sdtm_convert.pipeline",
    "run_study": "sdtm_convert.pipeline",
    "Conversion": "sdtm_convert.pipeline",
    "RunResult": "sdtm_convert.pipeline",
    "build_adam": "sdtm_convert.adam",
    "AdamResult": "sdtm_convert.adam",
    "validate_package": "sdtm_convert.validate",
    "ValidationReport": "sdtm_convert.validate",
    "write_package": "sdtm_convert.api",
    "WrittenPackage": "sdtm_convert.api",
    "DatasetMeta": "sdtm_convert.metadata",
    "Issue": "sdtm_convert.errors",
    "SdtmConvertError": "sdtm_convert.errors",
}

__all__ = [  # = "__version__" and the keys of _EXPORTS (a literal list, for linters and `from ... import *`)
    "__version__",
    "convert",
    "run_study",
    "Conversion",
    "RunResult",
    "build_adam",
    "AdamResult",
    "validate_package",
    "ValidationReport",
    "write_package",
    "WrittenPackage",
    "DatasetMeta",
    "Issue",
    "SdtmConvertError",
]

if TYPE_CHECKING:  # for type checkers and editors; at run time __getattr__ imports on first use
    from typing import Any

    from sdtm_convert.adam import AdamResult, build_adam
    from sdtm_convert.api import WrittenPackage, write_package
    from sdtm_convert.errors import Issue, SdtmConvertError
    from sdtm_convert.metadata import DatasetMeta
    from sdtm_convert.pipeline import Conversion, RunResult, convert, run_study
    from sdtm_convert.validate import ValidationReport, validate_package


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'sdtm_convert' has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups skip this function
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))
