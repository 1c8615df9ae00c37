"""Put every language into one template: t() for the texts, a Liquid prelude for the choice.

Auth0 stores one template per page and per email, so each language lives in that one
template. The reader's language is worked out once, at the top, from the variables Auth0
renders with (a Liquid "prelude" assigning LANGUAGE); each text is then a `{% case %}` over
the languages whose text differs from the default's, so the markup is written once and only
the text grows with the languages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from jinja2.utils import htmlsafe_json_dumps
from markupsafe import Markup, escape

from ..auth0.languages import text_direction
from ..brand.catalogues import PLACEHOLDER, Translations
from ..errors import TemplateError, did_you_mean

# The Liquid variable the prelude assigns; named so no Auth0 variable can clash with it.
LANGUAGE = "brand_language"
# Unicode's first-strong and pop isolates: a value of one direction inside text of the
# other (an email address in Arabic) keeps its own order, and the punctuation around it
# stays where the translator put it. Plain characters, so they work in subjects too.
_ISOLATE, _POP = "\u2068", "\u2069"
# Addresses and links that a translator wrote into right-to-left text, isolated likewise.
_LEFT_TO_RIGHT_RUN = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+|https?://\S+[\w/]")


@dataclass(frozen=True)
class LiquidValue:
    """A placeholder's value that Auth0 fills in when it renders: `{{ expression }}`."""

    expression: str

    def __html__(self) -> str:
        return f"{{{{ {self.expression} }}}}"

    def __str__(self) -> str:
        return self.__html__()


def _script_string(text: str) -> str:
    # JSON's escapes, and <, >, & and ' as \u escapes, so no text ends the <script>.
    return str(htmlsafe_json_dumps(text, ensure_ascii=False))[1:-1]


_ESCAPERS: Mapping[str, Callable[[str], str]] = {
    "html": lambda text: str(escape(text)),
    "text": lambda text: text,
    "script": _script_string,
}


# Filled texts by catalogues, key, destination and values (`Localiser._texts`).
_FILLED: dict[tuple[object, ...], tuple[Translations, dict[str, str]]] = {}
_FILLED_MAX = 8192


def _shown(value: object) -> tuple[bool, str]:
    """Return how a placeholder's value is written: as markup, or as text to escape."""
    if isinstance(value, LiquidValue) or hasattr(value, "__html__"):
        return True, value.__html__()  # type: ignore[union-attr]
    return False, str(value)


def liquid(expression: str) -> LiquidValue:
    """Return the placeholder value `{{ expression }}`, e.g. liquid("user.name | escape")."""
    return LiquidValue(expression.strip())


@dataclass
class Localiser:
    """Give one output's templates `t()`, and remember what it read and whether it chose.

    `sources` are the Liquid variables that may name the reader's language, most trusted
    first (`user.user_metadata.lang`, `request_language`, `locale`).
    """

    translations: Translations
    sources: tuple[str, ...]
    used: set[str] = field(default_factory=set)
    chose: bool = False  # whether any text depends on the reader's language

    def t(self, into: str, key: str, **values: object) -> str:
        """Return the text `key` in every language, its placeholders filled with `values`.

        `into` is where it goes: "html" (escaped), "text" (a subject: as is) or "script" (a
        JavaScript string literal, quotes included, safe inside <script>).
        """
        if not isinstance(key, str) or not self.translations.has(key):
            known = self.translations.keys()
            raise TemplateError(
                f"unknown translation key '{key}'", None,
                did_you_mean(str(key), known) or
                f"add it to the '{self.translations.default}' catalogue")
        self.used.add(key)
        html = into != "text"
        texts = self._texts(key, into, values)
        if into == "script":
            texts = {language: f'"{text}"' for language, text in texts.items()}
        default = texts[self.translations.default]
        differing = [(lang, text) for lang, text in texts.items() if text != default]
        if not differing:
            return Markup(default) if html else default
        self.chose = True
        branches = "".join(f'{{% when "{lang}"\n%}}{text}' for lang, text in differing)  # short lines
        choice = f"{{% case {LANGUAGE} %}}{branches}{{% else %}}{default}{{% endcase %}}"
        return Markup(choice) if html else choice

    def language_tag(self) -> str:
        """Return Liquid printing the reader's language code, for `lang` attributes."""
        if len(self.translations.languages) == 1:
            return Markup(self.translations.default)
        self.chose = True
        return Markup(f"{{{{ {LANGUAGE} }}}}")

    def text_direction(self) -> str:
        """Return Liquid printing `rtl` or `ltr` for the reader's language, for `dir`."""
        rtl = [lang for lang in self.translations.languages if text_direction(lang) == "rtl"]
        if not rtl:
            return Markup("ltr")
        self.chose = True
        whens = "".join(f'{{% when "{lang}" %}}rtl' for lang in rtl)
        return Markup(f"{{% case {LANGUAGE} %}}{whens}{{% else %}}ltr{{% endcase %}}")

    def prelude(self) -> str:
        """Return the Liquid that assigns LANGUAGE, to put before everything else."""
        return language_prelude(self.sources, self.translations.languages,
                                self.translations.default)

    def _texts(self, key: str, into: str, values: Mapping[str, object]) -> dict[str, str]:
        """Return the text `key` in each language, filled; shared by the outputs of a build.

        A fleet's tenants ask for the same texts with the same values (all but those naming
        the tenant), so each is filled once per set of catalogues.
        """
        shown = tuple((name, *_shown(value)) for name, value in sorted(values.items()))
        memo_key = (id(self.translations), key, into, shown)
        held = _FILLED.get(memo_key)
        if held is not None and held[0] is self.translations:
            return held[1]
        texts = {language: self._fill(key, language, values, _ESCAPERS[into])
                 for language in self.translations.languages}
        if len(_FILLED) >= _FILLED_MAX:
            _FILLED.clear()
        _FILLED[memo_key] = (self.translations, texts)
        return texts

    def _fill(self, key: str, language: str, values: Mapping[str, object],
              escaped: Callable[[str], str]) -> str:
        message = self.translations.message(key, language)
        assert message is not None  # the default catalogue has every key t() accepts
        rtl = text_direction(language) == "rtl"
        missing = sorted(set(message.placeholders) - set(values))
        if missing:
            # No location: the template's line, where the call is, is what to fix.
            raise TemplateError(
                f"t('{key}') needs a value for {{{missing[0]}}}", None,
                f"call t('{key}', {missing[0]}=...) with text, liquid(\"...\") or markup")

        def plain(text: str) -> str:
            text = escaped(text)
            if rtl:
                text = _LEFT_TO_RIGHT_RUN.sub(lambda m: _ISOLATE + m.group() + _POP, text)
            return text

        def value(name: str) -> str:
            markup, text = _shown(values[name])
            shown = text if markup else escaped(text)
            return _ISOLATE + shown + _POP if rtl else shown

        pieces, last = [], 0
        for match in PLACEHOLDER.finditer(message.text):
            pieces.append(plain(message.text[last:match.start()]))
            pieces.append(value(match.group(1)))
            last = match.end()
        pieces.append(plain(message.text[last:]))
        return "".join(pieces)


def language_prelude(sources: Iterable[str], languages: Iterable[str], default: str) -> str:
    """Return Liquid assigning LANGUAGE from `sources`, the first that names one we have.

    Each source may be a bare tag (`fr`, `pt-BR`) or a header-like list
    (`fr-CA,fr;q=0.9`): its first tag is taken, matched whole (`pt-br` to pt-BR), then by
    its primary subtag (`fr-ca` to fr). Sources are tried from the least trusted up, each
    overriding the last, so the most trusted that matches wins; none matching leaves the
    default.
    """
    languages = list(dict.fromkeys(languages))
    whole = {lang.lower(): lang for lang in languages if "-" in lang}
    primary: dict[str, str] = {}
    for lang in sorted(languages, key=lambda code: "-" in code):  # a bare code wins its subtag
        primary.setdefault(lang.split("-")[0].lower(), lang)
    parts = [f'{{%- assign {LANGUAGE} = "{default}" -%}}']
    for source in reversed(tuple(sources)):
        parts.append(
            f'{{%- assign brand_tag = {source} | default: "" | downcase | replace: "_", "-" '
            '| split: "," | first | default: "" | split: ";" | first | default: "" '
            '| strip -%}')
        parts.append('{%- assign brand_subtag = brand_tag | split: "-" | first '
                     '| default: "" -%}')
        if whole:
            parts.append("{%- case brand_tag -%}" + "".join(
                f'{{%- when "{tag}" -%}}{{%- assign {LANGUAGE} = "{lang}" -%}}'
                for tag, lang in whole.items()) + "{%- else -%}")
        parts.append("{%- case brand_subtag -%}" + "".join(
            f'{{%- when "{tag}" -%}}{{%- assign {LANGUAGE} = "{lang}" -%}}'
            for tag, lang in primary.items()) + "{%- endcase -%}")
        if whole:
            parts.append("{%- endcase -%}")
    return "\n".join(parts)  # one tag a line: mail servers break lines over 998
