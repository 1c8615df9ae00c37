"""Answer the Universal Login prompt endpoints: prompt settings, custom text and partials."""

from __future__ import annotations

from typing import Any

from ..auth0.languages import LANGUAGES
from ..auth0.partials import (
    MAX_PARTIAL_CHARS,
    PARTIAL_PROMPTS,
    insertion_points,
    partial_screens,
)
from ..auth0.plans import PARTIALS
from ..auth0.prompts import (
    MAX_CUSTOM_VARIABLE_KEYS,
    PROMPTS,
    is_custom_variable_key,
    keys,
    keys_documented,
    screens,
)
from . import schema
from .resources import ApiRequest, Reply, _json_object, _route
from .schema import HttpError
from .state import TenantState


def _path_enum(value: str, allowed: tuple[str, ...], name: str) -> str:
    # UNVERIFIED wording: the email templates' path error, with the prompt's parameter names.
    if value not in allowed:
        raise HttpError(
            400, f"Path validation error: 'No enum match for: \"{value}\"' on property {name}.",
            "invalid_uri",
        )
    return value


def _prompt_language(params: dict[str, str]) -> tuple[str, str]:
    return (_path_enum(params["prompt"], PROMPTS, "prompt"),
            _path_enum(params["language"], LANGUAGES, "language"))


def _check_screen(prompt: str, screen: str, texts: Any) -> None:
    if screen not in screens(prompt):
        # UNVERIFIED wording: modelled on Auth0's documented "Invalid key" message.
        raise HttpError(400, f'Invalid screen "{screen}" for prompt "{prompt}".')
    if not isinstance(texts, dict):
        schema.obj({})(texts, screen)
    custom = 0
    for key, text in texts.items():
        schema.string(text, f"{screen}.{key}")
        if is_custom_variable_key(key):
            custom += 1
        elif keys_documented(prompt, screen) and key not in keys(prompt, screen):
            # Auth0's message, e.g. Invalid key "editLinkScreenReadableText" in screen
            # "signup-password". (auth0-cli #382, auth0-deploy-cli #981).
            raise HttpError(400, f'Invalid key "{key}" in screen "{screen}".')
    if custom > MAX_CUSTOM_VARIABLE_KEYS:
        # UNVERIFIED wording; the limit of thirty per screen and language is documented.
        raise HttpError(
            400, f'Too many custom text variables in screen "{screen}" ({custom}), '
            f"maximum {MAX_CUSTOM_VARIABLE_KEYS}.")


def _custom_text_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    prompt, language = _prompt_language(params)
    return Reply(200, state.custom_text.get(prompt, {}).get(language, {}))


def _custom_text_put(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    prompt, language = _prompt_language(params)
    body = _json_object(request, at_least_one=False)
    for screen, texts in body.items():
        _check_screen(prompt, screen, texts)
    # The whole prompt and language is replaced: a screen left out is gone, {} removes all.
    stored = {screen: dict(texts) for screen, texts in body.items()}
    languages = state.custom_text.setdefault(prompt, {})
    if stored:
        languages[language] = stored
    else:
        languages.pop(language, None)
        if not languages:
            del state.custom_text[prompt]
    return Reply(200, stored)


def _settings_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, state.prompt_settings)


def _settings_patch(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    body = _json_object(request)
    schema.prompt_settings(body, "")
    state.prompt_settings.update({k: v for k, v in body.items() if v is not None})
    return Reply(200, state.prompt_settings)


def _partials_prompt(params: dict[str, str]) -> str:
    # The API's enum: `confirmation` is not in it (UNVERIFIED whether Auth0 takes it).
    return _path_enum(params["prompt"], PARTIAL_PROMPTS, "prompt")


def _check_partials(prompt: str, body: dict[str, Any]) -> dict[str, dict[str, str]]:
    stored: dict[str, dict[str, str]] = {}
    screens, points = partial_screens(prompt), insertion_points(prompt)
    for screen, slots in body.items():
        # UNVERIFIED wording, modelled on custom text's "Invalid screen".
        if screen not in screens:
            raise HttpError(400, f'Invalid screen "{screen}" for prompt "{prompt}".')
        if not isinstance(slots, dict):
            schema.obj({})(slots, screen)
        for point, html in slots.items():
            if point not in points:
                raise HttpError(400, f'Invalid insertion point "{point}" in screen "{screen}".')
            schema.string(html, f"{screen}.{point}")
            if len(html) > MAX_PARTIAL_CHARS:
                raise schema.invalid(
                    f"String is too long ({len(html)} chars), maximum {MAX_PARTIAL_CHARS}",
                    f"{screen}.{point}")
        stored[screen] = dict(slots)
    return stored


def _partials_get(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    return Reply(200, state.partials.get(_partials_prompt(params), {}))


def _partials_put(state: TenantState, request: ApiRequest, params: dict[str, str]) -> Reply:
    prompt = _partials_prompt(params)
    stored = _check_partials(prompt, _json_object(request, at_least_one=False))
    # The prompt's whole set is replaced: a screen left out is gone, {} removes them all.
    if stored:
        state.partials[prompt] = stored
    else:
        state.partials.pop(prompt, None)
    return Reply(200, stored)


_CUSTOM_TEXT = "prompts/{prompt}/custom-text/{language}"
_PARTIALS = "prompts/{prompt}/partials"
ROUTES = (
    _route("GET", "prompts", "read:prompts", _settings_get),
    _route("PATCH", "prompts", "update:prompts", _settings_patch),
    _route("GET", _CUSTOM_TEXT, "read:prompts", _custom_text_get),
    _route("PUT", _CUSTOM_TEXT, "update:prompts", _custom_text_put),
    _route("GET", _PARTIALS, "read:prompts", _partials_get, PARTIALS),
    _route("PUT", _PARTIALS, "update:prompts", _partials_put, PARTIALS),
)
