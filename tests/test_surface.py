"""Prompt partials, phone messages, organization branding and the MFA page: built, checked, read."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from brand_overlay import FIXTURES, make_brand, run_cli
from hostile import assert_refused, case

from auth0_branding.dist.reader import load_dist
from auth0_branding.render.liquid import render_liquid

MULTILINGUAL, SURFACE = FIXTURES / "multilingual", FIXTURES / "surface"
FSI, PDI = "\u2068", "\u2069"
AR_OWN = ("warning", "translation-missing", "'prompts.login.login.description' is not "
          "translated into 'ar'; Auth0's own text is used (add it to ar.json)",
          "brand/translations/ar.json", None)
SIGNUP = "brand/templates/prompts/signup/signup/form-content-end.html"
LOGIN = "brand/templates/prompts/login/login/form-footer-end.html"
OTP = "brand/templates/phone/otp_verify.txt"
BLOCKED = "brand/templates/phone/blocked_account.txt"
TENANTS = "brand/tenants.toml"


def _lay(brand: Path) -> Path:
    for source in sorted(SURFACE.rglob("*")):
        if source.is_file():
            target = brand / source.relative_to(SURFACE)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, target)
    return brand


@pytest.fixture
def brand(tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return _lay(make_brand(MULTILINGUAL, tmp_path))


def _built(brand: Path) -> Path:
    outcome = run_cli("build", "--brand", "brand", "--out", "dist")
    assert outcome.exit_code == 0, outcome.stderr
    return brand.parent / "dist"


def _json(path: Path) -> object:
    return json.loads(path.read_text(encoding="utf-8"))


# -- what the build writes --------------------------------------------------------------------


def test_the_build_writes_one_file_per_prompt_message_and_organization(brand: Path) -> None:
    dist = _built(brand)
    new = sorted(str(p.relative_to(dist)) for p in dist.rglob("*.json")
                 if re.search(r"/(partials|phone/|organizations/)", str(p)))
    assert new == ["dev/organizations/acme.json", "dev/phone/blocked_account.json",
                   "dev/phone/otp_verify.json", "dev/prompts/login/partials.json",
                   "dev/prompts/signup/partials.json"]
    # prod manages none of them.
    assert not (dist / "prod/phone").exists() and not (dist / "prod/pages/guardian_mfa_page.html").exists()
    assert _json(dist / "dev/prompts/signup/partials.json") == {"signup": {"form-content-end": (
        '<div class="ulp-field">\n  <input type="checkbox" name="ulp-terms" id="ulp-terms" '
        'required>\n  <label for="ulp-terms">{{ prompt.screen.texts.varTerms }}</label>\n</div>')}}
    assert _json(dist / "dev/organizations/acme.json") == {"branding": {
        "logo_url": "https://assets.minimal.example/acme.png",
        "colors": {"primary": "#0055aa", "page_background": "#f4f4f4"}}}


def test_a_partial_speaks_the_pages_language(brand: Path) -> None:
    login = _json(_built(brand) / "dev/prompts/login/partials.json")
    assert list(login) == ["login"] and list(login["login"]) == ["form-footer-end"]
    fragment = login["login"]["form-footer-end"]
    link = '<p class="help"><a href="https://help.minimal.example">{}</a></p>'
    assert render_liquid(fragment, {"locale": "fr"}) == link.format("Besoin d&#39;aide ?")
    assert render_liquid(fragment, {"locale": "ar"}) == link.format("هل تحتاج إلى مساعدة؟")
    assert render_liquid(fragment, {"locale": "de"}) == link.format("Need help?")


def test_phone_messages_carry_text_voice_sender_and_every_language(brand: Path) -> None:
    dist = _built(brand)
    otp = _json(dist / "dev/phone/otp_verify.json")
    assert (otp["type"], otp["disabled"], otp["content"]["syntax"], otp["content"]["from"]) == (
        "otp_verify", False, "liquid", "+15550100")
    body = otp["content"]["body"]
    texts = {lang: render_liquid(body["text"], {"locale": lang, "code": "987654"})
             for lang in ("en", "fr", "ar", "es")}
    assert texts == {"en": "Your Minimal Dev code is 987654", "fr": "Votre code Minimal Dev est 987654",
                     "ar": f"رمز {FSI}Minimal Dev{PDI} الخاص بك هو {FSI}987654{PDI}",
                     "es": "Your Minimal Dev code is 987654"}
    assert render_liquid(body["voice"], {"locale": "fr", "code": "1"}) == "Votre code est 1."
    blocked = _json(dist / "dev/phone/blocked_account.json")
    # Its own sender; no voice script, so the call reads the text.
    assert blocked["content"]["from"] == "+15550199"
    assert blocked["content"]["body"]["voice"] == blocked["content"]["body"]["text"]


def test_a_message_without_a_sender_sends_none(brand: Path) -> None:
    toml = brand / "brand.toml"
    toml.write_text(toml.read_text().replace('[phone]\nfrom = "+15550100"\n', "[phone]\n"))
    content = _json(_built(brand) / "dev/phone/otp_verify.json")["content"]
    assert "from" not in content


def test_the_mfa_page_is_a_classic_page_in_tenant_settings(brand: Path) -> None:
    dist = _built(brand)
    desired = load_dist(dist).tenants["dev"].desired
    html = (dist / "dev/pages/guardian_mfa_page.html").read_text(encoding="utf-8")
    assert desired["tenants/settings#guardian_mfa_page"] == {"enabled": True, "html": html}
    assert desired["prompts/signup/partials"] == _json(dist / "dev/prompts/signup/partials.json")
    assert desired["branding/phone/templates/otp_verify"] == _json(dist / "dev/phone/otp_verify.json")
    assert desired["organizations/acme#branding"] == _json(dist / "dev/organizations/acme.json")
    assert "tenants/settings#guardian_mfa_page" not in load_dist(dist).tenants["prod"].desired


# -- what the checks say ----------------------------------------------------------------------


def _problems(brand: Path) -> list[tuple[str, str, str, str | None, int | None]]:
    return [p for p in run_cli("check", "--brand", "brand", "--format", "json").problems()
            if p != AR_OWN]


def _write(name: str, text: str) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        path = brand / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return edit


def _move(old: str, new: str) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        (brand / new).parent.mkdir(parents=True, exist_ok=True)
        (brand / old).rename(brand / new)
    return edit


def _moves(*pairs: tuple[str, str]) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        for old, new in pairs:
            _move(old, new)(brand)
    return edit


def _unread(key: str, line: int) -> tuple[str, str, str, str, int]:
    """The warning for a catalogue key no template reads any more (its template was replaced)."""
    return ("warning", "translation-unused", f"'{key}' is not read by any template (read it "
            f"with t('{key}'), or remove it)", "brand/translations/en.json", line)


HELP, OTP_TEXT, BLOCKED_TEXT = (_unread("partials.login.help", 14),
                                _unread("phone.otp_verify.text", 17),
                                _unread("phone.blocked_account.text", 18))


def _replace(name: str, old: str, new: str) -> Callable[[Path], None]:
    def edit(brand: Path) -> None:
        path = brand / name
        text = path.read_text(encoding="utf-8")
        assert old in text, old
        path.write_text(text.replace(old, new), encoding="utf-8")
    return edit


P = "brand/templates/prompts"
CHECKS = [
    ("prompt-without-partials", _move("templates/prompts/login", "templates/prompts/mfa-otp"),
     [("error", "partial-prompt", "prompt 'mfa-otp' takes no partials (prompts with partials: "
       "login, login-id, login-password, login-passwordless, signup, signup-id, "
       "signup-password, customized-consent, passkeys)",
       f"{P}/mfa-otp/login/form-footer-end.html", None)]),
    ("misspelt-prompt", _move("templates/prompts/login", "templates/prompts/logn"),
     [("error", "partial-prompt", "prompt 'logn' takes no partials (did you mean 'login'?)",
       f"{P}/logn/login/form-footer-end.html", None)]),
    # A claimed prompt with no fragment (it builds {}, clearing the prompt) is judged too.
    ("misspelt-claimed-prompt", _write("templates/prompts/singup/.keep", ""),
     [("error", "partial-prompt", "prompt 'singup' takes no partials (did you mean 'signup'?)",
       f"{P}/singup", None)]),
    ("confirmation-unverified", _moves(("templates/prompts/login", "templates/prompts/confirmation"),
                                       ("templates/prompts/confirmation/login",
                                        "templates/prompts/confirmation/confirmation")),
     [("warning", "partial-prompt", "prompt 'confirmation' takes partials according to one "
       "Auth0 page only (UNVERIFIED: try it on a tenant before relying on it)",
       f"{P}/confirmation/confirmation/form-footer-end.html", None)]),
    ("unknown-screen", _move("templates/prompts/login/login", "templates/prompts/login/logn"),
     [("error", "partial-screen", "prompt 'login' has no screen 'logn' (did you mean 'login'?)",
       f"{P}/login/logn/form-footer-end.html", None)]),
    ("unknown-insertion-point", _move("templates/prompts/login/login/form-footer-end.html",
                                      "templates/prompts/login/login/form-footer.html"),
     [("error", "partial-insertion-point", "'form-footer' is not an insertion point of prompt "
       "'login' (did you mean 'form-footer-end'?)", f"{P}/login/login/form-footer.html", None)]),
    ("too-long", _write("templates/prompts/login/login/form-footer-end.html",
                        "<p>[[ 'x' * 10001 ]]</p>\n"),
     [("error", "partial-size", "the partial has 10,008 characters once built; Auth0 accepts "
       "at most 10,000 (make it smaller)", LOGIN, None), HELP]),
    ("liquid-syntax", _write("templates/prompts/login/login/form-footer-end.html",
                             "<p>\n  {% if locale %}Help\n</p>\n"),
     [("error", "liquid-syntax", "expected tag endif, found end of expression ("
       "a block is not closed: add {% endif %})", LOGIN, 2), HELP]),
    ("field-not-ulp", _replace("templates/prompts/signup/signup/form-content-end.html",
                               'name="ulp-terms"', 'name="terms"'),
     [("error", "partial-field", '<input name="terms"> does not reach Actions: Auth0 sends '
       'only fields named ulp-* (name it "ulp-terms")', SIGNUP, 2)]),
    ("text-key-missing", _replace("templates/prompts/signup/signup/form-content-end.html",
                                  "varTerms", "varTos"),
     [("warning", "partial-text", "'prompt.screen.texts.varTos' reads the custom text "
       "'var-tos', which prompts.signup.signup lacks in 'en', so it prints nothing (add "
       "\"var-tos\" under prompts.signup.signup in brand/translations/en.json)", SIGNUP, 3)]),
    ("no-custom-domain", _replace("tenants.toml", 'custom_domain = "login.minimal.example"\n'
                                  'client_id_env = "MINIMAL_DEV', 'client_id_env = "MINIMAL_DEV'),
     [("error", "partial-tenant", "tenant 'dev' gets partials but has no custom_domain; Auth0 "
       "shows partials only on a custom domain (set custom_domain under [tenants.dev])",
       TENANTS, 1)]),
    ("no-page-template", _replace("tenants.toml", 'manage = ["login", "password_reset", '
                                  '"error_page", "emails", "custom_text", "languages",\n',
                                  'manage = ["password_reset", "error_page", "emails", '
                                  '"custom_text", "languages",\n'),
     [("error", "partial-tenant", "tenant 'dev' gets partials but does not manage 'login'; "
       "Auth0 shows partials only with a page template (add 'login' to tenants.dev.manage)",
       TENANTS, 1)]),
    ("unknown-phone-type", _move("templates/phone/blocked_account.txt",
                                 "templates/phone/blocked_acount.txt"),
     [("error", "phone-type", "'blocked_acount' is not an Auth0 phone message type (did you "
       "mean 'blocked_account'?)", "brand/templates/phone/blocked_acount.txt", None)]),
    ("otp-without-code", _write("templates/phone/otp_verify.txt",
                                "[% if false %]{{ code }}[% endif %]Your code\n"),
     [("error", "phone-code", "the text of otp_verify never prints {{ code }} in 'en', so it "
       "carries no code (add {{ code }} where the code belongs)", OTP, None),
      ("error", "phone-code", "the text of otp_verify never prints {{ code }} in 'fr', so it "
       "carries no code (add {{ code }} where the code belongs)", OTP, None),
      ("error", "phone-code", "the text of otp_verify never prints {{ code }} in 'ar', so it "
       "carries no code (add {{ code }} where the code belongs)", OTP, None), OTP_TEXT]),
    ("otp-code-missing-in-one-language", _write(
        "templates/phone/otp_verify.txt",
        '{% if locale == "fr" %}Votre code{% else %}Code {{ code }}{% endif %}\n'),
     [("error", "phone-code", "the text of otp_verify never prints {{ code }} in 'fr', so it "
       "carries no code (add {{ code }} where the code belongs)", OTP, None), OTP_TEXT]),
    ("html-in-sms", _write("templates/phone/otp_verify.txt", "Your code:\n<b>{{ code }}</b>\n"),
     [("error", "phone-html", "the text of otp_verify holds the HTML tag '<b>'; phone messages "
       "are plain text (remove it)", OTP, 2),
      ("error", "phone-html", "the text of otp_verify holds the HTML tag '</b>'; phone messages "
       "are plain text (remove it)", OTP, 2), OTP_TEXT]),
    ("phone-liquid-syntax", _write("templates/phone/otp_verify.txt", "Code\n{{ code }\n"),
     [("error", "liquid-syntax", "expected '}}', found end of file (fix the Liquid: Auth0 runs "
       "LiquidJS)", OTP, 2), OTP_TEXT]),
    ("too-many-segments-gsm", _write("templates/phone/blocked_account.txt", "A" * 307 + "\n"),
     [("warning", "phone-segments", f"blocked_account needs 3 SMS segments in '{lang}' (307 "
       "characters in GSM-7: 160 fit in one segment, 153 in each of several); shorten it to 2",
       BLOCKED, None) for lang in ("en", "fr", "ar")] + [BLOCKED_TEXT]),
    # Two segments of a split message hold 2 x 153: not one character more.
    ("two-segments-are-fine", _write("templates/phone/blocked_account.txt", "A" * 306 + "\n"),
     [BLOCKED_TEXT]),
    ("too-many-segments-ucs2", _replace("translations/ar.json", "تم حظر حسابك.",
                                        "تم حظر حسابك بعد محاولات دخول فاشلة كثيرة جدًا من جهاز "
                                        "غير معروف في بلد آخر، وذلك لحمايتك."),
     [("warning", "phone-segments", "blocked_account needs 3 SMS segments in 'ar' (136 "
       "characters in UCS-2: 70 fit in one segment, 67 in each of several); shorten it to 2",
       BLOCKED, None)]),
    ("organization-alias-not-a-colour", _replace(
        "tenants.toml", '"{color.primary}"', '"{size.gap}"'),
     [("error", "organization-invalid", "tenants.dev.organizations.acme.branding.colors.primary "
       "is '16px', not a hex colour; write e.g. \"#0055aa\" or alias a hex colour token",
       TENANTS, 14)]),
    ("mfa-widget-missing", _write("templates/pages/guardian_mfa_page.html",
                                  '[% extends "layouts/page.html" %]\n'),
     [("error", "mfa-widget", "the MFA page does not load Auth0's MFA widget; add <script "
       "src=\"https://cdn.auth0.com/js/mfa-widget/mfa-widget-1.2.1.min.js\"></script>",
       "brand/templates/pages/guardian_mfa_page.html", None),
      ("error", "mfa-widget", "the MFA page never calls new Auth0MFAWidget({...}); add it "
       "after the widget script", "brand/templates/pages/guardian_mfa_page.html", None)]),
    ("mfa-container-missing", _replace("templates/pages/guardian_mfa_page.html",
                                       '<div id="mfa-container"></div>', ""),
     [("error", "mfa-widget", "Auth0MFAWidget draws into #mfa-container, which the page "
       "lacks; add <div id=\"mfa-container\"></div>",
       "brand/templates/pages/guardian_mfa_page.html", 7)]),
    ("mfa-server-missing", _replace("templates/pages/guardian_mfa_page.html",
                                    'mfaServerUrl: "{{ mfaServerUrl }}",', ""),
     [("error", "missing-placeholder", "Auth0MFAWidget is not given {{ mfaServerUrl }}; pass "
       "mfaServerUrl: \"{{ mfaServerUrl }}\"", "brand/templates/pages/guardian_mfa_page.html",
       6)]),
    ("mfa-post-action-missing", _replace("templates/pages/guardian_mfa_page.html",
                                         'postActionURL: "{{ postActionURL }}",', ""),
     [("warning", "missing-placeholder", "Auth0MFAWidget is not given {{ postActionURL }}, "
       "which Auth0's template for login passes (UNVERIFIED: needed unless the page only "
       "enrols); pass postActionURL: \"{{ postActionURL }}\"",
       "brand/templates/pages/guardian_mfa_page.html", 6)]),
    ("mfa-unescaped-email", _replace("templates/pages/guardian_mfa_page.html",
                                     "{{ userData.email | escape }}", "{{ userData.email }}"),
     [("warning", "unescaped", "untrusted userData.email printed without | escape: "
       "{{ userData.email }} (add | escape as the last filter)",
       "brand/templates/pages/guardian_mfa_page.html", 11)]),
]


@pytest.mark.parametrize("id_, mutate, expected", CHECKS, ids=[c[0] for c in CHECKS])
def test_check_reports_each_fault_at_its_file_and_line(
        id_: str, mutate: Callable[[Path], None], expected: list, brand: Path) -> None:
    mutate(brand)
    assert sorted(_problems(brand), key=str) == sorted(expected, key=str)


def test_the_fixture_alone_has_only_its_one_missing_translation(brand: Path) -> None:
    assert _problems(brand) == []


# -- what stops the build ---------------------------------------------------------------------


def _surface(*edits: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        for overlay in (MULTILINGUAL, SURFACE):
            for source in sorted(overlay.rglob("*")):
                if source.is_file():
                    target = brand / source.relative_to(overlay)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    target.write_bytes(source.read_bytes())
        for edit in edits:
            edit(brand)
    return mutate


ORG = "[tenants.dev.organizations.acme.branding]"
FATAL = [
    case("partial-too-shallow", _surface(_write("templates/prompts/login/form-footer-end.html",
                                                "<p>x</p>\n")),
         "brand/templates/prompts/login/form-footer-end.html: a partial is not at "
         "prompt/screen/insertion point (put it at "
         "templates/prompts/<prompt>/<screen>/<insertion-point>.html)"),
    case("organization-name", _surface(_replace("tenants.toml", ORG,
                                                "[tenants.dev.organizations.Acme.branding]")),
         "brand/tenants.toml:12: 'Acme' is not a valid Auth0 organization name (use the "
         "organization's name as Auth0 has it: lowercase letters, digits, '-' and '_', at "
         "most 50 characters)"),
    case("organization-one-colour", _surface(_replace(
        "tenants.toml", ', page_background = "#f4f4f4"', "")),
         "brand/tenants.toml:14: missing key "
         "'tenants.dev.organizations.acme.branding.colors.page_background' (Auth0 needs both "
         "primary and page_background once colors is set)"),
    case("organization-http-logo", _surface(_replace("tenants.toml", "https://assets", "http://assets")),
         "brand/tenants.toml:13: 'tenants.dev.organizations.acme.branding.logo_url' must be an "
         "https:// URL, not 'http://assets.minimal.example/acme.png' (Auth0 accepts only "
         "https:// logo URLs)"),
    case("organization-not-a-colour", _surface(_replace("tenants.toml", '"#f4f4f4"', '"greyish"')),
         "brand/tenants.toml:14: 'tenants.dev.organizations.acme.branding.colors.page_background' "
         "is 'greyish', not a colour (write e.g. \"#0055aa\", \"oklch(0.45 0.1 250)\" or a token "
         "alias such as \"{color.brand.primary}\")"),
    case("organization-unknown-token", _surface(_replace("tenants.toml", "{color.primary}",
                                                         "{color.primry}")),
         "brand/tenants.toml:14: unknown token reference '{color.primry}' in "
         "'tenants.dev.organizations.acme.branding.colors.primary' (did you mean "
         "'color.primary'?)"),
    case("phone-unknown-type-table", _surface(_replace("brand.toml", "[phone.blocked_account]",
                                                       "[phone.blocked_acount]")),
         "brand/brand.toml:24: unknown key 'phone.blocked_acount' (did you mean "
         "'blocked_account'?)"),
    case("phone-disabled-not-boolean", _surface(_replace(
        "brand.toml", 'from = "+15550199"', 'disabled = "yes"')),
         "brand/brand.toml:25: 'phone.blocked_account.disabled' must be a boolean, not a "
         "string (set disabled to a boolean)"),
]


@pytest.mark.parametrize("hostile", FATAL, ids=[c.id for c in FATAL])
def test_a_broken_source_stops_the_build_in_one_line(hostile, tmp_path: Path,
                                                    monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)
