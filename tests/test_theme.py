"""Auth0's theme as data: the colour test every stage shares, and the fields' ranges."""

from __future__ import annotations

import pytest

from auth0_branding.auth0.theme import THEME_FIELDS, THEME_GROUPS, is_color


@pytest.mark.parametrize("value", ["#abc", "#ABCD", "#a1b2c3", "#a1b2c3d4"])
def test_hex_colours_of_3_4_6_or_8_digits_are_colours(value: str) -> None:
    assert is_color(value)


@pytest.mark.parametrize("value", ["#ab", "#abcde", "#abcdefg", "abc", "#fff\n", " #fff",
                                   "red", 0xFFFFFF, None])
def test_anything_else_is_not_a_colour(value: object) -> None:
    assert not is_color(value)


def test_the_five_groups_auth0_requires() -> None:
    assert THEME_GROUPS == ("borders", "colors", "fonts", "page_background", "widget")


def test_every_number_and_font_field_has_a_range() -> None:
    ranged = [f for fields in THEME_FIELDS.values() for f in fields.values()
              if f.kind in ("number", "font")]
    assert ranged and all(f.low is not None and f.high is not None and f.low <= f.high
                          for f in ranged)
