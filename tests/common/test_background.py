"""The worker process: results and errors come back as if the function had run in the caller."""

import os
import time

import numpy as np
import pandas as pd
import pytest

from sdtm_convert.common.background import Background, can_fork
from sdtm_convert.errors import SdtmConvertError, fatal

pytestmark = pytest.mark.skipif(not can_fork(), reason="the worker process needs fork (Linux)")


def test_worker_reads_the_callers_frames_and_returns_its_result():
    frame = pd.DataFrame({"x": np.arange(100_000, dtype="float64"), "s": pd.Series(["a", "b"] * 50_000, dtype="str")})
    local = {"frame": frame}  # a closure over local data: nothing is pickled on the way in under fork
    job = Background(lambda: (os.getpid(), float(local["frame"]["x"].sum()), int((local["frame"]["s"] == "a").sum())))
    pid, total, count = job.result()
    assert pid != os.getpid()
    assert (total, count) == (float(frame["x"].sum()), 50_000)


def test_inline_when_not_parallel():
    assert Background(os.getpid, parallel=False).result() == os.getpid()


def _fail():
    raise fatal("raw-file-missing", "dm.csv is missing", file="dm.csv")


@pytest.mark.parametrize("parallel", [True, False])
def test_errors_are_raised_by_result_with_their_issue(parallel):
    job = Background(_fail, parallel=parallel)
    with pytest.raises(SdtmConvertError) as err:
        job.result()
    assert err.value.issue.code == "raw-file-missing" and err.value.issue.file == "dm.csv"


def test_a_worker_that_dies_is_a_clear_error():
    job = Background(os._exit, 3, what="SDTM writer")
    with pytest.raises(SdtmConvertError) as err:
        job.result()
    assert err.value.issue.code == "worker-failed"
    assert "SDTM writer" in err.value.issue.message and "exit code 3" in err.value.issue.message


class _Unpicklable(Exception):
    def __init__(self, a, b):
        super().__init__(a)
        self.b = b


def _raise_unpicklable():
    raise _Unpicklable("lock", lambda: None)


def test_an_error_that_cannot_be_sent_back_arrives_as_its_traceback():
    with pytest.raises(SdtmConvertError) as err:
        Background(_raise_unpicklable).result()
    assert err.value.issue.code == "worker-failed" and "_Unpicklable" in err.value.issue.message


def _write_slowly(folder):
    from sdtm_convert.common.atomic import atomic_open

    with atomic_open(folder / "big.txt", "w") as fh:
        while True:  # until interrupted
            fh.write("x" * 1000)
            time.sleep(0.001)


def test_cancel_interrupts_the_worker_and_its_atomic_writes_leave_nothing(tmp_path):
    job = Background(_write_slowly, tmp_path, what="SDTM writer")
    deadline = time.monotonic() + 20
    while not any(tmp_path.iterdir()) and time.monotonic() < deadline:  # its temporary file exists
        time.sleep(0.05)
    assert any(p.name.endswith(".tmp") for p in tmp_path.iterdir())
    job.cancel(timeout=20)
    assert list(tmp_path.iterdir()) == []  # temporary file removed, nothing renamed into place


def test_a_failing_main_side_cancels_the_worker(tmp_path, monkeypatch):
    import sdtm_convert.common.background as bg  # run_study imports Background from here when it runs
    import sdtm_convert.pipeline as pipeline
    from tests.e2e.conftest import SAMPLE, SPEC

    started = {}

    class Spy(bg.Background):
        def cancel(self, timeout=30.0, *, interrupt=True):
            started["cancelled"] = True
            super().cancel(timeout, interrupt=interrupt)

    monkeypatch.setattr(bg, "Background", Spy)
    monkeypatch.setattr(pipeline, "run_adam", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("ADaM broke")))
    with pytest.raises(RuntimeError, match="ADaM broke"):
        pipeline.run_study(SAMPLE, SPEC, tmp_path / "out", jobs=2)
    assert started == {"cancelled": True}
    assert not [p for p in (tmp_path / "out").rglob("*.tmp")]


def test_jobs_setting_must_be_a_number(monkeypatch):
    from sdtm_convert.common.background import default_jobs

    monkeypatch.setenv("SDTM_CONVERT_JOBS", "1")
    assert default_jobs() == 1
    monkeypatch.setenv("SDTM_CONVERT_JOBS", "two")
    with pytest.raises(SdtmConvertError) as err:
        default_jobs()
    assert err.value.issue.code == "jobs-invalid"


def test_an_interrupt_just_after_the_temporary_file_is_created_leaves_nothing(tmp_path, monkeypatch):
    """The temporary name is known before the file exists, so even an interrupt between creating it and
    writing to it removes it (a worker cancelled at that moment must not leave a file behind)."""
    import os

    from sdtm_convert.common.atomic import atomic_write_text

    real_open = os.open

    def open_then_interrupt(path, flags, mode=0o777, **kw):
        real_open(path, flags, mode, **kw)  # the file now exists ...
        raise KeyboardInterrupt  # ... and the interrupt lands before its descriptor is handed back

    monkeypatch.setattr(os, "open", open_then_interrupt)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_text(tmp_path / "ds.xpt", "data")
    monkeypatch.undo()
    assert list(tmp_path.iterdir()) == []
