"""Colour tokens: every DTCG 2025.10 colour space, alpha, gamut mapping, email blending, errors.

The sRGB values of out-of-gamut colours were checked once against color.js 0.5 (written by
the editors of CSS Color 4), whose `toGamut({method: "css"})` is the specification's
algorithm: `new Color("p3", [1, 0, 0]).to("srgb").toGamut({method: "css"})` gives #ff0b0c,
and so on for each row of OUT_OF_GAMUT.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from auth0_branding.brand.colours import (
    COLOUR_SPACES,
    WHITE,
    contrast,
    email_hex,
    page_css,
    parse_colour,
    srgb_hex,
)
from auth0_branding.brand.token_css import shown_value
from auth0_branding.brand.tokens import load_raw_tokens, resolve_tokens
from auth0_branding.brand.tokens.types import to_css
from auth0_branding.checks.contrast import ratio_text
from auth0_branding.errors import Location, TokenError

# colorSpace, components (DTCG), alpha 0.5: page CSS, Auth0's hex, an email's hex on white.
EVERY_SPACE = [
    ("srgb", [0.2, 0.4, 0.6], "#33669980", "#33669980", "#99b3cc"),
    ("srgb-linear", [0.2, 0.4, 0.6], "color(srgb-linear 0.2 0.4 0.6 / 0.5)", "#7caacb80", "#bdd4e5"),
    ("hsl", [210, 50, 40], "#33669980", "#33669980", "#99b3cc"),
    ("hwb", [210, 20, 40], "#33669980", "#33669980", "#99b3cc"),
    ("lab", [50, 20, -30], "lab(50 20 -30 / 0.5)", "#856caa80", "#c2b6d5"),
    ("lch", [50, 40, 250], "lch(50 40 250 / 0.5)", "#1380b780", "#89bfdb"),
    ("oklab", [0.6, -0.05, -0.1], "oklab(0.6 -0.05 -0.1 / 0.5)", "#3c87be80", "#9dc3de"),
    ("oklch", [0.6, 0.12, 250], "oklch(0.6 0.12 250 / 0.5)", "#4284c580", "#a0c2e2"),
    ("display-p3", [0.2, 0.4, 0.6], "color(display-p3 0.2 0.4 0.6 / 0.5)", "#1b689d80", "#8db3ce"),
    ("a98-rgb", [0.2, 0.4, 0.6], "color(a98-rgb 0.2 0.4 0.6 / 0.5)", "#00669c80", "#80b3ce"),
    ("prophoto-rgb", [0.2, 0.4, 0.6], "color(prophoto-rgb 0.2 0.4 0.6 / 0.5)", "#007a9080",
     "#80bcc8"),
    ("rec2020", [0.2, 0.4, 0.6], "color(rec2020 0.2 0.4 0.6 / 0.5)", "#00608880", "#80b0c4"),
    ("xyz-d65", [0.2, 0.2, 0.4], "color(xyz-d65 0.2 0.2 0.4 / 0.5)", "#697ba880", "#b4bdd4"),
    ("xyz-d50", [0.2, 0.2, 0.4], "color(xyz-d50 0.2 0.2 0.4 / 0.5)", "#5c7cc180", "#aebde0"),
]


def test_the_table_covers_every_space_the_format_allows() -> None:
    assert sorted(row[0] for row in EVERY_SPACE) == sorted(COLOUR_SPACES)
    assert len(COLOUR_SPACES) == 14


@pytest.mark.parametrize("space, components, page, auth0, email", EVERY_SPACE)
def test_each_space_keeps_its_alpha_in_every_target(space, components, page, auth0, email) -> None:
    colour = parse_colour({"colorSpace": space, "components": components, "alpha": 0.5})
    assert page_css(colour) == page
    assert srgb_hex(colour) == auth0
    assert email_hex(colour) == email


def test_alpha_is_kept_beside_a_hex_fallback() -> None:
    # The bug this module fixed: with `hex` present, `alpha` was dropped (#000000, opaque).
    value = {"colorSpace": "srgb", "components": [0, 0, 0], "alpha": 0.5, "hex": "#000000"}
    assert to_css("color", value, "c", Location("t.json", 1)) == ("#00000080", {})
    # Figma's muted text at alpha 0.7 stays distinct from the same colour opaque.
    muted = {"colorSpace": "srgb", "components": [0.1, 0.1, 0.1], "alpha": 0.7, "hex": "#1a1a1a"}
    assert srgb_hex(parse_colour(muted)) == "#1a1a1ab3"
    assert srgb_hex(parse_colour({**muted, "alpha": 1})) == "#1a1a1a"


def test_a_hex_alone_takes_the_objects_alpha() -> None:
    assert srgb_hex(parse_colour({"hex": "#336699", "alpha": 0.25})) == "#33669940"
    assert srgb_hex(parse_colour({"hex": "#33669980"})) == "#33669980"


def test_none_components_stay_none_where_css_reads_them() -> None:
    grey = parse_colour({"colorSpace": "oklch", "components": [0.5, 0, "none"]})
    assert page_css(grey) == "oklch(0.5 0 none)"
    assert srgb_hex(grey) == "#636363"  # powerless: 0 where a number is needed
    assert srgb_hex(parse_colour({"colorSpace": "srgb", "components": ["none", 1, 0]})) == "#00ff00"


@pytest.mark.parametrize("text, page", [
    ("#17201C14", "#17201c14"), ("#abc", "#aabbcc"), ("#abcd", "#aabbccdd"),
    ("rgb(1 2 3 / 50%)", "#01020380"), ("rgba(255, 0, 0, 0.25)", "#ff000040"),
    ("hsl(210 50% 40%)", "#336699"), ("rebeccapurple", "#663399"),
    ("oklch(0.6 0.12 250 / 0.5)", "oklch(0.6 0.12 250 / 0.5)"),
    ("color(display-p3 1 0 0)", "color(display-p3 1 0 0)"),
])
def test_css_colour_strings_are_read_as_before_and_more(text, page) -> None:
    assert page_css(parse_colour(text)) == page


# Wide-gamut colours mapped into sRGB with the CSS Color 4 algorithm (see the docstring).
OUT_OF_GAMUT = [
    ("display-p3", [1, 0, 0], "#ff0b0c"),
    ("oklch", [0.7, 0.3, 140], "#15c000"),
    ("rec2020", [0, 1, 0], "#00f272"),
    ("oklch", [0.45, 0.15, 255], "#0053a5"),
    ("display-p3", [0.1, 0.3, 0.6], "#004e9e"),
]


@pytest.mark.parametrize("space, components, expected", OUT_OF_GAMUT)
def test_out_of_gamut_colours_are_mapped_as_css_maps_them(space, components, expected) -> None:
    colour = parse_colour({"colorSpace": space, "components": components})
    assert srgb_hex(colour) == expected
    assert email_hex(colour) == expected  # opaque: nothing to blend


def test_gamut_mapping_keeps_the_hue_where_clipping_would_shift_it() -> None:
    green = parse_colour({"colorSpace": "oklch", "components": [0.7, 0.3, 140]})
    assert not green.in_gamut("srgb")
    clipped = green.convert("srgb").clip().to_string(hex=True)
    mapped = parse_colour(srgb_hex(green)).convert("oklch")
    assert clipped != srgb_hex(green)
    assert abs(mapped["hue"] - 140) < 3
    assert abs(mapped["lightness"] - 0.7) < 0.02


def test_an_srgb_colour_past_its_range_is_mapped_not_written_out_of_range() -> None:
    assert page_css(parse_colour({"colorSpace": "srgb", "components": [1.2, 0.5, -0.1]})) == (
        "#ff9f6b")


@pytest.mark.parametrize("colour, background, expected", [
    ("#00000080", "#ffffff", "#7f7f7f"),       # half black on white: mid grey
    ("#ff000080", "#0000ff", "#80007f"),       # onto the declared background, not white
    ("#00000080", "#0000ff00", "#7f7f7f"),     # a transparent background shows white
    ("#33669940", "#33669980", "#7f9fbf"),    # a translucent background lies on white first
    ("#336699", "#000000", "#336699"),         # opaque colours are unchanged
])
def test_emails_blend_alpha_onto_the_background(colour, background, expected) -> None:
    assert email_hex(parse_colour(colour), parse_colour(background)) == expected


def test_contrast_is_wcag_21s_and_blends_the_foreground_first() -> None:
    assert contrast(parse_colour("#000000"), WHITE) == pytest.approx(21)
    assert contrast(parse_colour("#777777"), WHITE) == pytest.approx(4.478, abs=0.001)
    # Half-transparent black reads as the grey it blends to.
    assert contrast(parse_colour("#00000080"), WHITE) == pytest.approx(
        contrast(parse_colour("#7f7f7f"), WHITE))
    assert ratio_text(4.4999) == "4.49:1"  # never rounded up past a threshold
    assert ratio_text(21.0) == "21.00:1"


def _resolve(tmp_path: Path, monkeypatch, value: object) -> str:
    monkeypatch.chdir(tmp_path)
    text = '{\n  "c": {\n    "$type": "color",\n    "x": {"$value": ' + json.dumps(value) + "}\n  }\n}\n"
    (tmp_path / "t.tokens.json").write_text(text, encoding="utf-8")
    return resolve_tokens(load_raw_tokens([Path("t.tokens.json")], Path("."))).css("c.x")


HINT = ('write "#1a2b3c", "oklch(0.6 0.15 250)" or {"colorSpace": "srgb", '
        '"components": [0.1, 0.2, 0.3]}')


@pytest.mark.parametrize("value, message", [
    ({"colorSpace": "oklhc", "components": [0.5, 0.1, 30]},
     "unknown colorSpace 'oklhc' (did you mean 'oklch'?)"),
    ({"colorSpace": "cmyk", "components": [0, 0, 0]},
     "unknown colorSpace 'cmyk' (use one of " + ", ".join(COLOUR_SPACES) + ")"),
    ({"colourSpace": "srgb", "components": [0, 0, 0]},
     "unknown key 'colourSpace' in the colour object (did you mean 'colorSpace'?)"),
    ({"colorSpace": "srgb"}, f"the colour object lacks components ({HINT})"),
    ({"colorSpace": "srgb", "components": [0, 0]},
     'components of a srgb colour must be a list of 3 numbers or "none" (write e.g. '
     '"components": [0.1, 0.2, 0.3])'),
    ({"colorSpace": "srgb", "components": [0, "0", 0]},
     'component \'0\' is not a number or "none" (write a number, or "none" for a powerless '
     "component)"),
    ({"colorSpace": "srgb", "components": [0, 0, 0], "alpha": 1.5},
     "alpha must be a number from 0 to 1, not 1.5 (write e.g. 0.5 for half transparent, 1 for "
     "opaque)"),
    ({"colorSpace": "srgb", "components": [0, 0, 0], "hex": "#00000g"},
     "hex '#00000g' is not a hex colour (write #rrggbb)"),
    ("#ff", f"not a colour CSS can read ({HINT})"),
    ("color(--hsv 0 0 0)", "colour space 'hsv' is not one the DTCG format allows (use one of "
     + ", ".join(COLOUR_SPACES) + ")"),
    (12, f"expected a colour object or a CSS colour string ({HINT})"),
])
def test_bad_colours_say_what_where_and_what_next(tmp_path, monkeypatch, value, message) -> None:
    with pytest.raises(TokenError) as caught:
        _resolve(tmp_path, monkeypatch, value)
    shown = shown_value(value)  # the value as the message shows it, shortened past 60
    assert str(caught.value) == f"t.tokens.json:4: invalid color value {shown} for 'c.x': {message}"
