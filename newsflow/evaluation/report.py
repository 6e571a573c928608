"""The newsflow-vs-baseline table both evaluation commands print."""

from __future__ import annotations

from rich.table import Table


def comparison_table(title: str, result: dict, columns: dict[str, str], digits: dict[str, int]) -> Table:
    """One row per system ("newsflow", "baseline"); ``columns`` maps result keys to headers."""
    table = Table(title=title)
    table.add_column("system")
    for header in columns.values():
        table.add_column(header, justify="right")
    for name in ("newsflow", "baseline"):
        row = result[name]
        table.add_row(name, *(f"{row[key]:.{digits.get(key, 3)}f}" for key in columns))
    return table
