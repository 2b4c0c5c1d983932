"""``sdtm-convert batch``: many studies at once; here ``pool`` (``cli/_batch_pool.py``)."""

from __future__ import annotations

import argparse

from sdtm_convert.cli._batch_pool import register_pool, run_pool
from sdtm_convert.cli._command import Command, register


def add_arguments(batch: argparse.ArgumentParser) -> None:
    sub = batch.add_subparsers(dest="batch_command", required=True)
    register_pool(sub)


def run(args: argparse.Namespace) -> int:
    return {"pool": run_pool}[args.batch_command](args)


COMMAND = register(Command("batch", "many studies at once (pool)", add_arguments, run, position=100,
                           described=False))
