"""Conformance validator for any SDTM / ADaM package (XPT v5 or Dataset-JSON, with define.xml).

Public API::

    validate_package(path_or_frames, *, define=None, standard=None, ct=None, encoding=None, metadata=None)
        -> ValidationReport
    check_define(define_xml_path) -> ValidationReport   # a define.xml on its own (SC-DEF-* rules)
    rules_catalog() -> list[dict]            # id, category, severity, standards, p21_id, fda_id, cdisc_id, ...
    write_json / write_xlsx / write_html (report, path)

Rules live in ``rules/<category>.py``, one small registered function each (``registry.rule``).
"""

from sdtm_convert.validate.define_check import check_define
from sdtm_convert.validate.engine import validate_package
from sdtm_convert.validate.report import ValidationReport


def rules_catalog():  # noqa: D103 - lazy: `python -m sdtm_convert.validate.catalog` runs that module as a script
    from sdtm_convert.validate.catalog import rules_catalog as r

    return r()


def write_json(report, path, per_group=None):  # noqa: D103 - thin lazy wrappers (openpyxl/jinja2 load only when used)
    from sdtm_convert.validate.report_json import write_json as w

    return w(report, path, per_group)


def write_xlsx(report, path):  # noqa: D103
    from sdtm_convert.validate.report_xlsx import write_xlsx as w

    return w(report, path)


def write_html(report, path):  # noqa: D103
    from sdtm_convert.validate.report_html import write_html as w

    return w(report, path)


__all__ = ["ValidationReport", "check_define", "rules_catalog", "validate_package", "write_html", "write_json", "write_xlsx"]
