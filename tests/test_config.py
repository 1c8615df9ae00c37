"""brand.toml and tenants.toml: the declared schema, its exact messages, every problem at once."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from brand_overlay import make_brand, run_cli

from auth0_branding.brand.config import load_config
from auth0_branding.errors import BrandError, ConfigError, ConfigErrors

log = logging.getLogger(__name__)

TENANTS = '''\
[tenants.dev]
domain = "dev.example.com"
client_id_env = "DEV_ID"
client_secret_env = "DEV_SECRET"
'''

# (case, file, its text, exact "path:line: what (hint)"); the other file is the minimal one's.
SINGLE: list[tuple[str, str, str, str]] = [
    ("quoted-tenant-name", "tenants.toml", TENANTS.replace("dev]", '"Prod\\n"]'),
     "brand/tenants.toml:1: tenant 'Prod\\n' is not a valid tenant name (rename it: lowercase "
     "letters, digits, '-' and '_', starting with a letter or digit, at most 63 characters)"),
    ("reserved-tenant-name", "tenants.toml", TENANTS.replace("dev]", "review]"),
     "brand/tenants.toml:1: tenant 'review' is reserved: dist/review/ holds the review gallery "
     "(rename it: lowercase letters, digits, '-' and '_', starting with a letter or digit, at "
     "most 63 characters)"),
    ("manage-not-a-list", "tenants.toml", TENANTS + 'manage = "login"\n',
     "brand/tenants.toml:5: 'tenants.dev.manage' must be a list, not a string "
     "(set manage to a list)"),
    ("manage-unknown-item", "tenants.toml", TENANTS + 'manage = [\n  "login",\n  "emals",\n]\n',
     "brand/tenants.toml:5: invalid value 'emals' for 'tenants.dev.manage' "
     "(did you mean 'emails'?)"),
    ("dotted-domain", "tenants.toml",
     '[tenants]\ndev.domain = "not a host"\ndev.client_id_env = "A"\ndev.client_secret_env = "B"\n',
     "brand/tenants.toml:2: invalid domain 'not a host' for tenant 'dev' "
     "(use a host name like acme.eu.auth0.com)"),
    ("inline-table-env", "tenants.toml",
     'tenants = { dev = { domain = "dev.example.com", client_id_env = "lower", '
     'client_secret_env = "B" } }\n',
     "brand/tenants.toml:1: 'client_id_env' must name an environment variable, not 'lower' "
     "(use a name like AUTH0_DEV_CLIENT_ID)"),
    ("no-tenants", "tenants.toml", "[tenants]\n",
     "brand/tenants.toml:1: no tenants defined (add a [tenants.dev] table)"),
    ("no-tenants-table", "tenants.toml", "# nothing yet\n",
     "brand/tenants.toml: missing key 'tenants' (add tenants = ...)"),
    ("unknown-root-key", "brand.toml", 'name = "A"\ninliners = "premailer"\n',
     "brand/brand.toml:2: unknown key 'inliners' (did you mean 'inliner'?)"),
    ("inliner-not-a-string", "brand.toml", 'name = "A"\ninliner = 1\n',
     "brand/brand.toml:2: 'inliner' must be a string, not an integer (set inliner to a string)"),
    ("inliner-unknown", "brand.toml", 'name = "A"\ninliner = "premailr"\n',
     "brand/brand.toml:2: invalid value 'premailr' for 'inliner' (did you mean 'premailer'?)"),
    ("email-lifetime-a-boolean", "brand.toml",
     'name = "A"\n[emails.verify_email]\nsubject = "S"\nfrom = "F"\n'
     "url_lifetime_in_seconds = true\n",
     "brand/brand.toml:5: 'emails.verify_email.url_lifetime_in_seconds' must be an integer, "
     "not a boolean (set url_lifetime_in_seconds to an integer)"),
    ("email-missing-subject", "brand.toml", 'name = "A"\n\n[emails.welcome_email]\nfrom = "F"\n',
     "brand/brand.toml:3: missing key 'emails.welcome_email.subject' (add subject = ...)"),
    ("email-not-a-table", "brand.toml", 'name = "A"\nemails.verify_email = "yes"\n',
     "brand/brand.toml:2: 'emails.verify_email' must be a table (write [emails.verify_email])"),
    ("theme-missing-group", "brand.toml",
     'name = "A"\n[theme.borders]\n[theme.colors]\n[theme.fonts]\n[theme.widget]\n',
     "brand/brand.toml:2: missing table 'theme.page_background' (add a [theme.page_background] "
     "table: Auth0 requires all five groups)"),
    ("nul-in-a-value", "brand.toml", 'name = "A\\u0000B"\n',
     "brand/brand.toml:1: 'name' contains a NUL character (remove the \\u0000 escape)"),
]


def _brand(tmp_path: Path, monkeypatch, **files: str) -> Path:
    monkeypatch.chdir(tmp_path)
    brand = make_brand(None, tmp_path)
    for name, text in files.items():
        (brand / f"{name}.toml").write_text(text, encoding="utf-8")
    return brand


@pytest.mark.parametrize(("case", "file", "text", "message"), SINGLE, ids=[r[0] for r in SINGLE])
def test_one_problem_is_raised_as_itself_with_its_line(
    case: str, file: str, text: str, message: str, tmp_path: Path, monkeypatch
) -> None:
    brand = _brand(tmp_path, monkeypatch, **{file.removesuffix(".toml"): text})

    with pytest.raises(ConfigError) as caught:
        load_config(brand)

    assert type(caught.value) is ConfigError
    assert str(caught.value) == message


BROKEN_BRAND = '''\
name = 1
inliner = "premailer"
styles = { page = "../outside.scss" }

[emails.verify_emial]
subject = "S"

[preview]
asset = {}
'''
BROKEN_TENANTS = '''\
[tenants.dev]
domain = "dev.example.com"
client_id_env = "DEV_ID"
client_secret_env = "DEV_SECRET"
region = "eu"
manage = "login"

[tenants.prod]
domain = "prod example"
client_id_env = "PROD_ID"
'''
# In the order they were found in when the first one stopped the reading, so that first
# line is the one it always was.
EVERY_PROBLEM = [
    "brand/brand.toml:5: unknown email template 'verify_emial' (did you mean 'verify_email'?)",
    "brand/brand.toml:1: 'name' must be a string, not an integer (set name to a string)",
    "brand/brand.toml:9: unknown key 'preview.asset' (did you mean 'assets'?)",
    "brand/brand.toml:3: styles.page '../outside.scss' lies outside the brand folder (use a "
    "path relative to the brand folder, inside it)",
    "brand/tenants.toml:5: unknown key 'tenants.dev.region' (known keys: domain, custom_domain, "
    "plan, client_id_env, client_secret_env, manage, variables, tokens, tokens_themes, "
    "organizations)",
    "brand/tenants.toml:6: 'tenants.dev.manage' must be a list, not a string "
    "(set manage to a list)",
    "brand/tenants.toml:9: invalid domain 'prod example' for tenant 'prod' "
    "(use a host name like acme.eu.auth0.com)",
    "brand/tenants.toml:8: missing key 'tenants.prod.client_secret_env' "
    "(add client_secret_env = ...)",
]


def test_every_problem_of_both_files_is_reported_together(tmp_path: Path, monkeypatch) -> None:
    brand = _brand(tmp_path, monkeypatch, brand=BROKEN_BRAND, tenants=BROKEN_TENANTS)

    with pytest.raises(ConfigErrors) as caught:
        load_config(brand)

    assert [str(error) for error in caught.value.errors] == EVERY_PROBLEM
    assert str(caught.value) == EVERY_PROBLEM[0]  # read as one error, it is the first


def test_the_cli_prints_one_line_per_problem(tmp_path: Path, monkeypatch) -> None:
    _brand(tmp_path, monkeypatch, brand=BROKEN_BRAND, tenants=BROKEN_TENANTS)

    built = run_cli("build", "--brand", "brand", "--out", "dist")
    checked = run_cli("check", "--brand", "brand", "--format", "json")
    annotated = run_cli("check", "--brand", "brand", "--format", "github")

    assert (built.exit_code, built.exception) == (1, None)
    assert built.stderr.splitlines() == [f"ERROR {line}" for line in EVERY_PROBLEM]
    assert not (tmp_path / "dist").exists()
    assert checked.exit_code == 1
    assert [(path, line, message) for _, _, message, path, line in checked.problems()] == [
        (where.split(":")[0], int(where.split(":")[1]), what)
        for where, what in (line.split(": ", 1) for line in EVERY_PROBLEM)
    ]
    assert len(annotated.stdout.splitlines()) == len(EVERY_PROBLEM)


def test_a_file_that_cannot_be_read_still_lets_the_other_be_checked(
    tmp_path: Path, monkeypatch
) -> None:
    brand = _brand(tmp_path, monkeypatch, brand='name = "A"\n[styles\n',
                   tenants=TENANTS.replace("DEV_ID", "dev id"))

    with pytest.raises(ConfigErrors) as caught:
        load_config(brand)

    assert [str(error) for error in caught.value.errors] == [
        "brand/brand.toml:2: malformed TOML: Expected ']' at the end of a table declaration "
        "(fix the TOML syntax)",
        "brand/tenants.toml:3: 'client_id_env' must name an environment variable, not 'dev id' "
        "(use a name like AUTH0_DEV_CLIENT_ID)",
    ]
    assert all(isinstance(error, BrandError) for error in caught.value.errors)


def test_a_setting_is_located_by_its_key_however_it_is_written(tmp_path: Path, monkeypatch) -> None:
    _brand(tmp_path, monkeypatch,
           brand='name = "A"\n\n[branding]\ncolors = { page_background = "#ffffff",\n'
                 '  primary = "{color.primry}" }\n'.replace(",\n  ", ", "),
           tenants=TENANTS + 'manage = ["branding"]\n')

    outcome = run_cli("build", "--brand", "brand", "--out", "dist")

    assert outcome.stderr == (
        "ERROR brand/brand.toml:4: unknown token reference '{color.primry}' in "
        "'branding.colors.primary' (did you mean 'color.primary'?)\n")


def test_checks_locate_keys_through_the_same_mapper(tmp_path: Path) -> None:
    from auth0_branding.brand.sourcemap import toml_key_line, toml_location, toml_table_line

    path = tmp_path / "brand.toml"
    path.write_text('name = "A"\n[theme]\ncolors.primary_button = "#000"\n'
                    '"page_background" = { background_color = "#fff" }\n', encoding="utf-8")
    shown = str(path)

    assert toml_location(shown, "theme.colors.primary_button").line == 3
    assert toml_location(shown, "theme.page_background.page_layout").line == 4
    assert toml_location(shown, "theme.fonts.title").line == 2
    assert toml_table_line(shown, "theme.colors") == 3
    assert toml_key_line(shown, "theme.page_background", "background_color") == 4
    assert toml_key_line(shown, "theme", "widget") is None
