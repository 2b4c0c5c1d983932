"""A stop signal ends the command even when library code swallows the exception its handler raised: the stop is
remembered and raised again at the next progress line and before the staging swap (CI once saw a run finish and
replace the package after a SIGTERM, exit 0)."""

from __future__ import annotations

import json
import os
import signal
import time

import pytest

from sdtm_convert.common import signals
from sdtm_convert.common.progress import Progress
from sdtm_convert.common.signals import Stopped
from sdtm_convert.package.staging import staged_output


@pytest.fixture
def installed():
    """Our handlers for the test, the process's own ones back afterwards."""
    before = {sig: signal.getsignal(sig) for sig in signals.STOP_SIGNALS}
    signals.install()
    yield
    for sig, handler in before.items():
        signal.signal(sig, handler)
    signals._pending = None


def _swallowed(sig: signal.Signals) -> None:
    """Receive ``sig`` inside code that catches everything, as a careless library does."""
    try:
        os.kill(os.getpid(), sig)
        time.sleep(5)  # the handler runs here and raises; a test that hangs 5 s means it did not
    except BaseException:  # noqa: BLE001, S110 - the point of the test
        pass


@pytest.mark.parametrize(("sig", "raised"), [(signal.SIGTERM, Stopped), (signal.SIGHUP, Stopped),
                                             (signal.SIGINT, KeyboardInterrupt)])
def test_a_swallowed_stop_is_raised_again(installed, sig, raised):
    signals.check()  # nothing pending yet
    _swallowed(sig)
    with pytest.raises(raised) as caught:
        signals.check()
    if raised is Stopped:
        assert caught.value.exit_code == 128 + sig


def test_the_first_stop_is_the_one_remembered(installed):
    _swallowed(signal.SIGHUP)
    _swallowed(signal.SIGTERM)
    with pytest.raises(Stopped) as caught:
        signals.check()
    assert caught.value.signum == signal.SIGHUP


def test_install_forgets_an_earlier_stop(installed):
    _swallowed(signal.SIGTERM)
    signals.install()
    signals.check()


def test_the_next_progress_line_ends_the_command(installed, capsys):
    _swallowed(signal.SIGTERM)
    with pytest.raises(Stopped):
        Progress(quiet=True)("validated the ADaM package")
    assert capsys.readouterr().err == ""


def test_a_swallowed_stop_leaves_the_earlier_package_in_place(installed, tmp_path):
    out = tmp_path / "build"
    out.mkdir()
    (out / "manifest.json").write_text(json.dumps({"tool": {"name": "sdtm-convert"}, "files": []}))
    with pytest.raises(Stopped), staged_output(out) as (stage, _):
        (stage / "manifest.json").write_text("new")
        _swallowed(signal.SIGTERM)
    assert json.loads((out / "manifest.json").read_text())["tool"]["name"] == "sdtm-convert"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]  # no staging folder, no lock file


def test_a_stop_during_the_swap_waits_for_it_and_says_the_new_package_is_kept(installed, tmp_path, monkeypatch, capsys):
    """SIGTERM arriving while the new package is swapped in is held back until the swap is done: the run then
    stops (exit 143) with the new package complete in place, and says so instead of "nothing was kept"."""
    from sdtm_convert.cli import main
    from sdtm_convert.package import staging
    from sdtm_convert.package.manifest import verify_manifest

    real = staging.note_swapped

    def stop_now(done: bool) -> None:
        if done:
            os.kill(os.getpid(), signal.SIGTERM)  # blocked during the swap: delivered when it is done
        real(done)

    monkeypatch.setattr(staging, "note_swapped", stop_now)
    monkeypatch.setenv("SDTM_CONVERT_JOBS", "1")
    out = tmp_path / "build"
    assert main(["run", "--out", str(out), "--quiet"]) == 143
    err = capsys.readouterr().err
    assert "stopped by SIGTERM after the new package was complete and in place" in err
    assert "nothing of this run was kept" not in err
    assert verify_manifest(out) == []
    assert sorted(p.name for p in tmp_path.iterdir()) == ["build"]
