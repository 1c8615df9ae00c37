"""LiquidJS's filters where python-liquid's differ or are missing: the fallback renderer's.

LiquidJS renders the preview wherever node runs (`liquidjs`); these make python-liquid's
output, where it cannot, match LiquidJS 10.30 for the filters the differential corpus found
different: its five HTML entities, JavaScript's URI encoders, JavaScript numbers (no integer
division, halves rounded away from zero, `2` not `2.0`), and the filters python-liquid lacks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import math
import re
import unicodedata
import urllib.parse
from collections.abc import Callable, Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from liquid import Undefined
from liquid.stringify import to_liquid_string

_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&#34;", "'": "&#39;"}
_ESCAPED = re.compile("[&<>\"']")
_ENTITY = re.compile("&(amp|lt|gt|#34|#39);")
_UNESCAPED = {f"&{name};": char for char, name in
              (("&", "amp"), ("<", "lt"), (">", "gt"), ('"', "#34"), ("'", "#39"))}
# What JavaScript's encodeURIComponent and encodeURI leave as they are, beyond A-Z a-z 0-9 -_.~
_COMPONENT_SAFE = "!*'()"
_URI_SAFE = _COMPONENT_SAFE + ";,/?:@&=+$#[]"  # uri_escape restores [ and ] after encodeURI
_PRETTY_SAFE = frozenset("._~!$&'()+,;=@")
_LATIN = str.maketrans({**dict.fromkeys("àáâãäå", "a"), "æ": "ae", "ç": "c",
                        **dict.fromkeys("èéêë", "e"), **dict.fromkeys("ìíîï", "i"), "ð": "d",
                        "ñ": "n", **dict.fromkeys("òóôõöø", "o"), **dict.fromkeys("ùúûü", "u"),
                        "ý": "y", "ÿ": "y", "ß": "ss", "œ": "oe", "þ": "th", "ẞ": "SS",
                        "Œ": "OE", "Þ": "TH"})


def _plain(value: Any) -> Any:
    return None if isinstance(value, Undefined) else value


def _text(value: Any) -> str:
    """JavaScript-flavoured stringify: nil is '', numbers print as JavaScript prints them."""
    value = _plain(value)
    if value is None:
        return ""
    if isinstance(value, float):
        return to_liquid_string(js_number(value), False)
    return to_liquid_string(value, False)


def js_number(value: float | int) -> float | int:
    """Return `value` as JavaScript would print it: 3.0 is 3, 1e17 is 100000000000000000."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e21:
        return int(value)
    return value


def _number(value: Any) -> float | int:
    """LiquidJS's toNumber: numbers as they are, numeric strings parsed, anything else 0."""
    value = _plain(value)
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, (int, float)):
        return value
    try:
        text = str(value).strip()
        return int(text) if re.fullmatch(r"[+-]?\d+", text) else float(text)
    except (TypeError, ValueError):
        return 0


def _arithmetic(operation: Callable[[Any, Any], Any]) -> Callable[..., float | int]:
    def apply(value: Any, other: Any = 0) -> float | int:
        return js_number(operation(_number(value), _number(other)))

    return apply


def divided_by(value: Any, divisor: Any, integer_arithmetic: Any = False) -> float | int:
    """Divide as JavaScript does; `divided_by: 2, true` floors, as LiquidJS's third argument."""
    dividend, by = _number(value), _number(divisor)
    if by == 0:
        return math.copysign(math.inf, dividend) if dividend else math.nan
    quotient = dividend / by
    return math.floor(quotient) if integer_arithmetic else js_number(quotient)


def round_(value: Any, digits: Any = 0) -> float | int:
    """Round halves away from zero at `digits` decimals, on the number's decimal text."""
    number, places = _number(value), int(_number(digits))
    try:
        scaled = Decimal(repr(abs(number))).scaleb(places)
    except InvalidOperation:
        return number
    rounded = float(scaled.quantize(Decimal(1), rounding=ROUND_HALF_UP).scaleb(-places))
    return js_number(-rounded if number < 0 else rounded)


def escape(value: Any) -> str:
    return _ESCAPED.sub(lambda m: _ENTITIES[m.group()], _text(value))


def escape_once(value: Any) -> str:
    return escape(_ENTITY.sub(lambda m: _UNESCAPED[m.group()], _text(value)))


def url_encode(value: Any) -> str:
    return urllib.parse.quote(_text(value), safe=_COMPONENT_SAFE).replace("%20", "+")


def cgi_escape(value: Any) -> str:
    return urllib.parse.quote(_text(value), safe="").replace("%20", "+")


def uri_escape(value: Any) -> str:
    return urllib.parse.quote(_text(value), safe=_URI_SAFE)


def _slug_char(char: str, mode: str) -> bool:
    if mode == "ascii":
        return char.isascii() and char.isalnum()
    if mode == "pretty" and char in _PRETTY_SAFE:
        return True
    category = unicodedata.category(char)
    return category[0] in "LM" or category == "Nd"


def slugify(value: Any, mode: str = "default", cased: bool = False) -> str:
    text = _text(value)
    if mode == "latin":
        text = text.translate(_LATIN)
    if mode == "raw":
        text = re.sub(r"\s+", "-", text).strip("-")
    elif mode != "none":
        kept = "".join(c if _slug_char(c, mode) else "\0" for c in text)
        text = re.sub("\0+", "-", kept)
        text = text[1:] if text.startswith("-") else text
        text = text[:-1] if text.endswith("-") else text
    return text if cased else text.lower()


def _list(value: Any) -> list[Any]:
    value = _plain(value)
    if value is None:
        return []
    if isinstance(value, Sequence) and not isinstance(value, str):
        return list(value)
    return [value]


def array_to_sentence_string(value: Any, connector: Any = "and") -> Any:
    items, word = _list(value), _text(connector)
    if len(items) <= 1:
        return items[0] if items else ""
    if len(items) == 2:
        return f"{_text(items[0])} {word} {_text(items[1])}"
    return ", ".join(_text(i) for i in items[:-1]) + f", {word} {_text(items[-1])}"


def default(value: Any, fallback: Any = "", *, allow_false: Any = False) -> Any:
    value = _plain(value)
    if isinstance(value, (str, list, tuple)):
        return value if len(value) else fallback
    if value is False and allow_false:
        return False
    return fallback if value is None or value is False else value


def truncate(value: Any, length: Any = 50, ellipsis: Any = "...") -> Any:
    text, end, size = _text(value), _text(ellipsis), int(_number(length))
    return value if len(text) <= size else text[:max(size - len(end), 0)] + end


def _json(value: Any, space: Any = 0) -> str:
    indent = int(_number(space)) or None
    return json.dumps(_plain(value), indent=indent, ensure_ascii=False, default=str,
                      separators=(",", ": ") if indent else (",", ":"))


def to_integer(value: Any) -> float | int:
    value = _plain(value)
    if value is None:
        return 0
    try:
        return js_number(float(value)) if not isinstance(value, int) else value
    except (TypeError, ValueError):
        return math.nan


def _sha256(value: Any) -> str:
    return hashlib.sha256(_text(value).encode()).hexdigest()


def _hmac_sha256(value: Any, key: Any) -> str:
    return hmac.new(_text(key).encode(), _text(value).encode(), hashlib.sha256).hexdigest()


def _words(value: Any) -> int:
    text = _text(value).strip()
    return len(re.split(r"\s+", text)) if text else 0


def _mapping_free(value: Any) -> Any:
    # LiquidJS's array filters copy arrays; a hash is one element.
    return [value] if isinstance(value, Mapping) else _list(value)


FILTERS: dict[str, Callable[..., Any]] = {
    "plus": _arithmetic(lambda a, b: a + b),
    "minus": _arithmetic(lambda a, b: a - b),
    "times": _arithmetic(lambda a, b: a * b),
    "divided_by": divided_by,
    "round": round_,
    "escape": escape,
    "xml_escape": escape,
    "escape_once": escape_once,
    "url_encode": url_encode,
    "cgi_escape": cgi_escape,
    "uri_escape": uri_escape,
    "slugify": slugify,
    "squish": lambda value: re.sub(r"\s+", " ", _text(value)).strip(),
    "normalize_whitespace": lambda value: re.sub(r"\s+", " ", _text(value)),
    "number_of_words": lambda value, mode=None: _words(value),
    "array_to_sentence_string": array_to_sentence_string,
    "append": lambda value, other="": _text(value) + _text(other),
    "prepend": lambda value, other="": _text(other) + _text(value),
    "default": default,
    "truncate": truncate,
    "json": _json,
    "jsonify": _json,
    "inspect": _json,
    "to_integer": to_integer,
    "sha256": _sha256,
    "hmac_sha256": _hmac_sha256,
    "push": lambda value, item=None: [*_mapping_free(value), _plain(item)],
    "unshift": lambda value, item=None: [_plain(item), *_mapping_free(value)],
    "pop": lambda value: _mapping_free(value)[:-1],
    "shift": lambda value: _mapping_free(value)[1:],
}
