"""Sass compilation and the Sass dependencies that decide what a preview rebuilds."""

from __future__ import annotations

import pytest

from auth0_branding.build.styles import compile_css, style_sources
from auth0_branding.errors import BrandError, StyleError


@pytest.fixture
def styles(tmp_path):
    (tmp_path / "partials").mkdir()
    (tmp_path / "partials" / "_vars.scss").write_text("$gap: 4px;\n")  # no output of its own
    (tmp_path / "partials" / "_buttons.scss").write_text(
        '@import "vars";\n.button { padding: $gap; color: $color-primary; }\n')
    (tmp_path / "_unused.scss").write_text(".unused { color: red; }\n")
    (tmp_path / "page.scss").write_text('@import "tokens";\n@import "partials/buttons";\n')
    return tmp_path


def test_style_sources_follow_imports_including_variable_only_partials(styles):
    found = {p.name for p in style_sources(styles / "page.scss")}
    assert found == {"page.scss", "_buttons.scss", "_vars.scss"}


def test_an_unresolvable_import_makes_every_sass_file_a_dependency(styles):
    (styles / "page.scss").write_text('@import "tokens";\n@import "missing";\n')
    found = {p.name for p in style_sources(styles / "page.scss")}
    assert found == {"page.scss", "_buttons.scss", "_vars.scss", "_unused.scss"}


def test_tokens_arrive_as_a_virtual_import(styles):
    css = compile_css(styles / "page.scss", "$color-primary: #123456;\n")
    assert css.strip() == ".button{padding:4px;color:#123456}"


def test_sass_errors_name_the_file_and_line(styles, monkeypatch):
    monkeypatch.chdir(styles)
    with pytest.raises(StyleError) as caught:
        compile_css(styles / "page.scss", "$other: 1px;\n")
    assert str(caught.value) == ('partials/_buttons.scss:2: Sass error: Undefined variable: '
                                 '"$color-primary". (define it, or import the file that does)')


def test_an_edited_partial_is_never_served_from_the_cache(styles):
    first = compile_css(styles / "page.scss", "$color-primary: #123456;\n")
    (styles / "partials" / "_vars.scss").write_text("$gap: 9px;\n")
    second = compile_css(styles / "page.scss", "$color-primary: #123456;\n")
    assert "4px" in first and "9px" in second


def test_sass_errors_name_a_file_whose_folder_has_a_space(tmp_path, monkeypatch):
    folder = tmp_path / "my brand" / "styles"
    (folder / "partials").mkdir(parents=True)
    (folder / "partials" / "_buttons.scss").write_text(".b {\n  color: $nope;\n}\n")
    (folder / "page.scss").write_text('@import "tokens";\n@import "partials/buttons";\n')
    monkeypatch.chdir(tmp_path)
    with pytest.raises(StyleError) as caught:
        compile_css(folder / "page.scss", "$x: 1px;\n")
    assert str(caught.value.location) == "my brand/styles/partials/_buttons.scss:2"


def test_an_overrunning_compile_is_stopped_and_the_next_one_still_works(styles, monkeypatch):
    from auth0_branding.build import sass_worker

    monkeypatch.chdir(styles)
    (styles / "loop.scss").write_text("$i: 0;\n@while $i < 1 { .x { width: $i; } }\n")
    with pytest.raises(StyleError) as caught:
        sass_worker.run(str(styles / "loop.scss"), str(styles), "", None, time_limit=0.5)
    assert str(caught.value) == ("loop.scss: Sass compilation did not finish within 0.5 s "
                                 "(look for an endless @while or @for loop in the Sass)")
    css = compile_css(styles / "page.scss", "$color-primary: #654321;\n")
    assert css.strip() == ".button{padding:4px;color:#654321}"


def test_an_import_refused_in_a_partial_names_the_partial_and_its_line(styles, monkeypatch):
    monkeypatch.chdir(styles)
    (styles / "partials" / "_vars.scss").write_text('$gap: 4px;\n\n@import "/etc/hostname";\n')
    with pytest.raises(BrandError) as caught:
        compile_css(styles / "page.scss", "$color-primary: #123456;\n")
    assert str(caught.value) == ("partials/_vars.scss:3: @import '/etc/hostname' lies outside "
                                 "the brand folder (import only Sass files inside the brand "
                                 "folder)")


def test_plain_css_imports_are_left_to_the_browser_and_read_nothing(styles):
    (styles / "page.scss").write_text(
        '@import "tokens";\n@import "https://fonts.example/inter.css";\n@import "print.css";\n')
    (styles / "print.css").write_text(".never { read: yes; }\n")
    css = compile_css(styles / "page.scss", "")
    assert css.strip() == '@import "https://fonts.example/inter.css";@import url(print.css)'


def test_a_partial_that_now_wins_an_import_is_never_served_from_the_cache(styles):
    (styles / "page.scss").write_text('@import "tokens";\n@import "partials/accent";\n')
    (styles / "partials" / "accent.scss").write_text(".a { color: red; }\n")
    first = compile_css(styles / "page.scss", "")
    (styles / "partials" / "_accent.scss").write_text(".a { color: blue; }\n")
    second = compile_css(styles / "page.scss", "")
    assert (first.strip(), second.strip()) == (".a{color:red}", ".a{color:blue}")


def test_a_runaway_allocation_fails_the_compile_within_the_memory_limit(styles, monkeypatch):
    from auth0_branding.build import sass_worker

    monkeypatch.chdir(styles)
    monkeypatch.setattr(sass_worker, "MEMORY_LIMIT", 100 * 1024 * 1024)
    monkeypatch.setattr(sass_worker, "_current", None)  # a fresh worker, with that limit
    (styles / "grow.scss").write_text(
        '$s: "xxxxxxxxxxxxxxxx";\n@for $i from 1 through 40 { $s: $s + $s; }\n'
        ".a { b: str-length($s); }\n")
    try:
        with pytest.raises(StyleError) as caught:
            sass_worker.run(str(styles / "grow.scss"), str(styles), "", None)
    finally:
        sass_worker._worker()._stop()
    assert str(caught.value) == ("grow.scss: Sass compilation ran out of memory (look for an "
                                 "endless @while or @for loop, or a string or list that keeps "
                                 "growing)")


def test_an_entry_that_became_a_symlink_loop_is_left_for_the_compile_to_name(styles):
    (styles / "page.scss").unlink()
    (styles / "page.scss").symlink_to("other.scss")
    (styles / "other.scss").symlink_to("page.scss")
    assert style_sources(styles / "page.scss") == (styles / "page.scss",)
    with pytest.raises(BrandError) as caught:
        compile_css(styles / "page.scss", "")
    assert caught.value.message.startswith("symlink loop at ")
