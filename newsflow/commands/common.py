"""What every command shares: the console, the per-process runtime, JSON and file-table output."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from functools import lru_cache
from typing import Any

import orjson
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from shared.runtime import Runtime
from shared.settings import get_settings
from shared.status import FileStatus

# Piped or captured output (make demo, CI logs) gets a readable width instead of rich's 80 columns.
console = Console(width=None if sys.stdout.isatty() else 130)


@lru_cache(maxsize=1)
def runtime() -> Runtime:
    """The process's runtime, built from the environment on first use (commands are entry points)."""
    return Runtime(get_settings())


def print_json(value: Any) -> None:
    sys.stdout.write(orjson.dumps(value, option=orjson.OPT_INDENT_2, default=str).decode() + "\n")


def print_file_table(statuses: Iterable[FileStatus]) -> None:
    statuses = list(statuses)
    table = Table("file", "state", "articles indexed", "reason")
    for s in statuses:
        counts = s.counts
        skipped = f" ({len(s.skipped)} of {s.records} records skipped)" if s.skipped else ""
        table.add_row(
            escape(s.filename),
            s.state,
            f"{counts.get('indexed', 0)}/{counts.get('expected', 0)}{skipped}",
            escape(s.reason or ""),
        )
    console.print(table)
    print_skips(statuses)


def print_skips(statuses: Iterable[FileStatus]) -> None:
    """One unwrapped line per file that skipped records, naming every reason (a table cell would fold it)."""
    for s in statuses:
        if s.skipped:
            console.print(f"- {escape(s.filename)} ({s.raw_id[:12]}): {escape(s.progress())}", soft_wrap=True)
