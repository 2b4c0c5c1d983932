"""Every method text of both bundled runs' define.xml (SDTM and ADaM) is words a reviewer reads: no condition
mapping as the spec writes it, no configuration setting, no working column."""

from __future__ import annotations

import re

from sdtm_convert.package.define.read import read_define_model

INTERNALS = {
    "a mapping or list as written in the spec": re.compile(r"[{}]|'(?:var|op|value|all|any)':"),
    "a study.yaml setting": re.compile(r"study\.yaml|\badam\.\w+|\(default \d+\)"),
    "a condition as the spec writes it": re.compile(r"condition:|\bnot_in\b|\bop\b"),
    "a working column": re.compile(r"(?<![A-Za-z0-9])__\w+"),
    "admiral's parameter letters": re.compile(r"highest imputation [A-Z]"),
}
NAMES = ("a study.yaml setting", "a working column")  # comments may quote a raw value or pattern with braces


def _leaks(text: str, kinds) -> list[str]:
    return [kind for kind in kinds if INTERNALS[kind].search(text)]


def test_no_method_or_comment_text_of_the_bundled_runs_names_config_internals(bundled_defines):
    assert sorted(bundled_defines) == ["cdiscpilot01 ADaM", "cdiscpilot01 SDTM", "nct03745417 ADaM",
                                       "nct03745417 SDTM"]
    found, counted = [], {}
    for name, path in bundled_defines.items():
        model = read_define_model(path)
        counted[name] = len(model["methods"])
        found += [(name, m["oid"], kind, m["description"]) for m in model["methods"]
                  for kind in _leaks(m["description"], INTERNALS)]
        found += [(name, c["oid"], kind, c["description"]) for c in model["comments"]
                  for kind in _leaks(c["description"], NAMES)]
    assert found == []
    assert all(n > 20 for n in counted.values()), counted


def test_conditions_of_the_bundled_adam_specs_are_written_as_comparisons(bundled_defines):
    pilot = {m["oid"]: m["description"] for m in read_define_model(bundled_defines["cdiscpilot01 ADaM"])["methods"]}
    assert pilot["MT.ADSL.SAFFL"] == ("'Y' when a record of EX has EXDOSE > 0 or (EXDOSE = 0 and EXTRT matches "
                                      "'.*PLACEBO.*'), else 'N' (no record: 'N').")
    assert pilot["MT.ADSL.DTHCAUS"] == (
        "From the first event (ordered by the event's place in this list) of: AE where AEOUT = 'FATAL': "
        "DTHCAUS = AEDECOD, DTHDOM = 'AE'; DS where DSDECOD = 'DEATH' and DSTERM matches '.*DEATH DUE TO.*': "
        "DTHCAUS = DSTERM, DTHDOM = 'DS'.")
    assert pilot["MT.ADVS.ONTRTFL"] == "'Y' when TRTSDT <= ADT <= TRTEDT; not on TRTSDT where AVISIT = 'Baseline'."
    assert pilot["MT.ADSL.DTHDT"] == ("DTHDTC as a SAS date; partial dates: missing month and day imputed to the "
                                      "first possible date")
    ours = {m["oid"]: m["description"] for m in read_define_model(bundled_defines["nct03745417 ADaM"])["methods"]}
    assert ours["MT.ADSL.SAFFL"] == "'Y' if received at least one infusion (NINFUS ≥ 1), else 'N'."
    assert ours["MT.ADSL.FASFL"] == ("'Y' if safety population with a baseline and at least one post-baseline PASI "
                                     "(SAFFL = 'Y' and (BLPASIFL = 'Y' and PBPASIFL = 'Y')), else 'N'.")


def test_a_transposed_sources_value_is_named_in_words(bundled_defines):
    model = read_define_model(bundled_defines["cdiscpilot01 SDTM"])
    methods = {m["oid"]: m["description"] for m in model["methods"]}
    comments = {c["oid"]: c["description"] for c in model["comments"]}
    assert methods["MT.VS.VSSTAT"] == "if the collected value is empty then 'NOT DONE'; otherwise null"
    assert comments["COM.VS.VSORRES"] == "From the value of each transposed column of vs_raw"
