"""Check the phone messages: type, Liquid, no HTML, the code, and SMS segments per language.

Each message is rendered as Auth0 would, once per language of the brand (`locale` set to
it), with sample values; what the reader would receive is what is judged.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from functools import partial
from typing import Any

import smsutil

from ..auth0.phone import (
    GSM7_PART,
    GSM7_SEGMENT,
    MAX_SEGMENTS,
    OTP_TYPES,
    PHONE_TYPES,
    SAMPLE_CODE,
    SAMPLE_DATA,
    UCS2_PART,
    UCS2_SEGMENT,
)
from ..brand.catalogues import Translations
from ..brand.sourcemap import SourceMap
from ..build.artifacts import Artifact
from ..build.cache import key_of
from ..build.phone import VOICE_SUFFIX
from ..build.stages import cached, problems_from_data, problems_to_data
from ..errors import Problem, TemplateError, did_you_mean
from ..render.liquid import check_liquid, render_liquid
from .messages import liquid_message
from .registry import Subject, check

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
# smsutil names the encoding it chose by its codec.
_ENCODINGS = {"gsm0338": ("GSM-7", GSM7_SEGMENT, GSM7_PART),
              "utf_16_be": ("UCS-2", UCS2_SEGMENT, UCS2_PART)}


@check("phone", kinds=("phone",))
def _phone(subject: Subject) -> Iterator[Problem]:
    artifact = subject.artifact
    if artifact.name not in PHONE_TYPES:
        hint = did_you_mean(artifact.name, PHONE_TYPES) or "its types: " + ", ".join(PHONE_TYPES)
        yield Problem("error", "phone-type",
                      f"'{artifact.name}' is not an Auth0 phone message type ({hint})",
                      SourceMap(artifact).file)
        return
    for part, text, where in _parts(artifact, subject.data):
        yield from _plain(artifact.name, part, text, where)


def check_phone_messages(translations: Translations | None,
                         artifacts: Iterable[Artifact]) -> Iterator[Problem]:
    """Render each message in every language: the code must show, the SMS fit its segments."""
    languages = translations.languages if translations is not None else ("en",)
    for artifact in artifacts:
        if artifact.kind != "phone" or artifact.name not in PHONE_TYPES:
            continue
        for part, text, where in _parts(artifact, json.loads(artifact.content)):
            # Tenants share their messages: each distinct one is rendered once per language.
            key = key_of("phone-check", artifact.name, part, text, list(languages),
                         where.file.path, where.file.line)
            found = cached("phone-check", key, partial(
                _rendered_data, artifact.name, part, text, where, languages))
            yield from problems_from_data(found, "", "")


def _parts(artifact: Artifact, data: Any) -> Iterator[tuple[str, str, SourceMap]]:
    """Yield ("text" | "voice", its Liquid, a source map of its file); the voice once only."""
    kind, body = artifact.name, data["content"]["body"]
    text_file = next((s for s in artifact.sources if s.endswith(f"/{kind}.txt")),
                     artifact.sources[0])
    voice_file = next((s for s in artifact.sources if s.endswith(f"/{kind}{VOICE_SUFFIX}")), None)
    yield "text", body["text"], SourceMap(replace(artifact, content=body["text"],
                                                  sources=(text_file,)))
    if voice_file is not None:
        yield "voice", body["voice"], SourceMap(replace(artifact, content=body["voice"],
                                                        sources=(voice_file,)))


def _plain(kind: str, part: str, text: str, where: SourceMap) -> Iterator[Problem]:
    for number, line in enumerate(text.split("\n"), 1):
        for match in _TAG.finditer(line):
            yield Problem("error", "phone-html",
                          f"the {part} of {kind} holds the HTML tag {match.group(0)!r}; phone "
                          "messages are plain text (remove it)",
                          where.at_output(number, match.group(0)))
    try:
        check_liquid(text, where.file.path)
    except TemplateError as error:
        yield Problem("error", "liquid-syntax",
                      liquid_message(error),
                      where.at_output(error.location.line if error.location else None))


def _rendered_data(kind: str, part: str, text: str, where: SourceMap,
                   languages: Iterable[str]) -> list[list[Any]]:
    return problems_to_data(_rendered(kind, part, text, where, languages))


def _rendered(kind: str, part: str, text: str, where: SourceMap,
              languages: Iterable[str]) -> Iterator[Problem]:
    for language in languages:
        try:
            # In process: a build never starts node (the code either prints or it doesn't).
            rendered = render_liquid(text, {**SAMPLE_DATA, "locale": language}, in_process=True)
        except TemplateError:
            return  # the syntax check reports it
        if kind in OTP_TYPES and SAMPLE_CODE not in rendered:
            yield Problem("error", "phone-code",
                          f"the {part} of {kind} never prints {{{{ code }}}} in '{language}', so "
                          "it carries no code (add {{ code }} where the code belongs)", where.file)
        if part != "text" or not rendered:
            continue
        split = smsutil.split(rendered)
        if len(split.parts) > MAX_SEGMENTS:
            encoding, single, multi = _ENCODINGS.get(split.encoding, (split.encoding, 0, 0))
            yield Problem("warning", "phone-segments",
                          f"{kind} needs {len(split.parts)} SMS segments in '{language}' "
                          f"({len(rendered)} characters in {encoding}: {single} fit in one "
                          f"segment, {multi} in each of several); shorten it to {MAX_SEGMENTS}",
                          where.file)
