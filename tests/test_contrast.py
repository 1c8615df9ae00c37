"""The WCAG 2.2 contrast check: the theme's pairs and the emails' declared pairs, by the CLI.

Each case is the alpha fixture brand (translucent and wide-gamut colours, laid over the
minimal brand) with one edit; the check must report exactly the listed problems.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from brand_overlay import FIXTURES, make_brand, run_cli

ALPHA = FIXTURES / "alpha"
TOKENS = "brand/tokens/base.tokens.json"
BRAND = "brand/brand.toml"
TENANTS = "brand/tenants.toml"
AA_TEXT = "is below WCAG 2.2 AA for text, 4.5:1 (darken or lighten one of them)"

# What the alpha fixture itself reports: its muted text is black at alpha 0.5 (4:1 on white),
# and prod's primary, a translucent display-p3 blue, falls just short on white.
FIXTURE_WARNINGS = [
    ("warning", "contrast", "theme colors.input_labels_placeholders ({color.text.muted}) on "
     f"theme colors.input_background: contrast 4.00:1 {AA_TEXT}", TOKENS, 8),
    ("warning", "contrast", "email text {color.text.muted} on {color.background}: contrast "
     f"3.97:1 {AA_TEXT}", TOKENS, 8),
    ("warning", "contrast", "theme colors.primary_button_label on theme colors.primary_button "
     f"({{color.primary}}): contrast 4.46:1 {AA_TEXT}", BRAND, 50),
    ("warning", "contrast", "theme colors.links_focused_components ({color.primary}) on theme "
     f"colors.widget_background: contrast 4.46:1 {AA_TEXT}", TENANTS, 19),
    # Not contrast, but the fixture's too: alpha in branding colours is unverified at Auth0.
    *(("warning", "translucent-colour", f"branding.colors.{key} is translucent ({value}); Auth0 "
       "may not take alpha in branding colours (unverified), so check how it shows, or make "
       "the colour opaque", BRAND, line)
      for key, value, line in (("primary", "#0053a5e6", 22), ("primary", "#004e9ebf", 22),
                               ("page_background", "#f1f5f980", 23))),
]


def _check(tmp_path: Path, monkeypatch, edits: list[tuple[str, str, str]]):
    monkeypatch.chdir(tmp_path)
    brand = make_brand(ALPHA, tmp_path)
    for name, old, new in edits:
        path = brand / name
        text = path.read_text(encoding="utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return run_cli("check", "--brand", "brand", "--format", "json")


def test_the_fixture_warns_on_exactly_its_weak_pairs(tmp_path, monkeypatch) -> None:
    outcome = _check(tmp_path, monkeypatch, [])
    assert outcome.exception is None
    assert sorted(outcome.problems(), key=str) == sorted(FIXTURE_WARNINGS, key=str)
    assert outcome.exit_code == 0  # warnings only


@pytest.mark.parametrize("edits, added", [
    # Light grey body text on the widget: the token's own file and line.
    ([("tokens/base.tokens.json", '"components": [0.1, 0.1, 0.1], "alpha": 0.9',
       '"components": [0.75, 0.75, 0.75], "alpha": 0.9')],
     [("warning", "contrast", "theme colors.body_text ({color.text.body}) on theme "
       f"colors.widget_background: contrast 1.72:1 {AA_TEXT}", TOKENS, 7)]),
    # A literal focus colour in brand.toml: a component needs 3:1, reported at its key.
    ([("brand.toml", "[theme.colors]\n", '[theme.colors]\nbase_focus_color = "#cccccc"\n')],
     [("warning", "contrast", "theme colors.base_focus_color on theme colors.widget_background: "
       "contrast 1.60:1 is below WCAG 2.2 AA for user-interface components, 3:1 (darken or "
       "lighten one of them)", BRAND, 40)]),
    # A transparent widget shows the page through it: the header, the page's own colour,
    # vanishes (1:1) on it.
    ([("brand.toml", 'widget_background = "#ffffff"', 'widget_background = "#00000000"'),
      ("brand.toml", 'background_color = "#ffffff"', 'background_color = "#1e212a"')],
     "transparent-widget"),
    # An email component pair: the button against its card.
    ([("brand.toml", "email_text = [", 'email_components = [["{color.veil}", '
       '"{color.background}"]]\nemail_text = [')],
     [("warning", "contrast", "email component {color.veil} on {color.background}: contrast "
       "1.04:1 is below WCAG 2.2 AA for user-interface components, 3:1 (darken or lighten one "
       "of them)", TOKENS, 10)]),
])
def test_weak_pairs_are_reported_at_their_token(tmp_path, monkeypatch, edits, added) -> None:
    outcome = _check(tmp_path, monkeypatch, edits)
    assert outcome.exception is None
    # A line added to [theme.colors] moves the primary_button_label key one line down.
    moved = 1 if "base_focus_color" in str(edits) else 0
    expected = [(*p[:4], p[4] + moved) if p[3] == BRAND and p[4] > 39 else p
                for p in FIXTURE_WARNINGS]
    if added == "transparent-widget":
        header = ("warning", "contrast", "theme colors.header on theme colors.widget_background: "
                  f"contrast 1.00:1 {AA_TEXT}", BRAND, 42)
        assert header in outcome.problems()
        return
    assert sorted(outcome.problems(), key=str) == sorted(expected + added, key=str)


def test_a_pair_naming_a_token_that_is_not_a_colour_is_an_error(tmp_path, monkeypatch) -> None:
    outcome = _check(tmp_path, monkeypatch, [(
        "brand.toml", '[["{color.text.muted}", "{color.background}"]]',
        '[["{color.text.muted}", "{color.background}"], ["{size.gap}", "{color.background}"]]')])
    assert ("error", "contrast-pair", "{size.gap} in pair 2 of colours.email_text is a dimension "
            "token; name a colour token", BRAND, 100) in outcome.problems()
    assert outcome.exit_code == 1


MUTED_PAIR = 'email_text = [["{color.text.muted}", "{color.background}"]]'
BACKGROUND = 'email_background = "{color.background}"'


@pytest.mark.parametrize("old, new, line, message", [
    (MUTED_PAIR, 'email_text = [["{color.text.muted}"]]', 100,
     "'colours.email_text' must pair two tokens, a foreground and its background (write "
     'e.g. ["{color.text.body}", "{color.surface.card}"])'),
    (MUTED_PAIR, 'email_text = [["#000000", "{color.background}"]]', 100,
     "'colours.email_text' holds '#000000', not a token alias (write a colour token's "
     'path in braces, such as "{color.text.body}")'),
    (BACKGROUND, 'email_background = "{color.bakground}"', 99,
     "unknown token reference '{color.bakground}' in 'colours.email_background' (did you "
     "mean 'color.background'?)"),
    (BACKGROUND, 'email_background = "{size.gap}"', 99,
     "colours.email_background is not a colour: 'size.gap' is a dimension token (reference "
     "a colour token)"),
    (BACKGROUND, 'email_background = "paper"', 99,
     "colours.email_background is not a colour: not a colour CSS can read (write "
     '"#1a2b3c", "oklch(0.6 0.15 250)" or {"colorSpace": "srgb", "components": '
     "[0.1, 0.2, 0.3]})"),
])
def test_a_bad_colours_table_says_what_where_and_what_next(tmp_path, monkeypatch, old, new,
                                                          line, message) -> None:
    outcome = _check(tmp_path, monkeypatch, [("brand.toml", old, new)])
    assert outcome.exit_code == 1
    assert outcome.problems() == [("error", "build", message, BRAND, line)]


def test_equal_themes_report_the_token_each_tenant_took(tmp_path, monkeypatch) -> None:
    # prod overrides the muted text with the same colour: its theme is dev's, byte for byte,
    # but its warning belongs at the override.
    outcome = _check(tmp_path, monkeypatch, [(
        "tenants.toml", '"color.primary" = { colorSpace = "display-p3", components = [0.1, 0.3, '
        '0.6], alpha = 0.75 }',
        '"color.text.muted" = { colorSpace = "srgb", components = [0, 0, 0], alpha = 0.5 }')])
    muted = ("warning", "contrast", "theme colors.input_labels_placeholders ({color.text.muted}) "
             f"on theme colors.input_background: contrast 4.00:1 {AA_TEXT}")
    problems = outcome.problems()
    assert (*muted, TOKENS, 8) in problems
    assert (*muted, TENANTS, 19) in problems
