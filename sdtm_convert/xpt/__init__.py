"""SAS XPT v5: pre-write checks, an atomic byte-reproducible writer (pyreadstat), and two readers.

``read_xpt`` goes through pyreadstat; ``read_v5`` is an independent pure-numpy parser of the TS-140
layout, used as the test oracle and as a validation reader.
"""

from .checks import ascii_fold, check_frame
from .info import XptInfo, XptVariable, sas_datetime_text
from .reader import read_xpt
from .v5 import V5Member, read_v5, read_v5_members
from .writer import write_xpt, write_xpt_info

__all__ = [
    "V5Member",
    "XptInfo",
    "XptVariable",
    "ascii_fold",
    "check_frame",
    "read_v5",
    "read_v5_members",
    "read_xpt",
    "sas_datetime_text",
    "write_xpt",
    "write_xpt_info",
]
