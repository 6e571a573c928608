"""Redis replies as text.

The clients here are built without ``decode_responses`` (the raw store and the dedup
signatures need bytes), so replies arrive as ``bytes``; redis-py types them as
``bytes | str`` because a client may decode. These helpers take either.

>>> text(b"indexed"), text("indexed")
('indexed', 'indexed')
>>> optional_text(None) is None
True
>>> text_mapping({b"state": b"parsed", "records": b"4"})
{'state': 'parsed', 'records': '4'}
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def text(value: bytes | str) -> str:
    return value.decode() if isinstance(value, bytes) else value


def optional_text(value: bytes | str | None) -> str | None:
    return None if value is None else text(value)


def text_members(reply: Iterable[object]) -> list[str]:
    """The members of a ``ZRANGE`` asked without scores (redis-py also types the scored shapes).

    >>> text_members([b"a1", b"b2"])
    ['a1', 'b2']
    """
    members = []
    for member in reply:
        if not isinstance(member, bytes | str):
            raise TypeError(f"expected a plain member, got {member!r} (asked with scores?)")
        members.append(text(member))
    return members


def text_mapping(reply: Mapping[bytes | str, bytes | str]) -> dict[str, str]:
    """A hash reply (``HGETALL``) with its fields and values as text."""
    return {text(field): text(value) for field, value in reply.items()}
