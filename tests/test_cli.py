"""The command line's help and reference: every option explained with its default, docs/cli.md in step."""

import argparse
import re
import subprocess
import sys
from pathlib import Path

import pytest

from sdtm_convert.cli import build_parser, main

REPO = Path(__file__).resolve().parents[1]
DOC = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")


def commands(parser: argparse.ArgumentParser, prefix: str = "") -> dict[str, argparse.ArgumentParser]:
    """Every (sub-)command's parser by its full name, e.g. ``"spec export"``."""
    found = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                full = f"{prefix} {name}".strip()
                nested = commands(sub, full)
                found |= nested or {full: sub}
    return found


def options(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [a for a in parser._actions if not isinstance(a, argparse._HelpAction | argparse._SubParsersAction)]


COMMANDS = commands(build_parser())


def test_every_command_is_in_the_reference_with_every_option():
    assert {"run", "sample", "validate", "rules", "diff", "trace", "xpt2json", "json2xpt", "spec export",
            "spec import"} <= set(COMMANDS)
    for name, parser in COMMANDS.items():
        section = DOC.split(f"\nsdtm-convert {name} ", 1)
        assert len(section) == 2, f"docs/cli.md has no usage line for {name}"
        for action in options(parser):
            for flag in action.option_strings:
                assert f"`{flag}" in DOC, f"docs/cli.md does not name {name} {flag}"
            if not action.option_strings:
                assert f"`{action.dest.upper()}`" in DOC or f"`{action.metavar}`" in DOC, f"{name} {action.dest}"


def test_the_reference_gives_the_exit_codes_that_differ_between_commands():
    rows = {m.group(1): m.group(0) for m in re.finditer(r"^\| `([a-z0-9 `/]+?)` \|.*$", DOC, flags=re.M)}
    assert "**differences found**" in rows["diff"] and "**no record of the subject**" in rows["trace"]
    assert "error findings" in rows["validate"] and "the study has errors" in rows["run"]
    assert "**3** an internal error" in DOC and "before any data is read" in DOC


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_option_has_help_naming_its_default(name):
    for action in options(COMMANDS[name]):
        if isinstance(action, argparse._VersionAction):
            continue
        flag = action.option_strings[0] if action.option_strings else action.dest
        assert action.help, f"{name} {flag} has no help text"
        takes_value = action.nargs != 0  # a flag (store_true) is off unless given; any other option states its default
        if action.option_strings and not action.required and takes_value:
            assert "default" in action.help, f"{name} {flag}: help does not say the default"
        if action.default not in (None, False, argparse.SUPPRESS):
            assert str(action.default) in action.help, f"{name} {flag}: default {action.default!r} not in help"


def test_top_level_help_has_examples_and_exit_codes_not_a_developer_note(capsys):
    with pytest.raises(SystemExit) as ex:
        main(["--help"])
    out = capsys.readouterr().out
    assert ex.value.code == 0 and "thin layer" not in out
    examples = out.split("examples:", 1)[1].split("exit status", 1)[0]
    for command in ("sdtm-convert run --out build", "sdtm-convert sample ", "sdtm-convert run s200 --out s200-build",
                    "sdtm-convert validate ", "sdtm-convert trace "):
        assert command in examples
    assert re.search(r"^  2  a usage error", out, flags=re.M) and re.search(r"^  3  an internal error", out, flags=re.M)


def test_run_help_states_the_row_convention():
    out = subprocess.run([sys.executable, "-m", "sdtm_convert.cli", "run", "--help"], capture_output=True, text=True,
                         timeout=60).stdout
    assert 'data row N, i.e. line N+1 of the CSV (line 1 is the header)' in out
    assert "--no-validate" in out and "(default: build)" in out


def test_sample_help_and_reference_name_every_fault():
    from sdtm_convert.sample import FAULTS

    fault = next(a for a in options(COMMANDS["sample"]) if "--fault" in a.option_strings)
    for name in FAULTS:
        assert name in fault.help and f"`{name}`" in DOC, name
