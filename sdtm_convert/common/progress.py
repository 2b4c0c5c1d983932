"""Progress lines on stderr for the commands: ``[   1.2s] mapped 8 domains`` (nothing with ``quiet``)."""

from __future__ import annotations

import sys
import time

from sdtm_convert.common import signals


class Progress:
    def __init__(self, quiet: bool):
        self.quiet = quiet
        self.t0 = time.perf_counter()

    def __call__(self, msg: str) -> None:
        signals.check()  # a stop whose exception was swallowed on the way ends the command here
        if not self.quiet:
            print(f"[{time.perf_counter() - self.t0:6.1f}s] {msg}", file=sys.stderr, flush=True)
