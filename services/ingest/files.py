"""Which files a user's arguments name (paths, folders, globs), and content hashes of files on disk."""

from __future__ import annotations

import glob
import hashlib
from collections.abc import Iterable, Iterator
from pathlib import Path


def expand_paths(items: Iterable[str]) -> Iterator[Path]:
    """Files named directly, found under folders (recursively) or matched by globs, in a stable order.

    Hidden files and links inside folders are skipped: a folder may hold editor
    swap files or links pointing anywhere on the machine.
    """
    for item in items:
        matches = sorted(glob.glob(item, recursive=True)) if glob.has_magic(item) else [item]
        for match in matches:
            path = Path(match)
            if path.is_dir():
                for child in sorted(path.rglob("*")):
                    if child.is_file() and not child.is_symlink() and not _hidden(child.relative_to(path)):
                        yield child
            else:
                yield path


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


def sha256_file(path: Path) -> str:
    """The raw id a file's bytes would get, read in blocks (for files too large to hold in memory)."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
