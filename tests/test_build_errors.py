"""Brands that cannot be built: one clear line on stderr, exit 1, and dist/ left as it was."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from brand_overlay import BROKEN, make_brand, run_cli, snapshot
from hostile import OLD_MANIFEST, tree

from auth0_branding.build.cache import DEFAULT_FOLDER_NAME

log = logging.getLogger(__name__)

# (case, path, line, exact "what (hint)"); the CLI prints `ERROR <path>:<line>: <what> (<hint>)`.
BUILD_ERRORS: list[tuple[str, str, int, str]] = [
    ("jinja-syntax-error", "brand/templates/emails/verify_email.html", 6,
     "template syntax error: Encountered unknown tag 'endblock'. You probably made a nesting "
     "mistake. Jinja is expecting this tag, but currently looking for 'elif' or 'else' or "
     "'endif'. The innermost block that needs to be closed is 'if'. "
     "(check the [[ ]] and [% %] tags)"),
    ("jinja-undefined-variable", "brand/templates/emails/verify_email.html", 3,
     "undefined variable 'company_nam' (did you mean 'company_name'?)"),
    ("jinja-unknown-token", "brand/templates/emails/verify_email.html", 3,
     "unknown token 'color.primay' (did you mean 'color.primary'?)"),
    ("sass-error", "brand/styles/page.scss", 3,
     'Sass error: Undefined variable: "$colour-text". (did you mean \'$color-text\'?)'),
    ("sass-missing-brace", "brand/styles/page.scss", 3,
     'Sass error: this block\'s "{" is never closed (add the missing "}")'),
    ("tokens-malformed-json", "brand/tokens/base.tokens.json", 6,
     "malformed tokens JSON: Expecting ',' delimiter (fix the JSON syntax)"),
    ("tokens-unknown-alias", "brand/tokens/base.tokens.json", 6,
     "unknown token reference '{color.primery}' in 'color.text' (did you mean 'color.primary'?)"),
    ("tokens-alias-cycle", "brand/tokens/base.tokens.json", 4,
     "alias cycle: color.primary -> color.text -> color.primary (point one alias at a value)"),
    ("tenant-missing-key", "brand/tenants.toml", 11,
     "missing key 'tenants.prod.client_secret_env' (add client_secret_env = ...)"),
    ("tenant-wrong-type", "brand/tenants.toml", 16,
     "'tenants.prod.manage' must be a list, not a string (set manage to a list)"),
    ("tenant-unknown-key", "brand/tenants.toml", 6,
     "unknown key 'tenants.dev.region' (known keys: domain, custom_domain, plan, client_id_env, "
     "client_secret_env, manage, variables, tokens, tokens_themes,"
     " organizations)"),
    ("email-template-missing", "brand/brand.toml", 14,
     "template not found: 'emails/enrollment_email.html' (create "
     "templates/emails/enrollment_email.html or remove [emails.enrollment_email])"),
    ("layout-missing", "brand/templates/pages/error_page.html", 1,
     "template not found: 'layouts/pages.html' (did you mean 'layouts/page.html'?)"),
    ("email-unknown-template-name", "brand/brand.toml", 10,
     "unknown email template 'verify_emial' (did you mean 'verify_email'?)"),
    ("theme-missing-group", "brand/brand.toml", 27,
     "missing table 'theme.widget' (add a [theme.widget] table: Auth0 requires all five groups)"),
    ("email-liquid-in-start-tag", "brand/templates/emails/verify_email.html", 3,
     "Liquid inside a start tag cannot survive CSS inlining: {% if user.email_verified %} "
     "(move the condition around the whole element, or put the Liquid inside an attribute "
     "value)"),
]


@pytest.fixture
def brand_with_old_dist(tmp_path: Path, monkeypatch):
    """Return a function laying a case over the minimal brand next to a previous dist/."""
    monkeypatch.chdir(tmp_path)
    old = tmp_path / "dist"
    (old / "dev/pages").mkdir(parents=True)
    (old / "dev/pages/login.html").write_bytes(b"<!-- the last good build -->\n")
    (old / "manifest.json").write_bytes(OLD_MANIFEST)

    def prepare(case: str | None) -> dict[str, bytes]:
        make_brand(BROKEN / case if case else None, tmp_path)
        return snapshot(old)

    prepare.whole = lambda: tree(tmp_path)  # type: ignore[attr-defined]

    return prepare


@pytest.mark.parametrize(("case", "path", "line", "message"), BUILD_ERRORS,
                         ids=[row[0] for row in BUILD_ERRORS])
def test_build_error_is_one_line_and_dist_is_untouched(
    case: str, path: str, line: int, message: str, brand_with_old_dist, tmp_path: Path
) -> None:
    before = brand_with_old_dist(case)
    everything = brand_with_old_dist.whole()

    outcome = run_cli("build", "--brand", "brand", "--out", "dist")

    assert outcome.exception is None  # no traceback: a BrandError, handled
    assert outcome.exit_code == 1
    assert outcome.stderr == f"ERROR {path}:{line}: {message}\n"
    assert outcome.stdout == ""
    assert snapshot(tmp_path / "dist") == before
    # The brand unchanged, and nothing written next to dist/ either: only the cache keeps
    # the stages that succeeded before the error, for the next build.
    assert {path: entry for path, entry in tree(tmp_path).items()
            if not path.startswith(DEFAULT_FOLDER_NAME)} == everything


@pytest.mark.parametrize(("case", "path", "line", "message"), BUILD_ERRORS,
                         ids=[row[0] for row in BUILD_ERRORS])
def test_check_reports_a_build_error_the_same_way(
    case: str, path: str, line: int, message: str, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.chdir(tmp_path)
    make_brand(BROKEN / case, tmp_path)

    text = run_cli("check", "--brand", "brand")
    json_ = run_cli("check", "--brand", "brand", "--format", "json")

    assert (text.exit_code, text.stderr) == (1, f"ERROR {path}:{line}: build {message}\n")
    assert (json_.exit_code, json_.problems()) == (1, [("error", "build", message, path, line)])


def test_unknown_tenant_on_the_command_line(brand_with_old_dist, tmp_path: Path) -> None:
    before = brand_with_old_dist(None)

    outcome = run_cli("build", "--brand", "brand", "--tenant", "stage")

    assert (outcome.exit_code, outcome.exception) == (1, None)
    assert outcome.stderr == (
        "ERROR brand/tenants.toml:1: unknown tenant 'stage' (choose one of: dev, prod)\n")
    assert snapshot(tmp_path / "dist") == before


def test_build_refuses_to_write_dist_when_a_check_fails(brand_with_old_dist, tmp_path: Path) -> None:
    before = brand_with_old_dist("html-duplicate-id")

    outcome = run_cli("build", "--brand", "brand", "--out", "dist")

    assert (outcome.exit_code, outcome.exception) == (1, None)
    assert outcome.stderr.splitlines() == [
        "ERROR brand/templates/pages/error_page.html:4: duplicate-id id \"message\" is used more "
        "than once; make each id unique",
        "ERROR build failed with 1 error(s), 0 warning(s); dist left unchanged",
    ]
    assert snapshot(tmp_path / "dist") == before


def test_build_with_warnings_writes_dist_unless_strict(brand_with_old_dist, tmp_path: Path) -> None:
    before = brand_with_old_dist("email-unescaped-user-name")

    strict = run_cli("build", "--brand", "brand", "--out", "dist", "--strict")
    assert strict.exit_code == 1
    assert snapshot(tmp_path / "dist") == before

    lenient = run_cli("build", "--brand", "brand", "--out", "dist")
    assert lenient.exit_code == 0
    written = snapshot(tmp_path / "dist")
    assert "dev/emails/verify_email.html" in written
    assert written != before
