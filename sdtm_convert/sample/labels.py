"""Label sets of the synthetic EDC build: what the EDC exports instead of codes.

Every label list is indexed by its code (``ITEM_LABELS[2] == "2-Moderate"``), so a code array turns
into labels by fancy indexing. The README of the committed sample documents the same tables.
"""

from __future__ import annotations

import numpy as np

STUDYID = "NCT03745417"

# Scheduled visits in order: (EDC visit label, planned week or None for screening).
SCHEDULED_VISITS: tuple[tuple[str, int | None], ...] = (
    ("Screening", None),
    ("Week 0", 0),
    ("Week 2", 2),
    ("Week 4", 4),
    ("Week 6", 6),
    ("Week 8", 8),
    ("Week 12", 12),
)
VISIT_LABELS = np.array([v for v, _ in SCHEDULED_VISITS], dtype=object)
VISIT_WEEKS = np.array([-2 if w is None else w for _, w in SCHEDULED_VISITS], dtype=np.int64)
N_VISITS = len(SCHEDULED_VISITS)
INFUSION_VISITS = (1, 2, 3, 4, 5)  # visit index of infusion 1..5 (weeks 0, 2, 4, 6, 8)
WEEK12 = 6
UNSCHEDULED_LABEL = "Unscheduled 1"

REGIONS = np.array(["Head/Neck", "Upper Limbs", "Trunk", "Lower Limbs"], dtype=object)
REGION_WEIGHT10 = np.array([1, 2, 3, 4], dtype=np.int64)  # region weight x 10 (0.1, 0.2, 0.3, 0.4)

ITEM_LABELS = np.array(["0-None", "1-Slight", "2-Moderate", "3-Marked", "4-Very Marked"], dtype=object)
AREA_LABELS = np.array(
    ["0: 0%", "1: <10%", "2: 10-<30%", "3: 30-<50%", "4: 50-<70%", "5: 70-<90%", "6: 90-100%"], dtype=object
)

YES_NO = np.array(["No", "Yes"], dtype=object)
SEX_LABELS = np.array(["Female", "Male"], dtype=object)  # code 0 = F, 1 = M (clean EDC export)

AE_SEV = np.array(["Mild", "Moderate", "Severe"], dtype=object)
AE_REL = np.array(
    ["Not Related", "Unlikely Related", "Possibly Related", "Probably Related", "Definitely Related"], dtype=object
)
AE_ACN = np.array(["Dose Not Changed", "Drug Interrupted", "Drug Withdrawn", "Not Applicable"], dtype=object)
ACN_NOT_CHANGED, ACN_INTERRUPTED, ACN_WITHDRAWN, ACN_NA = 0, 1, 2, 3
AE_OUT = np.array(
    ["Recovered/Resolved", "Recovering/Resolving", "Not Recovered/Not Resolved", "Recovered/Resolved with Sequelae"],
    dtype=object,
)
OUT_RECOVERED, OUT_RECOVERING, OUT_NOT_RECOVERED, OUT_SEQUELAE = 0, 1, 2, 3

DS_STATUS = np.array(["Completed", "Discontinued"], dtype=object)
DS_REASONS = np.array(
    ["", "Adverse Event", "Withdrawal by Subject", "Lost to Follow-up", "Physician Decision", "Screen Failure"],
    dtype=object,
)
DSR_NONE, DSR_AE, DSR_WITHDRAWAL, DSR_LOST, DSR_PHYSICIAN, DSR_SCREEN_FAILURE = 0, 1, 2, 3, 4, 5

# Subject status inside the generator.
COMPLETED, DISCONTINUED, SCREEN_FAILURE = 0, 1, 2

VISIT_NOT_DONE_REASONS = np.array(
    ["Subject unable to attend", "Site closed (public holiday)", "Subject travelling"], dtype=object
)
INFUSION_NOT_GIVEN_VISIT = "Visit not done"
INFUSION_NOT_GIVEN_AE = "Adverse event"

# Protocol numbering, as in mappings/nct03745417/study.yaml (TI).
IE_CRITERIA = {
    "INCL01": "Moderate to severe psoriasis vulgaris (PASI > 7 or BSA > 10%)",
    "INCL02": "Aged 18 to 65 years",
    "INCL03": "Written informed consent signed",
    "EXCL01": "Guttate or inverse psoriasis, or psoriasis confined to the face",
    "EXCL02": "Acute progressive psoriasis or a tendency to erythroderma",
}
SCREEN_FAILURE_CRITERION = "INCL01"

DOSE = "2"
DOSE_UNIT = "x10^6 cells/kg"
CELLS_UNIT = "x10^6 cells"
ROUTE = "Intravenous"
