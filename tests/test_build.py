"""The build end to end: fixture brands into dist/, atomically, Liquid untouched."""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from auth0_branding.build.builder import build
from auth0_branding.build.inline import LIQUID
from auth0_branding.cli import cli
from auth0_branding.dist.manifest import manifest_bytes
from auth0_branding.dist.writer import write_dist
from auth0_branding.errors import BrandError

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
EXPECTED = ROOT / "tests" / "expected" / "minimal"


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A scratch folder holding a copy of the minimal brand as `brand/`."""
    shutil.copytree(FIXTURES / "minimal", tmp_path / "brand")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_minimal_brand_matches_the_committed_expected_output(workdir, pytestconfig):
    """Regenerate deliberately with `pytest --regen-expected` after an intended change."""
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 0, result.output
    built = _tree(workdir / "dist")
    if pytestconfig.getoption("--regen-expected"):
        shutil.rmtree(EXPECTED, ignore_errors=True)
        shutil.copytree(workdir / "dist", EXPECTED)
    assert built == _tree(EXPECTED)


def test_layout_of_dist(workdir):
    CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    files = set(_tree(workdir / "dist"))
    for tenant in ("dev", "prod"):
        for page in ("login", "password_reset", "error_page"):
            assert f"{tenant}/pages/{page}.html" in files
        for email in ("verify_email", "enrollment_email"):
            assert f"{tenant}/emails/{email}.html" in files
            assert f"{tenant}/emails/{email}.json" in files
    assert "manifest.json" in files


def test_manifest_lists_every_output_with_its_hash_size_resource_and_sources(workdir):
    CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    manifest = json.loads((workdir / "dist" / "manifest.json").read_text())
    on_disk = set(_tree(workdir / "dist")) - {"manifest.json"}
    assert {o["path"] for o in manifest["outputs"]} == on_disk
    for output in manifest["outputs"]:
        content = (workdir / "dist" / output["path"]).read_bytes()
        assert output["sha256"] == hashlib.sha256(content).hexdigest()
        assert output["size"] == len(content)
        assert output["sources"], output["path"]
    login = next(o for o in manifest["outputs"] if o["path"] == "dev/pages/login.html")
    assert login["resource"] == "branding/templates/universal-login"
    assert login["sources"][:2] == ["brand/templates/pages/login.html",
                                    "brand/templates/layouts/page.html"]
    verify = next(o for o in manifest["outputs"] if o["path"] == "dev/emails/verify_email.json")
    assert verify["resource"] == "email-templates/verify_email"
    assert manifest["tenants"]["dev"]["client_id_env"] == "MINIMAL_DEV_CLIENT_ID"


def test_manifest_is_indented_sorted_utf8_and_a_name_that_is_not_utf8_reads_back():
    manifest = {"tenants": {"café": {"manage": []}}, "format": 1,
                "outputs": [{"sources": ["brand/templates/emails/größe.html"], "size": 3}]}
    written = manifest_bytes(manifest)
    assert written == (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False)
                       + "\n").encode("utf-8")
    # A file name of bytes that are not UTF-8 reaches Python as lone surrogates.
    odd = {**manifest, "outputs": [{"sources": [os.fsdecode(b"brand/templates/\xff.html")]}]}
    assert json.loads(manifest_bytes(odd)) == odd


def test_email_settings_use_management_api_keys(workdir):
    CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    settings = json.loads((workdir / "dist/dev/emails/verify_email.json").read_text())
    assert settings == {
        "template": "verify_email",
        "from": "Minimal Dev <no-reply@minimal.example>",
        "subject": "Verify your email for Minimal Dev",
        "syntax": "liquid",
        "resultUrl": "https://{{ application.callback_domain }}/done",
        "urlLifetimeInSeconds": 432000,
        "includeEmailInRedirect": False,
        "enabled": True,
    }


def test_failed_build_leaves_the_previous_dist_exactly_as_it_was(workdir):
    assert CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"]).exit_code == 0
    before = _tree(workdir / "dist")
    template = workdir / "brand/templates/emails/verify_email.html"
    template.write_text(template.read_text().replace("[% endblock %]", "[% endblok %]"))
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 1
    assert _tree(workdir / "dist") == before
    assert not [p for p in workdir.iterdir() if p.name.startswith(".dist-")]


def test_successful_build_replaces_dist_whole(workdir):
    (workdir / "dist/.gitkeep").parent.mkdir()
    (workdir / "dist/.gitkeep").write_text("")
    assert CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"]).exit_code == 0
    (workdir / "dist/dev/pages/stale.html").write_text("not in the manifest: kept")
    manifest = json.loads((workdir / "dist/manifest.json").read_text())
    manifest["outputs"].append({**manifest["outputs"][0], "path": "dev/pages/gone.html"})
    (workdir / "dist/manifest.json").write_text(json.dumps(manifest))
    (workdir / "dist/dev/pages/gone.html").write_text("an output of the last build: replaced")
    assert CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"]).exit_code == 0
    assert not (workdir / "dist/dev/pages/gone.html").exists()
    assert (workdir / "dist/dev/pages/stale.html").read_text() == "not in the manifest: kept"
    assert (workdir / "dist/.gitkeep").exists()
    assert not [p for p in workdir.iterdir() if p.name.startswith(".dist-")]


def test_tenant_option_builds_only_the_named_tenants(workdir):
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist",
                                      "--tenant", "prod"])
    assert result.exit_code == 0
    assert {p.split("/")[0] for p in _tree(workdir / "dist") if "/" in p} == {"prod"}


def test_tenant_overrides_reach_pages_as_custom_properties_and_emails_as_literals(workdir):
    result = build(Path("brand"))
    outputs = {a.path: a.content for a in result.artifacts}
    # The page declares only the custom properties its rules read (color.text aliases primary).
    assert ":root{--color-background:#ffffff;--color-text:#004488}" in outputs[
        "prod/pages/login.html"]
    assert "--color-text:#0055aa" in outputs["dev/pages/login.html"]
    assert "var(--color-text)" in outputs["prod/pages/login.html"]
    assert "--color-primary: #004488;" in outputs["prod/tokens.css"]  # every token is there
    assert re.search(r'class="button"[^>]*background:#048', outputs["prod/emails/verify_email.html"])
    assert "var(" not in outputs["prod/emails/verify_email.html"]


@pytest.mark.parametrize("inliner", ["premailer", "css-inline"])
def test_liquid_zoo_survives_byte_identical_and_in_order(tmp_path, monkeypatch, inliner):
    """Every Liquid construct in every source reaches the output unchanged, in order."""
    brand = tmp_path / "brand"
    shutil.copytree(FIXTURES / "minimal", brand)
    shutil.copytree(FIXTURES / "liquid_zoo", brand, dirs_exist_ok=True)  # an overlay
    config = brand / "brand.toml"
    config.write_text(config.read_text().replace('name = "Minimal"',
                                                 f'name = "Minimal"\ninliner = "{inliner}"'))
    monkeypatch.chdir(tmp_path)
    outputs = {a.path: a.content for a in build(Path("brand")).artifacts}
    for output, source in (("dev/emails/verify_email.html", "emails/verify_email.html"),
                           ("dev/pages/login.html", "pages/login.html")):
        expected = LIQUID.findall((brand / "templates" / source).read_text())
        found = LIQUID.findall(outputs[output])
        if inliner == "css-inline":  # it moves `style` first inside a start tag; see test_inline
            assert sorted(found) == sorted(expected)
        else:
            assert found == expected
    assert '<script>var config = "@@config@@";</script>' in outputs["dev/pages/login.html"]
    assert 'href="{{ url }}"' in outputs["dev/emails/verify_email.html"]
    head = outputs["dev/pages/login.html"].split("</head>")[0]
    assert "{%- auth0:head -%}" in head


def test_reference_brand_keeps_every_liquid_construct_of_its_pages_and_emails():
    result = build(ROOT / "brand")
    for artifact in result.artifacts:
        if artifact.kind not in ("page", "email"):
            continue
        output = LIQUID.findall(artifact.content)
        # The output's own template is used whole (a layout's blocks may be overridden), so
        # its Liquid must appear as an ordered subsequence of the output's Liquid.
        for source in artifact.sources[:1]:
            text = re.sub(r"\[#.*?#\]", "", (ROOT / source).read_text(), flags=re.DOTALL)
            # Liquid that embeds build-time values ([[ ]]) is meant to change.
            expected = [c for c in LIQUID.findall(text) if "[[" not in c]
            remaining = iter(output)
            missing = [c for c in expected if not any(c == o for o in remaining)]
            assert not missing, f"{artifact.path} lost {missing} from {source}"


def test_unknown_tenant_is_a_one_line_error(workdir):
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--tenant", "qa"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        "ERROR brand/tenants.toml:1: unknown tenant 'qa' (choose one of: dev, prod)"
    ]


def test_debug_shows_the_traceback(workdir):
    result = CliRunner().invoke(cli, ["--debug", "build", "--brand", "brand", "--tenant", "qa"])
    assert result.exit_code == 1
    assert result.exception is not None and "unknown tenant" in str(result.exception)


def test_build_py_runs_the_same_cli(workdir):
    completed = subprocess.run(
        [sys.executable, str(ROOT / "build.py"), "build", "--brand", "brand", "--out", "out"],
        capture_output=True, text=True, timeout=120,
    )
    assert completed.returncode == 0, completed.stderr
    assert "Built 18 outputs for 2 tenant(s)" in completed.stdout
    assert (workdir / "out/manifest.json").is_file()


def test_write_dist_creates_a_missing_out_folder(tmp_path, monkeypatch):
    monkeypatch.chdir(FIXTURES.parent.parent)
    result = build(FIXTURES / "minimal", ["dev"])
    write_dist(result, tmp_path / "deep" / "dist")
    assert (tmp_path / "deep/dist/dev/pages/login.html").is_file()


def test_dist_keeps_ordinary_permissions(workdir):
    """The staging folder becomes dist/: it must not keep a temporary folder's 0700."""
    assert CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"]).exit_code == 0
    mask = os.umask(0)
    os.umask(mask)
    assert (workdir / "dist").stat().st_mode & 0o777 == 0o777 & ~mask


def test_an_out_path_that_is_a_file_is_a_one_line_error(workdir):
    (workdir / "dist").write_text("not a folder")
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit)
    assert result.output.strip().splitlines()[-1] == (
        "ERROR --out dist is a file, not a folder (pass --out a folder, or move the file away)")
    assert (workdir / "dist").read_text() == "not a folder"


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new))


@pytest.mark.parametrize("subject, message", [
    ("[[ 1 + 'a' ]]", "template error: unsupported operand type(s) for +: 'int' and 'str' "
     "(fix the value's [[ ]] and [% %] tags)"),
    ("[% include 'nope.html' %]", "template not found: 'nope.html' "
     "(create templates/nope.html or fix the name)"),
])
def test_a_failing_subject_is_a_template_error_not_a_traceback(workdir, subject, message):
    _edit(workdir / "brand/brand.toml", 'subject = "Enrol in MFA"', f'subject = "{subject}"')
    result = CliRunner().invoke(cli, ["build", "--brand", "brand", "--out", "dist"])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit)
    # The subject's own line (15), not its [emails.enrollment_email] header (14).
    assert result.output.strip().splitlines()[-1] == f"ERROR brand/brand.toml:15: {message}"


@pytest.mark.parametrize("setting, line, message", [
    ('[branding]\nlogo_url = "https://x.example/l.png"\n[branding.colors]\nprimary = '
     '"{color.primry}"\n', 5,
     "unknown token reference '{color.primry}' in 'branding.colors.primary' "
     "(did you mean 'color.primary'?)"),
    ('[branding]\nfavicon_url = "https://x.example/f.png"\nlogo_url = "[[ vars.logo ]]"\n', 4,
     "undefined variable 'logo' (define it, or guard it with [% if ... is defined %])"),
])
def test_settings_errors_name_their_line_in_brand_toml(workdir, setting, line, message):
    _edit(workdir / "brand/brand.toml", 'name = "Minimal"\n', f'name = "Minimal"\n{setting}')
    _edit(workdir / "brand/tenants.toml", '"emails"]', '"emails", "branding"]')
    with pytest.raises(BrandError) as caught:
        build(Path("brand"))
    assert str(caught.value) == f"brand/brand.toml:{line}: {message}"


def test_unknown_styles_key_is_an_error(workdir):
    _edit(workdir / "brand/brand.toml", 'name = "Minimal"\n',
          'name = "Minimal"\n[styles]\npgae = "styles/page.scss"\n')
    with pytest.raises(BrandError, match=r"brand/brand.toml:3: unknown key 'styles.pgae'"):
        build(Path("brand"))


def test_tenant_overrides_may_be_written_as_dotted_toml_keys(workdir):
    _edit(workdir / "brand/tenants.toml", '"color.primary" = "#004488"', 'color.primary = "#004488"')
    outputs = {a.path: a.content for a in build(Path("brand")).artifacts}
    assert "--color-text:#004488" in outputs["prod/pages/login.html"]


def test_a_managed_page_without_a_template_says_to_create_it_or_unmanage_it(workdir):
    _edit(workdir / "brand/tenants.toml", '"emails"]', '"emails", "classic_login"]')
    with pytest.raises(BrandError) as caught:
        build(Path("brand"))
    assert str(caught.value) == (
        "brand/tenants.toml:1: template not found: 'pages/classic_login.html' (create "
        "templates/pages/classic_login.html or remove 'classic_login' from tenants.dev.manage)")


def test_a_macro_imported_without_context_gets_a_hint_that_says_so(workdir):
    (workdir / "brand/templates/partials").mkdir()
    (workdir / "brand/templates/partials/m.html").write_text(
        "[% macro b() %]\nx [[ tokens.color.primary ]]\n[% endmacro %]\n")
    _edit(workdir / "brand/templates/emails/verify_email.html", "[% block rows %]",
          "[% block rows %]\n[% from 'partials/m.html' import b %][[ b() ]]")
    with pytest.raises(BrandError) as caught:
        build(Path("brand"))
    assert str(caught.value) == (
        "brand/templates/partials/m.html:2: undefined variable 'tokens' (import it with the "
        "context: [% from '...' import ... with context %])")


def test_parallel_build_matches_a_single_process_build(tmp_path, monkeypatch):
    """Tenants spread over worker processes give the same outputs, order and problems."""
    brand = tmp_path / "brand"
    shutil.copytree(FIXTURES / "minimal", brand)
    tenants = "".join(
        f'[tenants.t{n}]\ndomain = "t{n}.us.auth0.com"\ncustom_domain = "login.t{n}.example"\n'
        f'client_id_env = "T{n}_ID"\nclient_secret_env = "T{n}_SECRET"\n'
        f'[tenants.t{n}.tokens]\n"color.primary" = "#00{n}0aa"\n\n'
        for n in range(9)
    )
    (brand / "tenants.toml").write_text(tenants)
    # One warning per tenant's email, the same fault: it must be reported once.
    email = brand / "templates/emails/verify_email.html"
    email.write_text(email.read_text().replace("Verify</a>", "Verify {{ user.name }}</a>"))
    monkeypatch.chdir(tmp_path)
    from auth0_branding.build import parallel as parallel_build
    from auth0_branding.build.parallel import build_and_check

    single = build_and_check(Path("brand"), jobs=1)
    parallel = build_and_check(Path("brand"), jobs=2)
    assert [(a.path, a.content) for a in parallel.artifacts] == \
        [(a.path, a.content) for a in single.artifacts]
    assert parallel.problems == single.problems
    assert [p.code for p in single.problems] == ["unescaped"]
    # In tasks of two tenants, five for two workers: the same outputs in the same order.
    monkeypatch.setattr(parallel_build, "TASK_TENANTS", 2)
    told: list[int] = []
    tasks = build_and_check(Path("brand"), jobs=2,
                            progress=lambda stage, done, total: told.append(done))
    assert [(a.path, a.content) for a in tasks.artifacts] == \
        [(a.path, a.content) for a in single.artifacts]
    assert tasks.problems == single.problems
    assert len(told) == 5 and sorted(told) == told and told[-1] == 9


def test_a_second_build_in_one_process_reads_an_edited_template_and_its_new_include(
        tmp_path: Path) -> None:
    # A process (the preview) keeps its renderer from build to build: what it kept must
    # follow the files, an include added since among them.
    brand = tmp_path / "brand"
    shutil.copytree(ROOT / "brand", brand)
    first = {a.path: a for a in build(brand, ["prod"]).artifacts}
    assert "templates/partials/signature.html" not in " ".join(
        first["prod/emails/welcome_email.html"].sources)
    (brand / "templates/partials/signature.html").write_text(
        '<p class="ap-signature">The edited signature</p>\n', encoding="utf-8")
    template = brand / "templates/emails/welcome_email.html"
    text = template.read_text(encoding="utf-8")
    template.write_text(text.replace('[% block content %]',
                                     '[% block content %][% include "partials/signature.html" %]',
                                     1), encoding="utf-8")
    second = {a.path: a for a in build(brand, ["prod"]).artifacts}
    email = second["prod/emails/welcome_email.html"]
    assert "The edited signature" in email.content
    assert any(s.endswith("templates/partials/signature.html") for s in email.sources)
    assert second["prod/pages/login.html"].content == first["prod/pages/login.html"].content
