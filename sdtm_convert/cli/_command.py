"""A command of the command line, declared once: ``COMMAND = register(Command(...))`` in ``cli/<command>.py``.

``cli/__init__.py`` builds the parser from the registry (``load_plugins`` imports every ``cli/<command>.py``)
and lists the commands in ``position`` order: the top-level ``--help`` and docs/cli.md's command table.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from dataclasses import dataclass

from sdtm_convert.common.registry import Registry


class CommandError(Exception):
    """A command declared without what the parser needs (a programming error, raised at import)."""


@dataclass(frozen=True)
class Command:
    name: str  # sdtm-convert NAME
    help: str  # the line in the top-level help; with ``described``, also the command's own description
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[argparse.Namespace], int]  # calls one library function, renders, returns the exit status
    position: int  # place in the top-level help's command list (lowest first)
    epilog: str | None = None  # shown under the options of `sdtm-convert NAME --help`
    described: bool = True  # False: no description line and argparse's own formatter (xpt2json, spec)


COMMANDS: Registry[Command] = Registry("CLI command")


def register(command: Command) -> Command:
    """Add ``command`` to ``COMMANDS``; a command without a name, help, arguments or run, or a name or position
    already taken, fails here, at import."""
    missing = [f for f in ("name", "help") if not getattr(command, f)]
    missing += [f for f in ("add_arguments", "run") if not callable(getattr(command, f))]
    if missing:
        raise CommandError(f"CLI command {command.name!r} has no {' and no '.join(missing)}")
    taken = [c.name for c in COMMANDS.values() if c.position == command.position and c.name != command.name]
    if taken:
        raise CommandError(f"CLI command {command.name!r}: position {command.position} is taken by {taken[0]!r}")
    return COMMANDS.register(command.name, command)


def ordered() -> list[Command]:
    """The registered commands in the order the top-level help lists them."""
    return sorted(COMMANDS.values(), key=lambda c: c.position)
