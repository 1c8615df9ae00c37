"""Auth0's Universal Login languages: the API's codes, their writing direction and names.

The codes are Auth0's spelling (`es-419`, `zh-CN`), not CLDR's (`es_419`, `zh_Hans_CN`).
Directions and names come from babel's CLDR data, loaded on first use: reading the locale
data of all 82 languages costs a third of a second, which a build that localises nothing
should not pay.
"""

from __future__ import annotations

import difflib
import logging
from functools import cache
from typing import TYPE_CHECKING, Any, Literal

if TYPE_CHECKING:
    from babel import Locale

log = logging.getLogger(__name__)

# auth0-python 6.8.0's PromptLanguageEnum, which equals TenantSettingsSupportedLocalesEnum.
LANGUAGES: tuple[str, ...] = (
    "am", "ar", "ar-EG", "ar-SA", "az", "bg", "bn", "bs", "ca-ES", "cnr", "cs", "cy", "da",
    "de", "el", "en", "en-CA", "es", "es-419", "es-AR", "es-MX", "et", "eu-ES", "fa", "fi",
    "fr", "fr-CA", "fr-FR", "gl-ES", "gu", "he", "hi", "hr", "hu", "hy", "id", "is", "it", "ja",
    "ka", "kk", "kn", "ko", "lt", "lv", "mk", "ml", "mn", "mr", "ms", "my", "nb", "nl", "nn",
    "no", "pa", "pl", "pt", "pt-BR", "pt-PT", "ro", "ru", "sk", "sl", "so", "sq", "sr", "sv",
    "sw", "ta", "te", "th", "tl", "tr", "uk", "ur", "vi", "zgh", "zh-CN", "zh-HK", "zh-MO",
    "zh-TW",
)
_BY_FOLDED = {code.lower(): code for code in LANGUAGES}

RTL_LANGUAGES: frozenset[str]  # computed on first use, see __getattr__

Direction = Literal["ltr", "rtl"]


@cache
def _locale(code: str) -> Locale | None:
    # Locale.parse follows CLDR's aliases (cnr -> sr_Latn_ME, tl -> fil_PH), which is right
    # for the script and so the direction, though not for the name.
    from babel import Locale, UnknownLocaleError  # a sixth of a second: only when asked

    try:
        return Locale.parse(code.replace("-", "_"))
    except (UnknownLocaleError, ValueError, TypeError):
        return None


def text_direction(language: str) -> Direction:
    """Return "rtl" when `language` is written right to left, else "ltr" (also when unknown)."""
    locale = _locale(language)
    if locale is None:
        log.debug("babel does not know %r; assuming left-to-right", language)
        return "ltr"
    return "rtl" if locale.character_order == "right-to-left" else "ltr"


@cache
def _rtl_languages() -> frozenset[str]:
    return frozenset(code for code in LANGUAGES if text_direction(code) == "rtl")


def __getattr__(name: str) -> Any:
    if name == "RTL_LANGUAGES":
        return _rtl_languages()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@cache
def display_name(language: str, in_language: str = "en") -> str:
    """Return the name of `language` in `in_language` (e.g. "Latin American Spanish").

    Prefer CLDR's name for the whole code, then "Language (Region)"; a code CLDR has no
    name for (cnr) is shown as itself rather than as the language it aliases.
    """
    names = _locale(in_language) or _locale("en")
    if names is None:  # babel without its English data: nothing better than the code
        return language
    whole = names.languages.get(language.replace("-", "_"))
    if whole:
        return str(whole)
    base, _, region = language.partition("-")
    name = names.languages.get(base)
    if not name:
        return language
    if not region:
        return str(name)
    place = names.territories.get(region.upper()) or region
    return f"{name} ({place})"


def closest_languages(code: str) -> list[str]:
    """Return Auth0's codes `code` was probably meant to be, best first (may be empty).

    Underscores and case are the usual mistakes (`fr_fr`, `PT-br`): a code equal to one of
    Auth0's once they are undone is the only suggestion; otherwise close spellings, then the
    regional variants of the same language.
    """
    folded = code.strip().replace("_", "-").lower()
    if folded in _BY_FOLDED:
        return [_BY_FOLDED[folded]]
    close = difflib.get_close_matches(folded, list(_BY_FOLDED), n=3, cutoff=0.8)
    base = folded.partition("-")[0]
    same_language = [c for c in _BY_FOLDED if c == base or c.startswith(base + "-")]
    ordered = dict.fromkeys([*close, *same_language])
    return [_BY_FOLDED[c] for c in ordered][:3]


def language_hint(code: str) -> str | None:
    """Return "did you mean 'fr-FR'?" for a code Auth0 does not know, or None."""
    if code in LANGUAGES:
        return None
    matches = closest_languages(code)
    if not matches:
        return None
    return "did you mean " + " or ".join(f"'{m}'" for m in matches) + "?"
