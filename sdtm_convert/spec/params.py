"""Parameter kinds of spec descriptors: what a parameter's value may be, in one place.

A kind knows its JSON Schema fragment (the generated spec schema is made of them), the names its value
reads (raw columns vs targets assigned earlier: the spec checks use them before any data is read), the
problems only it can see in a value (``check``: a codelist not in CT, an unknown date format), how its
Excel cell is written (``"s"`` a plain cell, ``"y"`` YAML flow text) and how the reference page names it.

Kinds are plain frozen dataclasses; a descriptor lists them as ``{"column": Column(required=True)}``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar

from sdtm_convert.common import edc_dates as dates
from sdtm_convert.spec import conditions

EXPR = {"$ref": "#/$defs/expr"}
NAME = {"$ref": "#/$defs/name"}
SCALAR = {"$ref": "#/$defs/scalar"}
CONDITION = {"$ref": "#/$defs/condition"}

Read = tuple[str, str]  # ("column" | "target", name)


@dataclass(frozen=True)
class Problem:
    """A spec mistake found in one parameter value: ``path`` below the variable, a stable code, the text."""

    path: tuple[Any, ...]
    code: str
    message: str


@dataclass
class SpecEnv:
    """What a spec-time check may consult: the CT release, the raw datasets declared in raw.yaml."""

    ct: Any
    raw: Mapping[str, Any] = field(default_factory=dict)

    def columns_of(self, name: str) -> set[str]:
        d = self.raw[name]
        return set(d["columns"]) | set(d.get("optional_columns", []))


@dataclass(frozen=True)
class Param:
    required: bool = False
    default: Any = None
    doc: str = ""

    excel = "s"  # "s": a plain cell; "y": YAML flow text
    type_text = "any"
    SPEC_CODES: ClassVar[tuple[str, ...]] = ()  # issue codes its reads and check can give before data is read

    def spec_codes(self) -> tuple[str, ...]:
        return self.SPEC_CODES

    def schema(self) -> dict[str, Any]:
        return {}

    def reads(self, value: Any) -> list[Read]:
        return []

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        return []


@dataclass(frozen=True)
class Column(Param):
    """A raw column of the source (after joins and transposition)."""

    type_text = "raw column"

    SPEC_CODES = ("spec-column-unknown",)

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def reads(self, value: Any) -> list[Read]:
        return [("column", value)] if isinstance(value, str) else []


@dataclass(frozen=True)
class ColumnOrTarget(Param):
    """A raw column (plain text) or ``{column: NAME}`` / ``{target: NAME}`` (a target assigned earlier)."""

    type_text = "raw column, or {column: NAME} / {target: NAME}"

    SPEC_CODES = ("spec-column-unknown", "spec-target-order")

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "string"},
                          {"type": "object", "required": ["column"], "additionalProperties": False,
                           "properties": {"column": {"type": "string"}}},
                          {"type": "object", "required": ["target"], "additionalProperties": False,
                           "properties": {"target": NAME}}]}

    def reads(self, value: Any) -> list[Read]:
        if isinstance(value, str):
            return [("column", value)]
        return [(k, value[k]) for k in ("column", "target") if isinstance(value, dict) and k in value]


@dataclass(frozen=True)
class Target(Param):
    """A target variable assigned earlier in the same source block."""

    type_text = "earlier target"

    SPEC_CODES = ("spec-target-order",)

    def schema(self) -> dict[str, Any]:
        return dict(NAME)

    def reads(self, value: Any) -> list[Read]:
        return [("target", value)] if isinstance(value, str) else []


@dataclass(frozen=True)
class Var(Param):
    """An SDTM variable name (``--X`` for the domain's own prefix)."""

    type_text = "variable name"

    def schema(self) -> dict[str, Any]:
        return dict(NAME)


@dataclass(frozen=True)
class Codelist(Param):
    """A codelist of the study's CT release (submission value, e.g. ``SEX``, or its C-code)."""

    type_text = "codelist"

    SPEC_CODES = ("spec-codelist-unknown",)

    def schema(self) -> dict[str, Any]:
        return {"type": "string"}

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        if env.ct is not None and value not in env.ct:
            return [Problem((), "spec-codelist-unknown", f"codelist {value!r} is not in CT {env.ct.version}")]
        return []


@dataclass(frozen=True)
class Expr(Param):
    """``{value: V}``, ``{column: NAME}`` or ``{target: NAME}``; ``text=True``: a plain string is a literal too."""

    text: bool = False
    type_text = "expression {value|column|target}"
    excel = "y"

    SPEC_CODES = ("spec-column-unknown", "spec-target-order")

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [{"type": "string"}, dict(EXPR)]} if self.text else dict(EXPR)

    def reads(self, value: Any) -> list[Read]:
        if isinstance(value, dict):
            return [(k, value[k]) for k in ("column", "target") if k in value]
        return []


@dataclass(frozen=True)
class Cond(Param):
    """A condition (:mod:`sdtm_convert.spec.conditions`): ``{column|target|var: NAME, op: OP, value: V}``,
    ``{all|any: [...]}``, ``{not: ...}``."""

    type_text = "condition"
    excel = "y"

    SPEC_CODES = ("spec-column-unknown", "spec-target-order", "spec-condition-invalid")

    def schema(self) -> dict[str, Any]:
        return dict(CONDITION)

    def reads(self, value: Any) -> list[Read]:
        return conditions.referenced_names(value) if isinstance(value, dict) else []

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        return [Problem(p.path, "spec-condition-invalid", p.message)
                for p in conditions.located_problems(value)] if isinstance(value, dict) else []


@dataclass(frozen=True)
class Scalar(Param):
    """A literal: text, number, true/false or null."""

    type_text = "text, number, boolean or null"

    def schema(self) -> dict[str, Any]:
        return dict(SCALAR)


@dataclass(frozen=True)
class Str(Param):
    max_length: int | None = None
    type_text = "text"

    def schema(self) -> dict[str, Any]:
        return {"type": "string"} if self.max_length is None else {"type": "string", "maxLength": self.max_length}


@dataclass(frozen=True)
class DateFormat(Str):
    """A date format: a named one, or YYYY, MM or MON, DD with any separators (``YYYY/MM/DD``, ``DD.MM.YYYY``)."""

    type_text = "date format"

    SPEC_CODES = ("spec-date-format-unknown",)

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        try:
            dates.format_regex(value)
        except ValueError as exc:
            return [Problem((), "spec-date-format-unknown",
                            f"unknown date format {value!r}: {exc} (named formats: {', '.join(dates.FORMATS)}; or "
                            "YYYY, MM or MON, DD with any separators)")]
        return []


@dataclass(frozen=True)
class Regex(Str):
    """A regular expression (Python syntax); its first group, if any, is what is kept."""

    type_text = "regular expression"

    SPEC_CODES = ("spec-pattern-invalid",)

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        try:
            re.compile(value)
        except re.error as exc:
            return [Problem((), "spec-pattern-invalid", f"pattern {value!r} is not a regular expression ({exc})")]
        return []


@dataclass(frozen=True)
class Bool(Param):
    type_text = "true/false"

    def schema(self) -> dict[str, Any]:
        return {"type": "boolean"}


@dataclass(frozen=True)
class Int(Param):
    minimum: int | None = None
    maximum: int | None = None
    type_text = "integer"

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "integer"}
        if self.minimum is not None:
            out["minimum"] = self.minimum
        if self.maximum is not None:
            out["maximum"] = self.maximum
        return out


@dataclass(frozen=True)
class Number(Param):
    nullable: bool = False  # null allowed (e.g. an open end of a band)

    @property
    def type_text(self) -> str:  # type: ignore[override]
        return "number or null" if self.nullable else "number"

    def schema(self) -> dict[str, Any]:
        return {"type": ["number", "null"]} if self.nullable else {"type": "number"}


@dataclass(frozen=True)
class OneOf(Param):
    choices: tuple[Any, ...] = ()
    type_text = "one of"

    def schema(self) -> dict[str, Any]:
        return {"enum": list(self.choices)}


@dataclass(frozen=True)
class Dict(Param):
    """A mapping ``{from: to}`` (keys compared trimmed and case-insensitive)."""

    type_text = "mapping"
    excel = "y"

    def schema(self) -> dict[str, Any]:
        return {"type": "object"}


@dataclass(frozen=True)
class ListOf(Param):
    item: Param = field(default_factory=Param)
    min_items: int | None = None
    max_items: int | None = None
    excel = "y"

    @property
    def type_text(self) -> str:  # type: ignore[override]
        return f"list of {self.item.type_text}"

    def spec_codes(self) -> tuple[str, ...]:
        return self.item.spec_codes()

    def schema(self) -> dict[str, Any]:
        out: dict[str, Any] = {"type": "array", "items": self.item.schema()}
        if self.min_items is not None:
            out["minItems"] = self.min_items
        if self.max_items is not None:
            out["maxItems"] = self.max_items
        return out

    def reads(self, value: Any) -> list[Read]:
        return [r for v in value for r in self.item.reads(v)] if isinstance(value, list) else []

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        if not isinstance(value, list):
            return []
        return [Problem((i, *p.path), p.code, p.message) for i, v in enumerate(value) for p in self.item.check(v, env)]


@dataclass(frozen=True)
class Struct(Param):
    """A structured value with a hand-written schema fragment; ``read``/``checker`` say what it reads."""

    fragment: Mapping[str, Any] = field(default_factory=dict)
    read: Callable[[Any], list[Read]] | None = None
    checker: Callable[[Any, SpecEnv], list[Problem]] | None = None
    type_text_: str = "structure"
    codes: tuple[str, ...] = ()  # what ``read`` and ``checker`` can give before data is read
    excel = "y"

    def spec_codes(self) -> tuple[str, ...]:
        return self.codes

    @property
    def type_text(self) -> str:  # type: ignore[override]
        return self.type_text_

    def schema(self) -> dict[str, Any]:
        return dict(self.fragment)

    def reads(self, value: Any) -> list[Read]:
        return self.read(value) if self.read and value is not None else []

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        return self.checker(value, env) if self.checker and value is not None else []


@dataclass(frozen=True)
class OneOrMany(Param):
    """One value or a list of them (tried in order)."""

    item: Param = field(default_factory=Param)
    excel = "y"

    @property
    def type_text(self) -> str:  # type: ignore[override]
        return f"{self.item.type_text} or a list of them"

    def spec_codes(self) -> tuple[str, ...]:
        return self.item.spec_codes()

    def schema(self) -> dict[str, Any]:
        return {"oneOf": [self.item.schema(), {"type": "array", "items": self.item.schema(), "minItems": 1}]}

    def check(self, value: Any, env: SpecEnv) -> list[Problem]:
        values = value if isinstance(value, list) else [value]
        return [p for v in values for p in self.item.check(v, env)]


# Keys every variable may carry, whatever its algorithm (not parameters of the algorithm).
COMMON: dict[str, Param] = {
    "target": Var(required=True, doc="the SDTM variable assigned (``--X``: the domain prefix), or a working column ``__X``"),
    "algorithm": Str(required=True, doc="the algorithm's name"),
    "label": Str(max_length=40, doc="variable label (at most 40 characters) when it differs from the SDTMIG one"),
    "origin": OneOf(choices=("Collected", "Assigned", "Derived", "Protocol", "Predecessor"),
                    doc="define.xml origin, when the algorithm's own is not right"),
    "comment": Str(doc="define.xml comment"),
}


# The file-level ``dates:`` block of a domain spec: defaults of every variable whose algorithm takes these
# parameters (assign_datetime); the algorithm declares the same kinds, so the block is checked alike.
DATE_DEFAULTS: dict[str, Param] = {
    "format": OneOrMany(item=DateFormat(), default="DD MON YYYY",
                        doc="the date format, or a list tried in order (full, then partial forms)"),
    "unknown": ListOf(item=Str(), min_items=1,
                      doc="the texts that mean an unknown part (e.g. [UK, UNK]); they replace the default set "
                          "(UN, UNK, UNKN, NK, XX, --, ??...); a date part unknown is left out (2021/UK/UK → 2021)"),
}
