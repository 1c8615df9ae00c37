"""Read the brand's translation catalogues: one per language, nested JSON or gettext PO.

A catalogue maps dotted keys (`emails.verify_email.title`) to plain text. Keys under
`prompts.<prompt>.<screen>.<key>` are Universal Login custom text; every other key is read
by the templates through `t()`. Everything wrong with a catalogue's content (a missing key,
a placeholder one language lacks, template syntax) is collected as a Problem with its line;
only a file that cannot be read at all stops the build.
"""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from babel.messages.pofile import PoFileError, read_po

from ..errors import Location, Problem, TranslationError, display_path, printable
from .json_lines import JsonKind, parse_json
from .sources import read_source

# `{name}`: a placeholder the template fills with a Liquid expression or a build-time value.
PLACEHOLDER = re.compile(r"(?<!\$)\{([A-Za-z_][A-Za-z0-9_]*)\}")
# `${clientName}`: a variable Auth0 itself fills in on the Universal Login screens.
AUTH0_VARIABLE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
# Template syntax of both engines. A translator must not be able to run code in a template,
# nor break one: the text is data, and the template decides what becomes Liquid.
_TEMPLATE_SYNTAX = re.compile(r"\[\[|\]\]|\[%|%\]|\[#|#\]|\{\{|\}\}|\{%|%\}")
# A brace that opens no placeholder would reach Auth0 as a literal `{`.
_STRAY_BRACE = re.compile(r"[{}]")
PROMPTS = "prompts"  # the section of a catalogue that holds Universal Login custom text
FORMATS = (".json", ".po")
TRANSLATIONS = JsonKind("translations", TranslationError,
                        "flatten the keys: a few levels such as emails.verify_email.title do")


@dataclass(frozen=True)
class Message:
    """One translated text and where it is written."""

    key: str
    text: str
    location: Location

    @property
    def placeholders(self) -> frozenset[str]:
        return frozenset(PLACEHOLDER.findall(self.text))

    @property
    def custom_text(self) -> bool:
        return self.key.startswith(PROMPTS + ".")


@dataclass(frozen=True)
class Catalogue:
    """One language's messages, by key."""

    language: str
    shown: str  # the file, as reports show it
    messages: Mapping[str, Message]


@dataclass(frozen=True)
class Translations:
    """Every language's catalogue, the default first, and what is wrong with them."""

    default: str
    languages: tuple[str, ...]  # the default first
    catalogues: Mapping[str, Catalogue]
    problems: tuple[Problem, ...] = ()
    # Texts an error was reported for (template syntax, other placeholders): never used,
    # so a refused text cannot reach an output, nor fail the build a second time.
    refused: frozenset[Message] = frozenset()

    def message(self, key: str, language: str) -> Message | None:
        """Return `language`'s text for `key`, else the default language's, else None."""
        own = self.catalogues.get(language)
        if own is not None and key in own.messages and own.messages[key] not in self.refused:
            return own.messages[key]
        fallback = self.catalogues[self.default].messages.get(key)
        if fallback is not None and fallback in self.refused:
            return Message(fallback.key, "", fallback.location)
        return fallback

    def has(self, key: str) -> bool:
        return key in self.catalogues[self.default].messages

    def keys(self) -> list[str]:
        """Return the default catalogue's keys, which every language is measured against."""
        return list(self.catalogues[self.default].messages)

    def custom_text(self) -> dict[str, dict[str, dict[str, dict[str, Message]]]]:
        """Return the custom text as {prompt: {language: {screen: {key: message}}}}.

        A language lacking a key gets no entry for it (Auth0 then shows its own text in that
        language), rather than the default language's text: a French page must not show
        one English button because a translation is late. The warning says so.
        """
        found: dict[str, dict[str, dict[str, dict[str, Message]]]] = {}
        for language in self.languages:
            catalogue = self.catalogues.get(language)
            for message in (catalogue.messages.values() if catalogue else ()):
                parts = message.key.split(".", 3)
                if message.custom_text and len(parts) == 4:
                    _, prompt, screen, key = parts
                    found.setdefault(prompt, {}).setdefault(language, {}).setdefault(
                        screen, {})[key] = message
        return found


def load_translations(
    folder: Path, root: Path, default: str, languages: Iterable[str], where: Location,
) -> Translations:
    """Read each language's catalogue from `folder` and check them against each other."""
    languages = tuple(dict.fromkeys((default, *languages)))
    problems: list[Problem] = []
    files = _catalogue_files(folder, where)
    read: list[tuple[str, str, str, str]] = []  # language, file shown, suffix, text
    for language in languages:
        paths = files.pop(language, [])
        if len(paths) > 1:
            raise TranslationError(
                f"two catalogues for '{language}': {', '.join(p.name for p in paths)}",
                Location(display_path(paths[1])), "keep one of them")
        if not paths:
            if language == default:
                raise TranslationError(
                    f"no catalogue for the default language '{language}'",
                    Location(display_path(folder)), f"add {language}.json (or {language}.po)")
            problems.append(_problem(
                "warning", "translation-missing",
                f"no catalogue for '{language}': every text falls back to '{default}'",
                Location(display_path(folder)), hint=f"add {language}.json"))
            continue
        read.append((language, display_path(paths[0]), paths[0].suffix,
                     read_source(paths[0], root, "translations")))
    for language, paths in sorted(files.items()):
        problems.append(_problem(
            "warning", "translation-unused",
            f"catalogue '{paths[0].name}' is for '{language}', which the brand does not list",
            Location(display_path(paths[0])),
            hint=f"add '{language}' to [languages] supported, or remove the file"))
    shared, found = _checked_catalogues(default, tuple(read))
    catalogues = dict(shared)  # the Catalogues are frozen; the mapping is the caller's own
    problems.extend(problem for problem, _ in found)
    refused = frozenset(message for problem, message in found
                        if problem.severity == "error" and message is not None)
    return Translations(default, languages, catalogues, tuple(problems), refused)


def _catalogue_files(folder: Path, where: Location) -> dict[str, list[Path]]:
    try:
        names = sorted(os.listdir(folder))
    except FileNotFoundError:
        raise TranslationError(f"no translations folder '{display_path(folder)}'", where,
                               "create it with one <language>.json per language") from None
    except OSError as error:
        raise TranslationError(f"cannot list the translations folder ({error.strerror})",
                               Location(display_path(folder)),
                               "make it readable by the user running the build") from error
    files: dict[str, list[Path]] = {}
    for name in names:
        stem, suffix = os.path.splitext(name)
        if suffix in FORMATS and not name.startswith("."):
            files.setdefault(stem, []).append(folder / name)
    return files


# The preview reloads the catalogues on every token edit, the build once per process:
# what follows from their texts is read and checked once per texts.
@lru_cache(maxsize=4)
def _checked_catalogues(default: str, read: tuple[tuple[str, str, str, str], ...]
                        ) -> tuple[Mapping[str, Catalogue], tuple[tuple[Problem, Message | None],
                                                                  ...]]:
    catalogues = {language: _catalogue(language, shown, suffix, text)
                  for language, shown, suffix, text in read}
    return catalogues, tuple(check_catalogues(catalogues, default))


def _catalogue(language: str, shown: str, suffix: str, text: str) -> Catalogue:
    if suffix == ".po":
        messages = dict(_po_messages(text, shown))
    else:
        messages = dict(_json_messages(text, shown))
    return Catalogue(language, shown, messages)


def _json_messages(text: str, shown: str) -> Iterator[tuple[str, Message]]:
    document = parse_json(text, shown, TRANSLATIONS)
    if not isinstance(document.data, dict):
        raise TranslationError("a catalogue must be a JSON object of keys and texts",
                               Location(shown, 1), 'write {"emails": {"verify_email": ...}}')
    seen: dict[str, Location] = {}
    pending: list[tuple[tuple[str, ...], Any]] = [((), document.data)]
    while pending:
        path, node = pending.pop()
        for name, value in node.items():
            keys = (*path, name)
            where = document.at(keys)
            key = ".".join(keys)
            if isinstance(value, dict):
                pending.append((keys, value))
                continue
            if not isinstance(value, str):
                raise TranslationError(
                    f"translation '{printable(key)}' must be text, not "
                    f"{_json_type(value)}", where, "write the text in double quotes")
            if key in seen:
                raise TranslationError(
                    f"key '{printable(key)}' is written twice (first on line "
                    f"{seen[key].line})", where, "keep one: nested and dotted keys are the same")
            seen[key] = where
            yield key, Message(key, value, where)


def _json_type(value: Any) -> str:
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "null"
    return "a number" if not isinstance(value, bool) else "true or false"


def _po_messages(text: str, shown: str) -> Iterator[tuple[str, Message]]:
    try:
        catalog = read_po(io.StringIO(text), abort_invalid=True)
    except PoFileError as error:
        # babel counts the failing line from 0, and its message repeats that number.
        line = error.lineno + 1 if isinstance(error.lineno, int) else None
        raise TranslationError(f"malformed PO file: cannot read '{printable(error.line)}'",
                               Location(shown, line),
                               "fix the PO syntax (msgfmt --check shows the same)") from error
    for entry in catalog:
        if not entry.id:
            continue  # the header
        where = Location(shown, entry.lineno)
        if isinstance(entry.id, tuple):
            raise TranslationError(f"plural message '{printable(entry.id[0])}' in a catalogue",
                                   where, "write one key per text; plural forms are not read")
        if entry.context:
            raise TranslationError(f"msgctxt '{printable(entry.context)}' on '{entry.id}'",
                                   where, "write the whole key as the msgid instead")
        # Untranslated and fuzzy (unreviewed) entries count as missing, as gettext treats them.
        if entry.string and not entry.fuzzy:
            yield str(entry.id), Message(str(entry.id), str(entry.string), where)


def check_catalogues(catalogues: Mapping[str, Catalogue], default: str
                     ) -> list[tuple[Problem, Message | None]]:
    """Return every problem of the catalogues' content, each with the text it is about."""
    problems: list[tuple[Problem, Message | None]] = []
    for catalogue in catalogues.values():
        for message in catalogue.messages.values():
            problems.extend((problem, message) for problem in _check_text(message))
    reference = catalogues[default]
    for language, catalogue in catalogues.items():
        if language == default:
            continue
        for key, message in reference.messages.items():
            own = catalogue.messages.get(key)
            if own is None:
                fallback = ("Auth0's own text" if message.custom_text
                            else f"the '{default}' text")
                problems.append((_problem(
                    "warning", "translation-missing",
                    f"'{key}' is not translated into '{language}'; {fallback} is used",
                    Location(catalogue.shown),
                    hint=f"add it to {os.path.basename(catalogue.shown)}"), None))
            elif not own.custom_text and own.placeholders != message.placeholders:
                problems.append((_placeholder_mismatch(own, message, default), own))
        for key, message in catalogue.messages.items():
            if key not in reference.messages:
                problems.append((_problem(
                    "warning", "translation-unused",
                    f"'{key}' is not in the '{default}' catalogue, so nothing reads it",
                    message.location, hint=f"add it to the '{default}' catalogue or remove it"),
                    message))
    return problems


def _check_text(message: Message) -> Iterator[Problem]:
    text, key, where = message.text, message.key, message.location
    if syntax := _TEMPLATE_SYNTAX.search(text):
        yield _problem("error", "translation-syntax",
                       f"'{key}' holds template syntax '{syntax.group()}'", where,
                       hint="translations are plain text: write {name} for a value the "
                       "template fills in")
    elif message.custom_text and (placeholder := PLACEHOLDER.search(text)):
        yield _problem("error", "translation-placeholder",
                       f"'{key}' uses {placeholder.group()}, but custom text has no "
                       "template to fill it", where,
                       hint="use one of Auth0's ${...} variables for the screen")
    elif not message.custom_text and (variable := AUTH0_VARIABLE.search(text)):
        yield _problem("error", "translation-placeholder",
                       f"'{key}' uses Auth0's {variable.group()}, which only custom text "
                       "knows", where, hint="write {name} and let the template fill it")
    elif _STRAY_BRACE.search(AUTH0_VARIABLE.sub("", PLACEHOLDER.sub("", text))):
        yield _problem("error", "translation-placeholder",
                       f"'{key}' has a brace that opens no placeholder", where,
                       hint="placeholders are written {name}")


def _placeholder_mismatch(own: Message, reference: Message, default: str) -> Problem:
    missing = sorted(reference.placeholders - own.placeholders)
    extra = sorted(own.placeholders - reference.placeholders)
    said = "; ".join(
        part for part in (
            f"lacks {', '.join('{' + n + '}' for n in missing)}" if missing else "",
            f"has {', '.join('{' + n + '}' for n in extra)} that '{default}' lacks" if extra
            else "",
        ) if part)
    return _problem("error", "translation-placeholder",
                   f"'{own.key}' {said}", own.location,
                   hint=f"use the same placeholders as the '{default}' text "
                   f"({reference.location.path}:{reference.location.line})")


def _problem(severity: str, code: str, message: str, location: Location, hint: str) -> Problem:
    return Problem(severity, code, f"{message} ({hint})", location)
