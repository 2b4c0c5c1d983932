"""Small text helpers shared by reports and consoles."""

from __future__ import annotations


def plural(count: int, noun: str) -> str:
    """``1 warning``, ``2 warnings``, ``12,345 records`` (a regular plural; thousands separated)."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"
