"""One brand in several languages: catalogues, t(), the language prelude, custom text."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, make_brand, run_cli
from hostile import assert_refused, case

from auth0_branding.build.builder import build
from auth0_branding.render.liquid import render_liquid

MULTILINGUAL = FIXTURES / "multilingual"
EN, FR, AR = "brand/translations/en.json", "brand/translations/fr.json", "brand/translations/ar.json"
FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return make_brand(MULTILINGUAL, tmp_path)


def _outputs(brand: Path) -> dict[str, str]:
    return {a.path: a.content for a in build(brand).artifacts}


def _visible(html: str) -> list[str]:
    return [cell for cell in re.findall(r"<td>(.*?)</td>", html)]


# -- the build's outputs ----------------------------------------------------------------------


def test_every_language_is_one_email_choosing_its_text_at_the_top(brand: Path) -> None:
    outputs = _outputs(brand)
    email = outputs["dev/emails/verify_email.html"]
    cases = {
        "fr": ({"request_language": "fr"}, "Bonjour Zoé,", "ltr"),
        "header-like": ({"request_language": "fr-FR,fr;q=0.9"}, "Bonjour Zoé,", "ltr"),
        "ar": ({"request_language": "ar-EG"}, f"مرحبًا {FSI}Zoé{PDI}،", "rtl"),
        "unsupported": ({"request_language": "es"}, "Hi Zoé,", "ltr"),
        "none": ({}, "Hi Zoé,", "ltr"),
        # The user's own choice beats what the browser asked for.
        "metadata": ({"request_language": "fr", "user": {"user_metadata": {"lang": "ar"}}},
                     f"مرحبًا {FSI}Zoé{PDI}،", "rtl"),
        "metadata-case": ({"user": {"user_metadata": {"lang": "FR_ca"}}}, "Bonjour Zoé,",
                          "ltr"),
    }
    for name, (data, greeting, direction) in cases.items():
        user = {"given_name": "Zoé", **data.get("user", {})}
        rendered = render_liquid(email, {**data, "user": user})
        assert _visible(rendered)[0] == greeting, name
        assert f'dir="{direction}"' in rendered.split(">", 2)[1], name
    arabic = render_liquid(email, {"request_language": "ar"})
    assert '<html lang="ar" dir="rtl">' in arabic
    # An address the translator wrote into Arabic text keeps its own direction.
    assert f"{FSI}help@minimal.example{PDI}." in _visible(arabic)[2]


def test_subjects_choose_their_language_themselves(brand: Path) -> None:
    settings = json.loads(_outputs(brand)["dev/emails/verify_email.json"])
    subject = settings["subject"]
    assert render_liquid(subject, {"request_language": "fr"}) == (
        "Confirmez votre adresse pour Minimal Dev")
    assert render_liquid(subject, {}) == "Verify your email for Minimal Dev"
    assert render_liquid(subject, {"request_language": "ar"}) == (
        f"أكّد بريدك الإلكتروني لدى {FSI}Minimal Dev{PDI}")


def _with_languages(brand: Path, supported: str) -> str:
    toml = brand / "brand.toml"
    toml.write_text(re.sub(r"supported = \[.*\]", f"supported = {supported}", toml.read_text()))
    return _outputs(brand)["dev/emails/verify_email.html"]


def test_the_markup_is_written_once_whatever_the_number_of_languages(brand: Path) -> None:
    one = _with_languages(brand, "[]")
    two = _with_languages(brand, '["fr"]')
    three = _with_languages(brand, '["fr", "ar"]')
    assert one.count("<td>") == two.count("<td>") == three.count("<td>") == 3
    assert "case" not in one and "brand_language" not in one
    added = len(three.encode()) - len(two.encode())
    # Ten times the markup: a language still adds exactly as many bytes, its texts and their
    # branches, so the size grows with the text and never with markup x languages.
    layout = brand / "templates/layouts/email.html"
    layout.write_text(layout.read_text().replace(
        "</table>", "<tr><td class=\"x\">&nbsp;</td></tr>\n" * 200 + "</table>"))
    assert len(_with_languages(brand, '["fr", "ar"]').encode()) - len(
        _with_languages(brand, '["fr"]').encode()) == added
    arabic = json.loads((brand / "translations/ar.json").read_text())["emails"]["verify_email"]
    texts = sum(len(arabic[k].encode()) for k in ("greeting", "button", "help"))
    assert texts < added < 4 * texts


def test_a_text_every_language_shares_is_written_once(brand: Path) -> None:
    for name in ("fr.json", "ar.json"):
        path = brand / "translations" / name
        data = json.loads(path.read_text())
        data["emails"]["verify_email"]["button"] = "Verify"
        path.write_text(json.dumps(data, ensure_ascii=False))
    email = _outputs(brand)["dev/emails/verify_email.html"]
    assert '">Verify</a>' in email


def test_pages_read_the_language_auth0_renders_them_with(brand: Path) -> None:
    page = _outputs(brand)["dev/pages/error_page.html"]
    assert "Une erreur est survenue" in render_liquid(page, {"lang": "fr"})
    arabic = render_liquid(page, {"lang": "ar"})
    assert '<h1 dir="rtl">حدث خطأ ما</h1>' in arabic
    assert "Something went wrong" in render_liquid(page, {"lang": "de"})


def test_texts_inside_a_script_are_javascript_strings_that_cannot_end_it(brand: Path) -> None:
    page = brand / "templates/pages/error_page.html"
    page.write_text(page.read_text().replace(
        "[% endblock %]",
        '  <script>var title = [[ t_script("pages.error_page.title") ]];</script>\n'
        "[% endblock %]"))
    _edit(FR, _set("pages", "error_page", "title", value='Erreur "grave" </script>'))(brand)
    rendered = render_liquid(_outputs(brand)["dev/pages/error_page.html"], {"lang": "fr"})
    assert 'var title = "Erreur \\"grave\\" \\u003c/script\\u003e";' in rendered
    arabic = render_liquid(_outputs(brand)["dev/pages/error_page.html"], {"lang": "ar"})
    assert 'var title = "حدث خطأ ما";' in arabic  # readable, not \\u escapes


def test_custom_text_is_one_put_body_per_prompt_and_language(brand: Path) -> None:
    outputs = _outputs(brand)
    folder = "dev/prompts/login/custom-text"
    assert json.loads(outputs[f"{folder}/fr.json"]) == {"login": {
        "title": "Bon retour parmi nous", "description": "Connectez-vous à ${companyName}"}}
    # Arabic lacks the description: Auth0's own Arabic text shows, not the English one.
    assert json.loads(outputs[f"{folder}/ar.json"]) == {"login": {"title": "مرحبًا بعودتك"}}
    assert json.loads(outputs["dev/languages.json"]) == {"enabled_locales": ["en", "fr", "ar"]}


def test_a_language_without_texts_for_a_prompt_clears_it(brand: Path) -> None:
    path = brand / "translations" / "ar.json"
    data = json.loads(path.read_text())
    del data["prompts"]
    path.write_text(json.dumps(data, ensure_ascii=False))
    assert json.loads(_outputs(brand)["dev/prompts/login/custom-text/ar.json"]) == {}


def test_po_catalogues_read_like_json_ones_and_skip_fuzzy_entries(brand: Path) -> None:
    (brand / "translations" / "fr.json").unlink()
    (brand / "translations" / "fr.po").write_text(
        'msgid ""\nmsgstr ""\n"Language: fr\\n"\n\n'
        'msgid "emails.verify_email.subject"\nmsgstr "Confirmez votre adresse pour {company}"\n\n'
        'msgid "emails.verify_email.greeting"\nmsgstr "Bonjour {name},"\n\n'
        '#, fuzzy\nmsgid "emails.verify_email.button"\nmsgstr "Confirmer ?"\n\n'
        'msgid "emails.verify_email.help"\nmsgstr ""\n', encoding="utf-8")
    result = build(brand)
    email = next(a.content for a in result.artifacts if a.path == "dev/emails/verify_email.html")
    rendered = render_liquid(email, {"request_language": "fr", "user": {"given_name": "Zoé"}})
    assert _visible(rendered)[:2] == ["Bonjour Zoé,", '<a class="button" href="" '
                                      'style="background:#05a; padding:16px">Verify</a>']
    missing = {p.message.split(";")[0] for p in result.translations.problems
               if p.code == "translation-missing" and "'fr'" in p.message}
    assert "'emails.verify_email.button' is not translated into 'fr'" in missing
    assert "'emails.verify_email.help' is not translated into 'fr'" in missing


# -- what the checks say ----------------------------------------------------------------------


def _edit(path: str, change: Callable[[dict], None]) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        file = brand.parent / path
        data = json.loads(file.read_text(encoding="utf-8"))
        change(data)
        file.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return mutate


def _set(*keys: str, value: object) -> Callable[[dict], None]:
    def change(data: dict) -> None:
        for key in keys[:-1]:
            data = data.setdefault(key, {})
        data[keys[-1]] = value
    return change


def _problems(brand: Path, *args: str) -> list[tuple[str, str, str, str | None, int | None]]:
    outcome = run_cli("check", "--brand", str(brand.name), "--format", "json", *args)
    return outcome.problems()


# (id, mutation, expected problems that are not the fixture's own ar.json warning)
CHECKS = [
    ("placeholder-missing", _edit(FR, _set("emails", "verify_email", "greeting",
                                           value="Bonjour,")),
     [("error", "translation-placeholder", "'emails.verify_email.greeting' lacks {name} (use "
       "the same placeholders as the 'en' text (brand/translations/en.json:5))", FR, 5)]),
    ("placeholder-extra", _edit(FR, _set("emails", "verify_email", "button",
                                         value="Confirmer {email}")),
     [("error", "translation-placeholder", "'emails.verify_email.button' has {email} that 'en' "
       "lacks (use the same placeholders as the 'en' text (brand/translations/en.json:6))",
       FR, 6)]),
    ("liquid-injected", _edit(FR, _set("emails", "verify_email", "button",
                                       value="{{ user.password }}")),
     [("error", "translation-syntax", "'emails.verify_email.button' holds template syntax "
       "'{{' (translations are plain text: write {name} for a value the template fills in)",
       FR, 6)]),
    ("jinja-injected", _edit(FR, _set("emails", "verify_email", "button",
                                      value="[% include 'x' %]")),
     [("error", "translation-syntax", "'emails.verify_email.button' holds template syntax "
       "'[%' (translations are plain text: write {name} for a value the template fills in)",
       FR, 6)]),
    ("stray-brace", _edit(FR, _set("emails", "verify_email", "button", value="Confirmer }")),
     [("error", "translation-placeholder", "'emails.verify_email.button' has a brace that "
       "opens no placeholder (placeholders are written {name})", FR, 6)]),
    ("auth0-variable-in-email", _edit(FR, _set("emails", "verify_email", "button",
                                               value="Confirmer ${email}")),
     [("error", "translation-placeholder", "'emails.verify_email.button' uses Auth0's "
       "${email}, which only custom text knows (write {name} and let the template fill it)",
       FR, 6)]),
    ("placeholder-in-custom-text", _edit(FR, _set("prompts", "login", "login", "title",
                                                  value="Bonjour {name}")),
     [("error", "translation-placeholder", "'prompts.login.login.title' uses {name}, but "
       "custom text has no template to fill it (use one of Auth0's ${...} variables for the "
       "screen)", FR, 18)]),
    ("missing-key", _edit(FR, lambda d: d["emails"]["verify_email"].pop("help")),
     [("warning", "translation-missing", "'emails.verify_email.help' is not translated into "
       "'fr'; the 'en' text is used (add it to fr.json)", FR, None)]),
    ("key-only-in-one-language", _edit(FR, _set("emails", "verify_email", "footer",
                                                value="Merci")),
     [("warning", "translation-unused", "'emails.verify_email.footer' is not in the 'en' "
       "catalogue, so nothing reads it (add it to the 'en' catalogue or remove it)", FR, 8)]),
    ("unused-key", _edit(EN, _set("emails", "verify_email", "footer", value="Thanks")),
     [("warning", "translation-missing", "'emails.verify_email.footer' is not translated "
       "into 'fr'; the 'en' text is used (add it to fr.json)", FR, None),
      ("warning", "translation-missing", "'emails.verify_email.footer' is not translated "
       "into 'ar'; the 'en' text is used (add it to ar.json)", AR, None),
      ("warning", "translation-unused", "'emails.verify_email.footer' is not read by any "
       "template (read it with t('emails.verify_email.footer'), or remove it)", EN, 8)]),
    ("unknown-prompt", _edit(EN, _set("prompts", "logn", "login", "title", value="Hi")),
     [("error", "custom-text-prompt", "unknown prompt 'logn' (did you mean 'login'?)", EN, 24),
      ("warning", "translation-missing", "'prompts.logn.login.title' is not translated into "
       "'fr'; Auth0's own text is used (add it to fr.json)", FR, None),
      ("warning", "translation-missing", "'prompts.logn.login.title' is not translated into "
       "'ar'; Auth0's own text is used (add it to ar.json)", AR, None)]),
    ("unknown-screen", _edit(FR, _set("prompts", "login", "logn", "title", value="Salut")),
     [("error", "custom-text-screen", "prompt 'login' has no screen 'logn' (did you mean "
       "'login'?)", FR, 22),
      ("warning", "translation-unused", "'prompts.login.logn.title' is not in the 'en' "
       "catalogue, so nothing reads it (add it to the 'en' catalogue or remove it)", FR, 22)]),
    ("unknown-key", _edit(EN, _set("prompts", "login", "login", "titel", value="Hi")),
     [("warning", "custom-text-key", "screen 'login.login' has no documented key 'titel'; "
       "Auth0 answers 400 to a key it does not accept (did you mean 'title'?)", EN, 20),
      ("warning", "translation-missing", "'prompts.login.login.titel' is not translated into "
       "'fr'; Auth0's own text is used (add it to fr.json)", FR, None),
      ("warning", "translation-missing", "'prompts.login.login.titel' is not translated into "
       "'ar'; Auth0's own text is used (add it to ar.json)", AR, None)]),
]
AR_OWN = ("warning", "translation-missing", "'prompts.login.login.description' is not "
          "translated into 'ar'; Auth0's own text is used (add it to ar.json)", AR, None)


@pytest.mark.parametrize("id_, mutate, expected", CHECKS, ids=[c[0] for c in CHECKS])
def test_check_reports_each_translation_fault_at_its_line(
        id_: str, mutate: Callable[[Path], None], expected: list, brand: Path) -> None:
    mutate(brand)
    problems = [p for p in _problems(brand) if p != AR_OWN]
    assert sorted(problems, key=str) == sorted(expected, key=str)


def test_the_fixture_alone_has_only_its_one_missing_translation(brand: Path) -> None:
    assert _problems(brand) == [AR_OWN]


def test_strict_makes_a_missing_translation_fatal(brand: Path) -> None:
    outcome = run_cli("build", "--brand", "brand", "--out", "dist", "--strict")
    assert outcome.exit_code == 1
    assert not (brand.parent / "dist").exists()
    assert run_cli("build", "--brand", "brand", "--out", "dist").exit_code == 0


# -- what stops the build ---------------------------------------------------------------------


def _lay(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    """Lay the multilingual overlay over the minimal brand, then apply `edits`."""
    def mutate(brand: Path) -> None:
        for source in sorted(MULTILINGUAL.rglob("*")):
            if source.is_file():
                target = brand / source.relative_to(MULTILINGUAL)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(source.read_bytes())
        for edit in edits:
            edit(brand)
    return mutate


def _write(name: str, text: str) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        (brand / name).write_text(text, encoding="utf-8")
    return edit


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        path = brand / name
        text = path.read_text(encoding="utf-8")
        assert old in text
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


def _remove(name: str) -> Callable[[Path], None]:
    return lambda brand: (brand / name).unlink()


FATAL = [
    case("malformed-json", _lay(_write("translations/fr.json", '{\n  "emails": {\n}\n')),
         "brand/translations/fr.json:4: malformed translations JSON: Expecting ',' delimiter "
         "(fix the JSON syntax)"),
    case("text-not-a-string", _lay(_write("translations/fr.json",
                                          '{\n  "emails": {\n    "x": 3\n  }\n}\n')),
         "brand/translations/fr.json:3: translation 'emails.x' must be text, not a number "
         "(write the text in double quotes)"),
    case("duplicate-key", _lay(_write("translations/fr.json",
                                      '{\n  "a": "x",\n  "a": "y"\n}\n')),
         "brand/translations/fr.json:3: duplicate key 'a' in the top level (first on line 2) "
         "(remove one of them: JSON would silently keep only the last)"),
    case("dotted-and-nested-twice", _lay(_write(
        "translations/fr.json", '{\n  "a.b": "x",\n  "a": {\n    "b": "y"\n  }\n}\n')),
         "brand/translations/fr.json:4: key 'a.b' is written twice (first on line 2) "
         "(keep one: nested and dotted keys are the same)"),
    case("catalogue-a-list", _lay(_write("translations/fr.json", '[\n  "x"\n]\n')),
         "brand/translations/fr.json:1: a catalogue must be a JSON object of keys and texts "
         '(write {"emails": {"verify_email": ...}})'),
    case("no-default-catalogue", _lay(_remove("translations/en.json")),
         "brand/translations: no catalogue for the default language 'en' (add en.json (or "
         "en.po))"),
    case("two-catalogues", _lay(_write("translations/fr.po", 'msgid "a"\nmsgstr "b"\n')),
         "brand/translations/fr.po: two catalogues for 'fr': fr.json, fr.po (keep one of them)"),
    case("malformed-po", _lay(_remove("translations/fr.json"),
                              _write("translations/fr.po", 'msgid "a"\nmsgtsr "b"\n')),
         "brand/translations/fr.po:2: malformed PO file: cannot read 'msgtsr \"b\"' (fix the "
         "PO syntax (msgfmt --check shows the same))"),
    case("unknown-language", _lay(_replace("brand.toml", '"fr", "ar"]', '"fr_FR", "ar"]')),
         "brand/brand.toml:5: unknown language 'fr_FR' in 'languages.supported' (did you "
         "mean 'fr-FR'?)"),
    case("unknown-default", _lay(_replace("brand.toml", 'default = "en"', 'default = "eng"')),
         "brand/brand.toml:4: unknown language 'eng' in 'languages.default' (did you mean "
         "'en'?)"),
    case("language-twice", _lay(_replace("brand.toml", '"fr", "ar"]', '"fr", "fr"]')),
         "brand/brand.toml:5: 'languages.supported' lists 'fr' twice (list each language "
         "once)"),
    case("unknown-key-in-template", _lay(_replace(
        "templates/emails/verify_email.html", '"emails.verify_email.button"',
        '"emails.verify_email.buton"')),
         "brand/templates/emails/verify_email.html:4: unknown translation key "
         "'emails.verify_email.buton' (did you mean 'emails.verify_email.button'?)"),
    case("placeholder-without-value", _lay(_replace(
        "templates/emails/verify_email.html",
        """, name=liquid("user.given_name | default: 'there' | escape")""", "")),
         "brand/templates/emails/verify_email.html:3: t('emails.verify_email.greeting') needs "
         "a value for {name} (call t('emails.verify_email.greeting', name=...) with text, "
         'liquid("...") or markup)'),
    case("t-without-languages", _replace("templates/emails/verify_email.html", "Verify",
                                         "[[ t('emails.verify_email.button') ]]"),
         "brand/templates/emails/verify_email.html:4: t() needs the brand's languages (add a "
         "[languages] table to brand.toml)"),
    case("catalogues-folder-missing", _lay(_replace("brand.toml", 'default = "en"\n',
                                                    'default = "en"\ncatalogues = "i18n"\n')),
         "brand/brand.toml:5: no translations folder 'brand/i18n' (create it with one "
         "<language>.json per language)"),
]


@pytest.mark.parametrize("hostile", FATAL, ids=[c.id for c in FATAL])
def test_an_unreadable_catalogue_stops_the_build_in_one_line(hostile, tmp_path: Path,
                                                             monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)
