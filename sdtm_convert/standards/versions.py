"""Which shipped metadata version checks a package, and why.

A package declares its standard (``sdtmig-3.2``, ``adamig-1.0``...). Its own version is used when shipped;
otherwise the **nearest shipped version** in the standard's release sequence: the fewest releases away, and on
a tie the later one. SDTMIG 3.3 is one release from both 3.2 and 3.4 and gets 3.4: each SDTMIG keeps its
predecessor's domains and variables (3.4 keeps what 3.3 added: ARMNRS, ACTARMUD, --LLOQ, the new domains), so
the later guide recognises a 3.3 package's variables, labels and codelists, where 3.2 would report every
3.3 addition as not in the model. The price, said in the note, is that a variable 3.4 added as Expected can be
reported missing. A version newer than every shipped one gets the newest, an older one the oldest.

The SDTM model (general-class variables) follows the IG: 3.1.2 → model 1.2, 3.1.3 → 1.3, 3.2 → 1.4,
3.3 → 1.7, 3.4 → 2.0. Models 1.7 and 2.0 are not shipped (no public copy), so the nearest shipped model (1.4)
is used, together with every variable the IG's own domains of that class use
(:func:`sdtm_convert.standards.metadata.class_variables`). A model variable added to a domain that does not
list it is checked against the codelist its IG version usually gives it
(:func:`sdtm_convert.standards.metadata.usual_codelists`). Nothing is derived from another version by removing
variables.
"""

from __future__ import annotations

from dataclasses import dataclass

from sdtm_convert.standards.metadata import ADAMIG_DEFAULT, SDTMIG_DEFAULT, shipped, version_key

SDTMIG_MODEL = {"3.1": "1.0", "3.1.1": "1.1", "3.1.2": "1.2", "3.1.3": "1.3", "3.2": "1.4", "3.3": "1.7", "3.4": "2.0"}
SDTM_MODEL_RELEASES = ("1.0", "1.1", "1.2", "1.3", "1.4", "1.5", "1.6", "1.7", "1.8", "2.0")
ADAMIG_RELEASES = ("1.0", "1.1", "1.2", "1.3")


def nearest(requested: str, releases: tuple[str, ...] | list[str], available: tuple[str, ...]) -> str:
    """The available version fewest releases away from ``requested`` (on a tie, the later one)."""
    if requested in available:
        return requested
    seq = sorted(set(releases) | set(available) | {requested}, key=version_key)
    at = seq.index(requested)
    return min(available, key=lambda v: (abs(seq.index(v) - at), -seq.index(v)))


def _why(requested: str, used: str, available: tuple[str, ...]) -> str:
    later = version_key(used) > version_key(requested)
    if later and version_key(requested) < version_key(available[0]):
        return "oldest shipped"
    if not later and version_key(requested) > version_key(available[-1]):
        return "newest shipped"
    return "nearest later" if later else "nearest earlier"


@dataclass(frozen=True)
class MetadataChoice:
    kind: str  # "sdtm" | "adam"
    declared: str  # the package's own version, e.g. "3.3"
    version: str  # the shipped IG version used, e.g. "3.4"
    model: str | None = None  # SDTM model of the declared IG, e.g. "1.7"
    model_used: str | None = None  # shipped SDTM model whose class variables are used

    @property
    def sdtmig(self) -> str:
        return self.version if self.kind == "sdtm" else SDTMIG_DEFAULT

    @property
    def adamig(self) -> str:
        return self.version if self.kind == "adam" else ADAMIG_DEFAULT

    @property
    def sdtm_model(self) -> str:
        """The shipped SDTM model used with :attr:`sdtmig` (for ADaM packages: the default SDTMIG's)."""
        if self.model_used:
            return self.model_used
        return nearest(SDTMIG_MODEL[SDTMIG_DEFAULT], SDTM_MODEL_RELEASES, shipped("sdtm"))

    def note(self, why: str = "") -> str:
        """One line for the report: which metadata checked the package and why (``why``: where the standard
        came from, e.g. "declared in define.xml")."""
        name = "SDTMIG" if self.kind == "sdtm" else "ADaMIG"
        avail = shipped("sdtmig" if self.kind == "sdtm" else "adamig")
        src = f" ({why})" if why else ""
        if self.version == self.declared:
            text = f"standards metadata: {name} {self.version}{src}"
        else:
            rel = _why(self.declared, self.version, avail)
            text = f"standards metadata: {name} {self.declared}{src} not shipped; used {name} {self.version} ({rel})"
        if self.kind == "sdtm" and self.model_used:
            if self.model_used == self.model:
                text += f"; general-class variables of SDTM model {self.model}"
            else:
                text += (f"; SDTM model {self.model or '?'} not shipped: general-class variables of SDTM model "
                         f"{self.model_used} ({_why(self.model or '0', self.model_used, shipped('sdtm'))}) "
                         f"and of the SDTMIG {self.version} domains")
        return text


def _version_of(standard: str) -> str:
    return standard.split("-", 1)[1] if "-" in standard else ""


def choose_metadata(standard: str) -> MetadataChoice:
    """The shipped metadata for a declared standard such as ``sdtmig-3.3`` or ``adamig-1.0``."""
    declared = _version_of(standard.lower())
    if standard.lower().startswith("adam"):
        declared = declared or ADAMIG_DEFAULT
        return MetadataChoice("adam", declared, nearest(declared, ADAMIG_RELEASES, shipped("adamig")))
    declared = declared or SDTMIG_DEFAULT
    version = nearest(declared, tuple(SDTMIG_MODEL), shipped("sdtmig"))
    model = SDTMIG_MODEL.get(declared) or SDTMIG_MODEL.get(version)
    model_used = nearest(model, SDTM_MODEL_RELEASES, shipped("sdtm")) if model else None
    return MetadataChoice("sdtm", declared, version, model, model_used)
