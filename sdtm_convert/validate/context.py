"""What a rule sees: the package plus standards metadata and CT, with small look-ups cached."""

from __future__ import annotations

from functools import cached_property

import pandas as pd

from sdtm_convert.standards import adamig_variables, load_ct, sdtmig_datasets, sdtmig_domain_variables
from sdtm_convert.standards.ct import ControlledTerminology
from sdtm_convert.standards.ct_file import is_ct_file, load_ct_file
from sdtm_convert.standards.metadata import class_variables, usual_codelists
from sdtm_convert.standards.versions import MetadataChoice, choose_metadata
from sdtm_convert.validate.model import Dataset, Package

GENERAL = {"Interventions", "Events", "Findings", "Findings About"}


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """Standards tables with object text columns (cheap to iterate and hash, unlike Arrow strings)."""
    return df.astype({c: object for c in df.columns if df[c].dtype != object and df[c].dtype.kind not in "iuf"})


class Context:
    def __init__(self, package: Package, focus: str | None = None):
        self.package = package
        self.kind = package.kind
        self.define = package.define
        self.focus = focus  # a per-dataset rule sees this one dataset (look-ups still reach the package)
        self._meta: dict = {}

    @cached_property
    def ct(self) -> ControlledTerminology | None:
        try:
            return load_ct_file(v) if is_ct_file(v := self.package.ct_version) else load_ct(v)
        except KeyError:
            return None

    # -- datasets -----------------------------------------------------------------------------
    def datasets(self) -> list[Dataset]:
        if self.focus is not None:
            return [self.package.datasets[self.focus]]
        return [self.package.datasets[k] for k in sorted(self.package.datasets)]

    def klass(self, ds: Dataset) -> str:
        """SDTM class of a dataset (Findings, Events, ..., Relationship, Trial Design, Special-Purpose)."""
        dom = ds.domain
        if dom.startswith("SUPP") or dom == "RELREC":
            return "Relationship"
        std = self.std_classes.get(dom)
        if std:
            return std
        if self.define is not None:
            d = self.define.datasets.get(ds.name)
            if d is not None and d.klass:
                return {
                    "FINDINGS": "Findings",
                    "EVENTS": "Events",
                    "INTERVENTIONS": "Interventions",
                    "FINDINGS ABOUT": "Findings About",
                }.get(d.klass.upper(), d.klass.title())
        return ""

    @cached_property
    def metadata(self) -> MetadataChoice:
        """The shipped SDTMIG / ADaMIG (and SDTM model) versions that check this package."""
        return choose_metadata(self.package.standard)

    @cached_property
    def std_classes(self) -> dict[str, str]:
        d = sdtmig_datasets(self.metadata.sdtmig)
        return dict(zip(d["dataset"].tolist(), d["class"].tolist()))

    def general(self) -> list[Dataset]:
        """Datasets of the general observation classes (Interventions, Events, Findings)."""
        return [d for d in self.datasets() if self.klass(d) in GENERAL]

    def subject_level(self) -> list[Dataset]:
        """Datasets with subject records: general classes plus DM/SE/SV/CO and SUPP--/RELREC excluded."""
        return [
            d
            for d in self.datasets()
            if "USUBJID" in d.columns and not d.domain.startswith("SUPP") and d.domain != "RELREC"
        ]

    def supp(self) -> list[Dataset]:
        return [d for d in self.datasets() if d.domain.startswith("SUPP")]

    def frame(self, domain: str, columns: list[str] | None = None) -> pd.DataFrame | None:
        return self.package.domain_frame(domain, columns)

    # -- terminology --------------------------------------------------------------------------
    def cl_values(self, code: str) -> frozenset:
        key = ("values", code)
        if key not in self._meta:
            assert self.ct is not None
            self._meta[key] = frozenset(self.ct.codelist(code).terms["value"].tolist())
        return self._meta[key]

    def cl_codes(self, code: str) -> dict[str, str]:
        """Submission value → NCI term code for one codelist."""
        key = ("codes", code)
        if key not in self._meta:
            assert self.ct is not None
            t = self.ct.codelist(code).terms
            self._meta[key] = dict(zip(t["value"].tolist(), t["code"].tolist()))
        return self._meta[key]

    # -- standards ----------------------------------------------------------------------------
    def sdtm_vars(self, ds: Dataset) -> pd.DataFrame:
        """Variables of the dataset's domain in the package's SDTMIG version; empty for custom domains."""
        dom = ds.domain
        if dom not in self._meta:
            self._meta[dom] = _plain(sdtmig_domain_variables(dom, self.metadata.sdtmig))
        return self._meta[dom]

    @cached_property
    def class_variables(self) -> dict[str, frozenset[str]]:
        """Variables (``--`` stems, identifiers, timing) allowed per general class: the SDTM model of the
        package's SDTMIG (nearest shipped) plus what that SDTMIG's domains of the class use."""
        m = self.metadata
        return class_variables(m.sdtmig, m.sdtm_model)

    def added_codelists(self, ds: Dataset) -> dict[str, list[str]]:
        """Codelists of the general-class model variables added to ``ds`` (not listed for its domain), where the
        package's SDTMIG gives the variable one usual codelist (:func:`usual_codelists`)."""
        key = ("added_codelists", ds.name)
        if key not in self._meta:
            klass, listed, p = self.klass(ds), set(self.sdtm_vars(ds)["name"]), ds.parent
            allowed, usual = self.class_variables.get(klass, frozenset()), usual_codelists(self.metadata.sdtmig)
            out = {}
            for v in ds.columns:
                stem = "--" + v[len(p):] if v.startswith(p) and len(v) > len(p) else v
                if v not in listed and stem in allowed and stem in usual:
                    out[v] = list(usual[stem])
            self._meta[key] = out
        return self._meta[key]

    def copied_sdtm_codelists(self, ds: Dataset) -> dict[str, list[str]]:
        """Codelists of the SDTM variables an ADaM dataset carries under their SDTM names (ADaMIG: a variable
        copied from SDTM keeps its name and meaning, so ADAE.AESEV keeps AE.AESEV's codelist): for each
        column, the SDTMIG variable of that name in the domain its first two letters name, else in DM."""
        key = ("copied_sdtm_codelists", ds.name)
        if key not in self._meta:
            domains = set(self.std_classes)
            out: dict[str, list[str]] = {}
            for v in ds.columns:
                for dom in dict.fromkeys(d for d in (v[:2], "DM") if d in domains):
                    if dom not in self._meta:
                        self._meta[dom] = _plain(sdtmig_domain_variables(dom, self.metadata.sdtmig))
                    meta = self._meta[dom]
                    hit = meta[meta["name"] == v]
                    if len(hit) and list(hit["codelist_codes"].iloc[0]):
                        out[v] = list(hit["codelist_codes"].iloc[0])
                        break
            self._meta[key] = out
        return self._meta[key]

    @cached_property
    def adam_vars(self) -> pd.DataFrame:
        """ADaMIG variables of the package's ADaMIG version (nearest shipped)."""
        return _plain(adamig_variables(self.metadata.adamig))

    def adam_structure(self, ds: Dataset) -> str:
        if ds.name == "ADSL":
            return "Subject-Level Analysis Dataset"
        cols = ds.columns
        if "PARAMCD" in cols:
            return "Basic Data Structure"
        if ds.name == "ADAE" and self.metadata.adamig == "1.0":  # ADaMIG 1.0's separate ADAE structure
            return "Adverse Event Analysis Dataset"
        return "Other"
