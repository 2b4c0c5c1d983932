"""Small lxml helpers shared by the Define-XML writer (namespaces, elements, TranslatedText)."""

from __future__ import annotations

from lxml import etree

NS_ODM = "http://www.cdisc.org/ns/odm/v1.3"
NS_DEF = "http://www.cdisc.org/ns/def/v2.1"
NS_XLINK = "http://www.w3.org/1999/xlink"
NS_ARM = "http://www.cdisc.org/ns/arm/v1.0"
NS_XML = "http://www.w3.org/XML/1998/namespace"


def q(name: str) -> str:
    """Clark name from ``def:leaf`` / ``arm:Code`` / ``xlink:href`` / ``ItemDef`` (ODM default)."""
    prefix, _, local = name.rpartition(":")
    ns = {"": NS_ODM, "def": NS_DEF, "xlink": NS_XLINK, "arm": NS_ARM, "xml": NS_XML}[prefix]
    return f"{{{ns}}}{local}"


def sub(parent: etree._Element, tag: str, attrs: dict[str, object | None] | None = None, text: str | None = None):
    """Append a child; attributes whose value is None are left out, the rest are written as str."""
    el = etree.SubElement(parent, q(tag))
    for k, v in (attrs or {}).items():
        if v is not None:
            el.set(q(k) if ":" in k else k, str(v))
    if text is not None:
        el.text = text
    return el


def description(parent: etree._Element, text: str, tag: str = "Description") -> etree._Element:
    el = sub(parent, tag)
    sub(el, "TranslatedText", {"xml:lang": "en"}, text)
    return el


def yes_no(flag: bool) -> str:
    return "Yes" if flag else "No"
