"""The command line's contract: every command is one ``Command`` in ``cli/<command>.py``, registered once, and the
lists a user reads (the top-level ``--help``, docs/cli.md's command table) are the registry's, in its order."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from sdtm_convert.cli import main
from sdtm_convert.cli._command import COMMANDS, Command, CommandError, ordered, register
from sdtm_convert.common.registry import RegistryError

REPO = Path(__file__).resolve().parents[2]
NAMES = [c.name for c in ordered()]


def _help(capsys, argv: list[str]) -> tuple[int | str | None, str]:
    with pytest.raises(SystemExit) as ex:
        main(argv)
    return ex.value.code, capsys.readouterr().out


@pytest.mark.parametrize("name", NAMES)
def test_every_registered_command_has_working_help(name, capsys):
    code, out = _help(capsys, [name, "--help"])
    assert code == 0 and out.startswith(f"usage: sdtm-convert {name} ")


def test_each_command_module_registers_the_command_named_after_it():
    modules = sorted(p.stem for p in (REPO / "sdtm_convert" / "cli").glob("*.py") if not p.stem.startswith("_"))
    assert sorted(NAMES) == modules
    for name in modules:
        assert importlib.import_module(f"sdtm_convert.cli.{name}").COMMAND is COMMANDS[name]


def test_the_top_level_help_lists_the_registered_commands_in_order(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "200")
    code, out = _help(capsys, ["--help"])
    listed = out.split("  COMMAND\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert code == 0 and [line.split()[0] for line in listed] == NAMES
    assert [line.split(None, 1)[1] for line in listed] == [c.help for c in ordered()]


def test_the_reference_command_table_lists_the_registered_commands_in_order():
    doc = (REPO / "docs" / "cli.md").read_text(encoding="utf-8")
    table = doc.split("| command | what |\n|---|---|\n", 1)[1].split("\n\n", 1)[0]
    assert [re.match(r"\| \[`(\w+)", row).group(1) for row in table.splitlines()] == NAMES  # type: ignore[union-attr]


def test_a_command_registered_twice_fails():
    with pytest.raises(RegistryError, match="CLI command 'trace' is registered twice"):
        register(COMMANDS["trace"])
    assert NAMES == [c.name for c in ordered()]


def test_a_command_without_run_fails_the_contract():
    lost = Command("lost", "a command that does nothing", add_arguments=lambda p: None, run=None,  # type: ignore[arg-type]
                   position=1000)
    with pytest.raises(CommandError, match="CLI command 'lost' has no run"):
        register(lost)
    assert "lost" not in COMMANDS


def test_a_command_placed_where_another_is_fails():
    with pytest.raises(CommandError, match="position 10 is taken by 'run'"):
        register(Command("twin", "a second first command", add_arguments=lambda p: None, run=lambda a: 0, position=10))
    assert "twin" not in COMMANDS

