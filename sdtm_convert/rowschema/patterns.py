"""ISO 8601 regular expressions for the JSON Schemas (SDTMIG 3.4 §4.4, domain reference §7).

The patterns are written so that the ECMA-262 reading (JSON Schema's regex dialect) and Python's
``re.search`` (what ``jsonschema`` runs, and what our vectorised validator runs) accept exactly the
same strings:

- ``[0-9]``, never ``\\d`` (Python's ``\\d`` also matches non-ASCII digits such as ``٢``);
- the pattern ends in ``$(?!\\n)``: Python's ``$`` also matches before a final newline, the
  look-ahead removes that difference (``"2021\\n"`` is rejected by both).

Every pattern also accepts ``""``, the SDTM missing value; emptiness of a *Req* variable is reported
once, by ``minLength: 1``, not a second time by the pattern.

Datetimes: ``YYYY-MM-DDThh:mm:ss(.f)`` right-truncated (``2021-03-15T10``, ``2021-03``, ``2021``), with
the hyphen placeholder for an unknown component followed by a known one (``2021---15``,
``--12-15``, ``-----T07:15``, ``2021-03-15T-:30``); the last component given is always known, so
``2021---`` (right-truncate it to ``2021``) is invalid. An optional UTC offset may follow a time.
Calendar validity (``2021-02-30``) is not a regex job: ``sdtm_convert.common.iso8601`` checks it.
The regexes themselves live there, with the one ISO 8601 reader.
Durations: ``PnYnMnDTnHnMnS`` (any subset, at least one, fraction allowed) or ``PnW``; ``--ELTM`` and
``--EVLINT`` may be negative (``-PT15M``). Intervals (``start/end``, ``start/duration``...) are only
accepted where the value domain says "interval" for durations (``--EVLINT``); ``--DTC`` does not
accept intervals (none of our domains collects an interval in a --DTC).
"""

from __future__ import annotations

from sdtm_convert.common.iso8601 import DATETIME, DURATION, DURATION_OR_INTERVAL, SIGNED_DURATION

__all__ = ["DATETIME", "DURATION", "DURATION_OR_INTERVAL", "PATTERNS", "SIGNED_DURATION", "anchored"]


def anchored(body: str) -> str:
    """Whole-value pattern that also accepts the missing value ``""``."""
    return f"^(?:{body})?$(?!\\n)"


# pattern kind (used in the generator's data tables) -> regex
PATTERNS = {
    "datetime": anchored(DATETIME),
    "duration": anchored(DURATION),
    "signed-duration": anchored(SIGNED_DURATION),
    "duration-or-interval": anchored(DURATION_OR_INTERVAL),
}
