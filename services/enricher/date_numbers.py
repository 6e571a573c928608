"""Number and unit words of time expressions, as the date rules read them.

>>> number("twenty four"), number("1.5"), number("few"), number("two and a half")
(24, 1.5, None, 2.5)
>>> duration_value(2.5, "years"), duration_value(1.5, "minutes"), duration_value(1.5, "days")
('P2Y6M', 'PT1M30S', 'P1DT12H')
>>> duration_value(3, "days"), duration_value(None, "decades"), duration_value(2, "hours")
('P3D', 'PXDE', 'PT2H')
"""

from __future__ import annotations

from shared.models import Grain

NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
    "hundred": 100,
}
# Unit word -> (ISO 8601 duration letter, grain of a date counted in it).
UNITS: dict[str, tuple[str, Grain]] = {
    "second": ("S", "second"),
    "minute": ("M", "minute"),
    "hour": ("H", "hour"),
    "day": ("D", "day"),
    "week": ("W", "week"),
    "month": ("M", "month"),
    "year": ("Y", "year"),
    "decade": ("DE", "decade"),
    "century": ("CE", "century"),
}


_HALF = (" and a half", " and one half", " 1/2", "\u00bd", "-and-a-half")


def number(text: str) -> float | None:
    text = " ".join(text.lower().split())
    for half in _HALF:  # "2 1/2 years", "two and a half years", "a minute and a half"
        if text.endswith(half) and text != half.strip():
            whole = number(text[: -len(half)])
            return None if whole is None else whole + 0.5
    if text in NUMBERS:
        return NUMBERS[text]
    tens, _, ones = text.replace("-", " ").partition(" ")
    if ones and tens in NUMBERS and ones in NUMBERS:  # "twenty four"
        return NUMBERS[tens] + NUMBERS[ones]
    try:
        return float(text)
    except ValueError:
        return None


# The unit a fraction is written in, and how many of it make one of the larger unit.
_SMALLER = {"year": ("M", 12), "day": ("TH", 24), "hour": ("M", 60), "minute": ("S", 60)}


def duration_value(n: float | None, unit: str) -> str:
    unit = unit.lower().rstrip("s").replace("centurie", "century")
    code, _ = UNITS[unit]
    if n is not None and n != int(n) and (smaller := _SMALLER.get(unit)):
        # TimeML writes a fraction in the next unit down: "2 1/2 years" is P2Y6M, "a minute and a half" PT1M30S.
        next_code, per = smaller
        rest = round((n - int(n)) * per)
        whole = f"{int(n)}{code}" if int(n) else ""
        return (
            ("PT" if unit in ("second", "minute", "hour") else "P")
            + whole
            + (f"{rest}{next_code}" if next_code != "TH" else f"T{rest}H")
        )
    if n is None:
        amount = "X"
    else:
        amount = str(int(n)) if n == int(n) else str(n)
    if code == "DE":
        return f"P{amount}0Y" if amount != "X" else "PXDE"
    if code == "CE":
        return f"P{amount}00Y" if amount != "X" else "PXCE"
    if unit in ("second", "minute", "hour"):
        return f"PT{amount}{code}"
    return f"P{amount}{code}"
