"""Validate a define.xml against the vendored Define-XML XSDs (2.0 or 2.1, with ARM 1.0 when present).

Parsing is locked down (no entities, no DTD, no network) and schema imports resolve only to files
inside ``sdtm_convert/data/schemas/define``: validation never fetches anything.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from pathlib import Path

from lxml import etree

from sdtm_convert.common.safexml import UnsafeXml, parse_untrusted
from sdtm_convert.errors import ERROR, Issue

SCHEMA_ROOT = Path(str(resources.files("sdtm_convert") / "data" / "schemas" / "define"))
NS_DEF20 = "http://www.cdisc.org/ns/def/v2.0"
NS_DEF21 = "http://www.cdisc.org/ns/def/v2.1"
NS_ARM = "http://www.cdisc.org/ns/arm/v1.0"

_SCHEMAS = {
    ("2.1", False): "define/2.1/define2-1-0.xsd",
    ("2.1", True): "arm/1.0-define2.1/arm1-0-0.xsd",
    ("2.0", False): "define/2.0/define2-0-0.xsd",
    ("2.0", True): "arm/1.0/arm1-0-0.xsd",
}


class _VendoredOnly(etree.Resolver):
    """Resolve schema imports to vendored files only; anything else becomes an empty document."""

    def resolve(self, system_url, public_id, context):  # noqa: D401 (lxml API)
        path = Path(system_url.removeprefix("file://")).resolve()
        if path.is_relative_to(SCHEMA_ROOT.resolve()) and path.is_file():
            return self.resolve_filename(str(path), context)
        return self.resolve_string("", context)


def safe_parser(*, remove_blank_text: bool = False) -> etree.XMLParser:
    """The one XML parser configuration for untrusted input (define.xml we did not write)."""
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False, remove_blank_text=remove_blank_text
    )
    parser.resolvers.add(_VendoredOnly())
    return parser


@cache
def _schema(version: str, arm: bool) -> etree.XMLSchema:
    path = SCHEMA_ROOT / _SCHEMAS[(version, arm)]
    doc = etree.parse(str(path), safe_parser())
    return etree.XMLSchema(doc)


def parse_define(path_or_bytes: str | Path | bytes) -> etree._ElementTree:
    """Parse a define.xml safely; raises ``etree.XMLSyntaxError`` on malformed input and
    ``common.safexml.UnsafeXml`` when the document declares a DTD or entities."""
    data = path_or_bytes if isinstance(path_or_bytes, bytes) else Path(path_or_bytes).read_bytes()
    return parse_untrusted(data, safe_parser())


def define_version(tree: etree._ElementTree) -> str | None:
    """``"2.1"`` or ``"2.0"`` from the def namespace the document uses, else None."""
    root = tree.getroot()
    namespaces = set(root.nsmap.values()) or {ns for el in root.iter() for ns in el.nsmap.values()}
    if NS_DEF21 in namespaces:
        return "2.1"
    if NS_DEF20 in namespaces:
        return "2.0"
    return None


def has_arm(tree: etree._ElementTree) -> bool:
    return next(tree.getroot().iter(f"{{{NS_ARM}}}AnalysisResultDisplays"), None) is not None


def validate_define(path_or_bytes: str | Path | bytes) -> list[Issue]:
    """Schema issues of a define.xml (empty list = valid). Codes: ``define-xml-malformed`` (not XML,
    or content such as entity references that is never expanded and so cannot be validated),
    ``define-version-unknown``, ``define-xsd-invalid`` (one per schema error, line in ``extra``)."""
    file = None if isinstance(path_or_bytes, bytes) else str(path_or_bytes)
    try:
        tree = parse_define(path_or_bytes)
    except UnsafeXml as exc:
        return [Issue("define-unsafe", ERROR, str(exc), file=file)]
    except etree.XMLSyntaxError as exc:
        return [Issue("define-xml-malformed", ERROR, str(exc), file=file)]
    version = define_version(tree)
    if version is None:
        return [Issue("define-version-unknown", ERROR, "no Define-XML 2.0/2.1 namespace on the document", file=file)]
    schema = _schema(version, has_arm(tree))
    try:
        if schema.validate(tree):
            return []
    except etree.XMLSchemaValidateError as exc:  # e.g. unresolved entity references (never expanded)
        return [Issue("define-xml-malformed", ERROR, f"cannot be schema-validated: {exc}", file=file)]
    return [
        Issue("define-xsd-invalid", ERROR, f"line {e.line}: {e.message}", file=file, extra={"line": e.line})
        for e in schema.error_log
    ]
