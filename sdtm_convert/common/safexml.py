"""Untrusted XML (a define.xml we did not write): parsed safely, and refused when it declares a DTD.

The parser settings (no entity resolution, no network, no DTD loading, no huge trees) keep anything from
leaking; the stated policy goes further: a document that has a DOCTYPE at all (an internal subset with
entity declarations, or an external DTD) is refused with one clear error. The check is made on the parsed
tree (``docinfo``), so it holds whatever the DOCTYPE's position (e.g. after a long comment) or the file's
encoding (UTF-16); entity bombs that the parser stops (amplification, loops) are refused the same way.
"""

from __future__ import annotations

from lxml import etree

REFUSED = "declares a DTD/entities; refused (entity expansion is not allowed)"


class UnsafeXml(ValueError):
    """The document declares a DTD or entities."""


def _entity_trouble(parser: etree.XMLParser) -> bool:
    """True when the parser stopped on entities (a bomb or a loop), not on ordinary bad markup.
    (The parser's own log: an exception's ``error_log`` also holds earlier parses' errors.)"""
    for err in parser.error_log:
        kind = str(err.type_name)
        if kind == "ERR_RESOURCE_LIMIT" or ("ENTITY" in kind and "UNDECLARED" not in kind):
            return True
    return False


def has_dtd(tree: etree._ElementTree) -> bool:
    info = tree.docinfo
    return bool(info.doctype) or info.internalDTD is not None or info.externalDTD is not None


def parse_untrusted(data: bytes, parser: etree.XMLParser) -> etree._ElementTree:
    """The parsed document; ``UnsafeXml`` when it declares a DTD, ``etree.XMLSyntaxError`` when not XML."""
    try:
        root = etree.fromstring(data, parser)
    except etree.XMLSyntaxError:
        if _entity_trouble(parser):
            raise UnsafeXml(REFUSED) from None
        raise
    tree = root.getroottree()
    if has_dtd(tree):
        raise UnsafeXml(REFUSED)
    return tree
