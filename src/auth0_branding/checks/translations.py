"""Check the translations as a whole: the catalogues' own problems, unused keys, custom text.

These look at the brand's catalogues rather than at one output, so they run once per build,
after every output is built (an unused key is one no output read).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from ..auth0 import prompts
from ..auth0.prompts import MAX_CUSTOM_VARIABLE_KEYS, PROMPTS
from ..brand.catalogues import AUTH0_VARIABLE, Message, Translations
from ..build.artifacts import Artifact
from ..errors import Problem, did_you_mean


def check_translations(translations: Translations | None, artifacts: Iterable[Artifact],
                       every_output: bool = True) -> list[Problem]:
    """Return the problems of the catalogues; unused keys only when `every_output` was built."""
    if translations is None:
        return []
    problems = list(translations.problems)
    if every_output:
        used = frozenset().union(*(a.translation_keys for a in artifacts))
        reference = translations.catalogues[translations.default]
        for key, message in reference.messages.items():
            if not message.custom_text and key not in used:
                problems.append(Problem(
                    "warning", "translation-unused",
                    f"'{key}' is not read by any template (read it with t('{key}'), or "
                    "remove it)", message.location))
    problems.extend(check_custom_text(translations))
    return problems


def check_custom_text(translations: Translations) -> Iterator[Problem]:
    """Check each custom text against Auth0's prompts, screens, keys and variables."""
    for prompt, by_language in sorted(translations.custom_text().items()):
        if prompt not in PROMPTS:
            hint = did_you_mean(prompt, PROMPTS) or "see Auth0's list of prompts"
            yield Problem("error", "custom-text-prompt", f"unknown prompt '{prompt}' ({hint})",
                          _first(by_language).location)
            continue
        screens = prompts.screens(prompt)
        for language, by_screen in by_language.items():
            for screen, by_key in sorted(by_screen.items()):
                if screen not in screens:
                    yield Problem(
                        "error", "custom-text-screen",
                        f"prompt '{prompt}' has no screen '{screen}' "
                        f"({did_you_mean(screen, screens) or 'its screens: ' + ', '.join(screens)})",
                        next(iter(by_key.values())).location)
                    continue
                yield from _check_screen(prompt, screen, language, by_key)


def _check_screen(prompt: str, screen: str, language: str,
                  by_key: dict[str, Message]) -> Iterator[Problem]:
    known = prompts.keys(prompt, screen)
    documented = prompts.keys_documented(prompt, screen)
    variables = prompts.variables(prompt, screen)
    custom = [m for k, m in by_key.items() if prompts.is_custom_variable_key(k)]
    if len(custom) > MAX_CUSTOM_VARIABLE_KEYS:
        yield Problem("error", "custom-text-variables",
                      f"screen '{screen}' has {len(custom)} var-* keys in '{language}'; Auth0 "
                      f"accepts {MAX_CUSTOM_VARIABLE_KEYS} (remove some)",
                      custom[MAX_CUSTOM_VARIABLE_KEYS].location)
    for key, message in sorted(by_key.items()):
        if prompts.is_custom_variable_key(key):
            continue
        if documented and key not in known:
            yield Problem("warning", "custom-text-key",
                          f"screen '{prompt}.{screen}' has no documented key '{key}'; Auth0 "
                          f"answers 400 to a key it does not accept "
                          f"({prompts.key_hint(prompt, screen, key) or 'check the key'})",
                          message.location)
            continue
        for variable in AUTH0_VARIABLE.findall(message.text):
            if documented and variable not in variables:
                shown = ", ".join(f"${{{v}}}" for v in sorted(variables)) or "none"
                yield Problem("warning", "custom-text-variable",
                              f"'{message.key}' uses ${{{variable}}}, which screen '{screen}' "
                              f"is not documented to fill (its variables: {shown})",
                              message.location)


def _first(by_language: dict[str, dict[str, dict[str, Message]]]) -> Message:
    for by_screen in by_language.values():
        for by_key in by_screen.values():
            for message in by_key.values():
                return message
    raise ValueError("a prompt without texts")  # custom_text() never yields one
