"""LiquidJS's `date` filters for the fallback renderer: its parsing, zones and strftime.

LiquidJS converts a date to its process's zone (`AUTH0_BRANDING_TZ`, else UTC, as
`liquidjs` runs it) and formats it with its own strftime: English names, `%c` as
JavaScript's en-US `toLocaleString`, flags `-_0^#:` and a width.
"""

from __future__ import annotations

import email.utils
import os
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from liquid import Undefined

from .liquidjs import DEFAULT_ZONE, ZONE_VARIABLE

DEFAULT_FORMAT = "%A, %B %-e, %Y at %-l:%M %P %z"
_CODE = re.compile(r"%([-_0^#:]+)?(\d+)?([EO])?(.)")
_ISO = re.compile(r"(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3})\d*)?)?"
                  r"\s*(Z|[+-]\d{2}:?\d{2})?)?", re.IGNORECASE)
_WIDTHS = {"C": 2, "d": 2, "e": 2, "H": 2, "I": 2, "j": 3, "k": 2, "l": 2, "L": 3, "m": 2,
           "M": 2, "S": 2, "U": 2, "W": 2, "y": 2, "Y": 4}
_SPACE_PADDED = frozenset("aAbBceklpP")
_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December")
_DAYS = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


class _Moment:
    """A date seen in one zone, with the zone's name as `%Z` prints it."""

    def __init__(self, when: datetime, zone: tzinfo, zone_name: str) -> None:
        self.local = when.astimezone(zone)
        self.zone_name = zone_name
        self.epoch = when.timestamp()

    def offset(self, colon: bool) -> str:
        minutes = int((self.local.utcoffset() or timedelta()).total_seconds() // 60)
        sign, minutes = ("-" if minutes < 0 else "+"), abs(minutes)
        return f"{sign}{minutes // 60:02d}{':' if colon else ''}{minutes % 60:02d}"


def _zone(name: str) -> tzinfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def _in_zone(argument: Any) -> tuple[tzinfo, str]:
    if isinstance(argument, (int, float)) and not isinstance(argument, bool):
        return timezone(timedelta(minutes=-argument)), ""  # minutes behind UTC, as in JS
    if isinstance(argument, str) and argument:
        return _zone(argument), argument
    name = os.environ.get(ZONE_VARIABLE, DEFAULT_ZONE)
    return _zone(name), name


def _parse(value: Any, zone: tzinfo) -> datetime | None:
    if value in ("now", "today"):
        return datetime.now(UTC)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return datetime.fromtimestamp(value, UTC)
    if not isinstance(value, str):
        return None
    text = value.strip()
    if text.isdigit():
        return datetime.fromtimestamp(int(text), UTC)
    found = _ISO.fullmatch(text)
    if found:
        year, month, day, hour, minute, second, milli, offset = found.groups()
        parts = (int(year), int(month), int(day), int(hour or 0), int(minute or 0),
                 int(second or 0), int((milli or "0").ljust(3, "0")) * 1000)
        if hour is None or offset:  # a date alone is UTC midnight, as in JavaScript
            sign = -1 if offset and offset[0] == "-" else 1
            digits = (offset or "Z").replace(":", "")[1:] if offset and offset != "Z" else ""
            shift = timedelta(hours=int(digits[:2]), minutes=int(digits[2:])) if digits else \
                timedelta()
            return datetime(*parts, tzinfo=timezone(sign * shift))
        return datetime(*parts, tzinfo=zone)  # a local time: the zone's
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=zone)


def _week(moment: datetime, start: int) -> int:
    weekday = (moment.isoweekday() % 7 - start + 7) % 7
    return (moment.timetuple().tm_yday - 1 - weekday + 7) // 7


def _ordinal(day: int) -> str:
    if day in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _clock(local: datetime) -> str:
    return f"{local.hour % 12 or 12}:{local.minute:02d}:{local.second:02d} " \
           f"{'AM' if local.hour < 12 else 'PM'}"


_CODES: dict[str, Callable[[_Moment, dict[str, bool]], object]] = {
    "a": lambda m, f: _DAYS[m.local.isoweekday() % 7][:3],
    "A": lambda m, f: _DAYS[m.local.isoweekday() % 7],
    "b": lambda m, f: _MONTHS[m.local.month - 1][:3],
    "h": lambda m, f: _MONTHS[m.local.month - 1][:3],
    "B": lambda m, f: _MONTHS[m.local.month - 1],
    "c": lambda m, f: f"{m.local.month}/{m.local.day}/{m.local.year}, {_clock(m.local)}",
    "C": lambda m, f: m.local.year // 100,
    "d": lambda m, f: m.local.day,
    "e": lambda m, f: m.local.day,
    "H": lambda m, f: m.local.hour,
    "I": lambda m, f: m.local.hour % 12 or 12,
    "j": lambda m, f: m.local.timetuple().tm_yday,
    "k": lambda m, f: m.local.hour,
    "l": lambda m, f: m.local.hour % 12 or 12,
    "L": lambda m, f: m.local.microsecond // 1000,
    "m": lambda m, f: m.local.month,
    "M": lambda m, f: m.local.minute,
    "p": lambda m, f: "AM" if m.local.hour < 12 else "PM",
    "P": lambda m, f: "am" if m.local.hour < 12 else "pm",
    "q": lambda m, f: _ordinal(m.local.day),
    "s": lambda m, f: int(m.epoch // 1),
    "S": lambda m, f: m.local.second,
    "u": lambda m, f: m.local.isoweekday(),
    "U": lambda m, f: _week(m.local, 0),
    "w": lambda m, f: m.local.isoweekday() % 7,
    "W": lambda m, f: _week(m.local, 1),
    "x": lambda m, f: f"{m.local.month}/{m.local.day}/{m.local.year}",
    "X": lambda m, f: _clock(m.local),
    "y": lambda m, f: m.local.year % 100,
    "Y": lambda m, f: m.local.year,
    "z": lambda m, f: m.offset(f.get(":", False)),
    "Z": lambda m, f: m.zone_name or m.offset(f.get(":", False)),
    "t": lambda m, f: "\t",
    "n": lambda m, f: "\n",
    "%": lambda m, f: "%",
}


def _format(moment: _Moment, match: re.Match[str]) -> str:
    flag_text, width, _modifier, code = match.groups()
    convert = _CODES.get(code)
    if convert is None:
        return match.group(0)
    flags = dict.fromkeys(flag_text or "", True)
    text = str(convert(moment, flags))
    pad = " " if code in _SPACE_PADDED else "0"
    size = int(width) if width else _WIDTHS.get(code, 0)
    if flags.get("^"):
        text = text.upper()
    elif flags.get("#"):
        text = text.upper() if any("a" <= c <= "z" for c in text) else text.lower()
    pad = " " if flags.get("_") else "0" if flags.get("0") else pad
    size = 0 if flags.get("-") else size
    if pad == "0" and text.startswith("-"):
        return "-" + text[1:].rjust(size - 1, pad)
    return text.rjust(size, pad)


def strftime(moment: _Moment, pattern: str) -> str:
    return _CODE.sub(lambda match: _format(moment, match), pattern)


def _moment(value: Any, zone_argument: Any = None) -> _Moment | None:
    zone, name = _in_zone(None if isinstance(zone_argument, Undefined) else zone_argument)
    when = _parse(None if isinstance(value, Undefined) else value, zone)
    return _Moment(when, zone, name) if when is not None else None


def date(value: Any, pattern: Any = None, zone: Any = None) -> Any:
    moment = _moment(value, zone)
    if moment is None:
        return value
    text = DEFAULT_FORMAT if pattern is None or isinstance(pattern, Undefined) else str(pattern)
    return strftime(moment, text)


def _stringify_date(value: Any, month: str, kind: Any, style: Any) -> Any:
    moment = _moment(value)
    if moment is None:
        return value
    day = moment.local.day
    if kind == "ordinal":
        pattern = f"{month} {day}%q, %Y" if style == "US" else f"{day}%q {month} %Y"
    else:
        pattern = f"%d {month} %Y"
    return strftime(moment, pattern)


DATE_FILTERS: dict[str, Callable[..., Any]] = {
    "date": date,
    "date_to_xmlschema": lambda value: date(value, "%Y-%m-%dT%H:%M:%S%:z"),
    "date_to_rfc822": lambda value: date(value, "%a, %d %b %Y %H:%M:%S %z"),
    "date_to_string": lambda value, kind=None, style=None: _stringify_date(value, "%b", kind,
                                                                           style),
    "date_to_long_string": lambda value, kind=None, style=None: _stringify_date(
        value, "%B", kind, style),
}

