"""Hostile brand sources: every bad file gets one exact line, and nothing is written.

Covers brand.toml, tenants.toml, Sass, templates and fixtures, and the brand folder as a
sandbox (absolute paths, `..`, symlinks out, loops, FIFOs, folders, sizes, encodings).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest
from hostile import assert_refused, case

log = logging.getLogger(__name__)

# Fixtures are read by the commands that render scenarios; --check writes nothing.
SNAPSHOT = ("snapshot", "--brand", "brand", "--check", "--out", "snaps")
MIB = 1024 * 1024
OUTSIDE = "keep every source inside the brand folder; copy the file in instead of linking to it"
LOOP = "point the symlink at a real file inside the brand folder"
UTF8 = "save the file as UTF-8"
NUL = "remove it: Auth0 and browsers treat NUL as the end of the text"
BIG = "split it, or remove generated or pasted content"
FOLDER = "rename the folder, or move it out of the way"
FIFO = "replace it with a regular file"
UNREADABLE = "make it readable by the user running the build"
SASS_OUTSIDE = "import only Sass files inside the brand folder"
NAME_OUTSIDE = "use a path relative to the brand folder, inside it"


# -- small mutations -------------------------------------------------------------------


def write(relative: str, data: bytes | str) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        path = brand / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode() if isinstance(data, str) else data)
    return mutate


def append(relative: str, data: bytes | str) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        with open(brand / relative, "ab") as handle:
            handle.write(data.encode() if isinstance(data, str) else data)
    return mutate


def replace(relative: str, old: str, new: bytes | str) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        path = brand / relative
        data = path.read_bytes()
        assert old.encode() in data
        path.write_bytes(data.replace(old.encode(), new.encode() if isinstance(new, str) else new))
    return mutate


def swap(relative: str, make: Callable[[Path], None]) -> Callable[[Path], None]:
    """Put what `make` creates (a link, a folder, a FIFO) where `relative` was, if it was."""
    def mutate(brand: Path) -> None:
        path = brand / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.exists():
            path.unlink()
        make(path)
    return mutate


def symlink_out(relative: str, content: str = "outside\n") -> Callable[[Path], None]:
    """Make `relative` a symlink to a file beside the brand folder (outside it)."""
    def make(path: Path) -> None:
        secret = path.parents[len(Path(relative).parts)] / "secret.txt"
        secret.write_text(content)
        path.symlink_to(os.path.relpath(secret, path.parent))
    return swap(relative, make)


def loop(relative: str) -> Callable[[Path], None]:
    def make(path: Path) -> None:
        other = path.with_name(f"{path.name}.loop")
        other.symlink_to(path.name)
        path.symlink_to(other.name)
    return swap(relative, make)


def folder(relative: str) -> Callable[[Path], None]:
    return swap(relative, Path.mkdir)


def fifo(relative: str) -> Callable[[Path], None]:
    return swap(relative, os.mkfifo)


def unreadable(relative: str) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        (brand / relative).chmod(0)
    return mutate


def both(*mutations: Callable[[Path], None]) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        for mutation in mutations:
            mutation(brand)
    return mutate


def outside_file(name: str, content: str) -> Callable[[Path], None]:
    def mutate(brand: Path) -> None:
        (brand.parent / name).write_text(content)
    return mutate


def folder_out(relative: str) -> Callable[[Path], None]:
    """Move the folder `relative` out of the brand and leave a symlink to it in its place."""
    def mutate(brand: Path) -> None:
        moved = brand.parent / f"moved-{Path(relative).name}"
        (brand / relative).rename(moved)
        (brand / relative).symlink_to(os.path.relpath(moved, (brand / relative).parent))
    return mutate


def fixtures(name: str = "login.json", data: bytes | str | None = None) -> Callable[[Path], None]:
    """Give the brand a valid login fixtures file, or `data` in its place."""
    good = '{\n  "scenarios": {\n    "default": {"data": {"prompt": {"name": "login"}}}\n  }\n}\n'
    return write(f"fixtures/{name}", good if data is None else data)


def deep_json(depth: int) -> str:
    return '{"scenarios": {"deep": {"data": {"x": ' + "[" * depth + "]" * depth + "}}}}\n"


SUBJECT = 'subject = "Verify your email for [[ vars.company_name ]]"'
PAGE_IMPORTS = '@import "tokens";'

CASES = [
    # -- brand.toml --------------------------------------------------------------------
    case("brand-toml-bad-utf8", replace("brand.toml", "Minimal Co", b"Minimal \xff Co"),
         f"brand/brand.toml:4: not valid UTF-8 (byte 0xff) ({UTF8})"),
    case("brand-toml-latin1", replace("brand.toml", "Minimal Co", "Minimal Café".encode("latin-1")),
         f"brand/brand.toml:4: not valid UTF-8 (byte 0xe9) ({UTF8})"),
    case("brand-toml-nul-byte", replace("brand.toml", "Minimal Co", b"Minimal\x00Co"),
         f"brand/brand.toml:4: contains a NUL byte ({NUL})"),
    case("brand-toml-nul-escape-in-variable",
         replace("brand.toml", '"Minimal Co"', '"Minimal\\u0000Co"'),
         "brand/brand.toml:4: 'variables.company_name' contains a NUL character "
         "(remove the \\u0000 escape)"),
    case("brand-toml-nul-escape-in-subject",
         replace("brand.toml", SUBJECT, 'subject = "Verify\\u0000"'),
         "brand/brand.toml:11: 'emails.verify_email.subject' contains a NUL character "
         "(remove the \\u0000 escape)"),
    case("brand-toml-is-a-folder", folder("brand.toml"),
         f"brand/brand.toml: expected a configuration file, found a folder ({FOLDER})"),
    case("brand-toml-is-a-fifo", fifo("brand.toml"),
         "brand/brand.toml: not a regular file (a FIFO, socket or device): configuration "
         f"sources must be plain files ({FIFO})", subprocess=True),
    case("brand-toml-too-big", append("brand.toml", "# padding\n" * (MIB // 10 + 1)),
         f"brand/brand.toml: configuration file is 1.0 MiB, over the 1.0 MiB limit ({BIG})"),
    case("brand-toml-symlinked-from-outside", symlink_out("brand.toml", 'name = "x"\n'),
         f"brand/brand.toml: brand/brand.toml lies outside the brand folder ({OUTSIDE})"),
    case("brand-toml-symlink-loop", loop("brand.toml"),
         f"brand/brand.toml: symlink loop at brand/brand.toml ({LOOP})"),
    case("brand-toml-unreadable", unreadable("brand.toml"),
         f"brand/brand.toml: cannot read configuration file (permission denied) ({UNREADABLE})",
         drop_file_overrides=True),
    case("brand-toml-nested-too-deeply",
         append("brand.toml", "\n[variables.deep]  # don't [[[\nx = " + "[" * 100_000
                + "]" * 100_000 + "\n"),
         "brand/brand.toml:18: TOML nested too deeply to read "
         "(flatten the nested arrays or inline tables)"),
    case("styles-page-absolute", append("brand.toml", '\n[styles]\npage = "/etc/passwd"\n'),
         f"brand/brand.toml:18: styles.page '/etc/passwd' lies outside the brand folder "
         f"({NAME_OUTSIDE})"),
    case("styles-email-leaves-the-brand",
         both(outside_file("email.scss", ".x { color: red; }\n"),
              append("brand.toml", '\n[styles]\nemail = "styles/../../email.scss"\n')),
         "brand/brand.toml:18: styles.email 'styles/../../email.scss' lies outside the brand "
         f"folder ({NAME_OUTSIDE})"),
    case("styles-page-symlinked-from-outside",
         both(symlink_out("styles/linked.scss", ".x { color: red; }\n"),
              append("brand.toml", '\n[styles]\npage = "styles/linked.scss"\n')),
         f"brand/brand.toml:18: brand/styles/linked.scss lies outside the brand folder ({OUTSIDE})"),
    case("styles-page-missing", append("brand.toml", '\n[styles]\npage = "styles/nope.scss"\n'),
         "brand/brand.toml:18: file not found: brand/styles/nope.scss "
         "(create it, or fix the name that points at it)"),
    case("preview-assets-root",
         append("brand.toml", '\n[preview]\nassets = { "https://a.example/" = "/" }\n'),
         f"brand/brand.toml:18: preview asset folder '/' lies outside the brand folder "
         f"({NAME_OUTSIDE})"),
    case("preview-assets-parent",
         append("brand.toml", '\n[preview.assets]\n"https://a.example/" = "assets/../../"\n'),
         "brand/brand.toml:18: preview asset folder 'assets/../../' lies outside the brand "
         f"folder ({NAME_OUTSIDE})"),
    case("email-from-default-error-at-its-line",
         replace("brand.toml", "[[ vars.company_name ]] <no", "[[ vars.company ]] <no"),
         "brand/brand.toml:8: undefined variable 'company' "
         "(define it, or guard it with [% if ... is defined %])"),
    case("email-default-of-the-wrong-type-at-its-line",
         replace("brand.toml", "[email_defaults]\n", "[email_defaults]\nenabled = \"yes\"\n"),
         "brand/brand.toml:8: 'email_defaults.enabled' must be a boolean, not a string "
         "(set enabled to a boolean)"),
    case("email-subject-error-at-its-line",
         replace("brand.toml", SUBJECT, 'subject = "[% if %]"'),
         "brand/brand.toml:11: template syntax error: Expected an expression, got 'end of "
         "statement block' (check the [[ ]] and [% %] tags)"),
    # -- tenants.toml ------------------------------------------------------------------
    case("tenants-toml-bad-utf8", replace("tenants.toml", "Minimal Dev", b"Minimal \xfe Dev"),
         f"brand/tenants.toml:9: not valid UTF-8 (byte 0xfe) ({UTF8})"),
    case("tenants-toml-nul-byte", replace("tenants.toml", "Minimal Dev", b"Minimal\x00Dev"),
         f"brand/tenants.toml:9: contains a NUL byte ({NUL})"),
    case("tenants-toml-nul-escape",
         replace("tenants.toml", '"Minimal Dev"', '"Minimal\\u0000Dev"'),
         "brand/tenants.toml:9: 'tenants.dev.variables.company_name' contains a NUL character "
         "(remove the \\u0000 escape)"),
    case("tenants-toml-is-a-folder", folder("tenants.toml"),
         f"brand/tenants.toml: expected a configuration file, found a folder ({FOLDER})"),
    case("tenants-toml-symlinked-from-outside", symlink_out("tenants.toml"),
         f"brand/tenants.toml: brand/tenants.toml lies outside the brand folder ({OUTSIDE})"),
    case("tenants-toml-too-big", append("tenants.toml", "#" * (2 * MIB)),
         f"brand/tenants.toml: configuration file is 2.0 MiB, over the 1.0 MiB limit ({BIG})"),
    case("tenants-toml-unreadable", unreadable("tenants.toml"),
         f"brand/tenants.toml: cannot read configuration file (permission denied) ({UNREADABLE})",
         drop_file_overrides=True),
    # -- Sass --------------------------------------------------------------------------
    case("sass-import-absolute", append("styles/page.scss", '@import "/etc/passwd";\n'),
         f"brand/styles/page.scss:4: @import '/etc/passwd' lies outside the brand folder "
         f"({SASS_OUTSIDE})"),
    case("sass-import-leaves-the-brand",
         both(outside_file("_theft.scss", ".x { color: red; }\n"),
              append("styles/page.scss", '@import "../../theft";\n')),
         f"brand/styles/page.scss:4: @import '../../theft' lies outside the brand folder "
         f"({SASS_OUTSIDE})"),
    case("sass-partial-symlinked-from-outside",
         both(symlink_out("styles/_evil.scss", ".x { color: red; }\n"),
              append("styles/page.scss", '@import "evil";\n')),
         f"brand/styles/page.scss:4: brand/styles/_evil.scss lies outside the brand folder "
         f"({OUTSIDE})"),
    case("sass-partial-symlink-loop",
         both(loop("styles/_loop.scss"), append("styles/email.scss", '\n@import "loop";\n')),
         f"brand/styles/email.scss:5: symlink loop at brand/styles/_loop.scss ({LOOP})"),
    case("sass-entry-bad-utf8", append("styles/page.scss", b"/* \xc3\x28 */\n"),
         f"brand/styles/page.scss:4: not valid UTF-8 (byte 0xc3) ({UTF8})"),
    case("sass-partial-bad-utf8",
         both(write("styles/_bad.scss", b".a { color: red; }\n\n.b { content: '\xff'; }\n"),
              append("styles/page.scss", '@import "bad";\n')),
         f"brand/styles/_bad.scss:3: not valid UTF-8 (byte 0xff) ({UTF8})"),
    case("sass-partial-nul-byte",
         both(write("styles/_nul.scss", b".a { content: 'x\x00'; }\n"),
              append("styles/page.scss", '@import "nul";\n')),
         f"brand/styles/_nul.scss:1: contains a NUL byte ({NUL})"),
    case("sass-partial-too-big",
         both(write("styles/_huge.scss", "/* padding */\n" * (20 * MIB // 14)),
              append("styles/page.scss", '@import "huge";\n')),
         f"brand/styles/_huge.scss: Sass file is 20.0 MiB, over the 2.0 MiB limit ({BIG})"),
    case("styles-page-is-a-folder", append("brand.toml", '\n[styles]\npage = "styles"\n'),
         f"brand/styles: expected a Sass file, found a folder ({FOLDER})"),
    case("sass-partial-is-a-fifo",
         both(fifo("styles/_pipe.scss"), append("styles/page.scss", '@import "pipe";\n')),
         "brand/styles/_pipe.scss: not a regular file (a FIFO, socket or device): Sass sources "
         f"must be plain files ({FIFO})", subprocess=True),
    case("sass-partial-unreadable",
         both(write("styles/_locked.scss", ".a { color: red; }\n"), unreadable("styles/_locked.scss"),
              append("styles/page.scss", '@import "locked";\n')),
         f"brand/styles/_locked.scss: cannot read Sass file (permission denied) ({UNREADABLE})",
         drop_file_overrides=True),
    case("sass-import-missing", append("styles/page.scss", '@import "nowhere";\n'),
         "brand/styles/page.scss:4: Sass error: File to import not found or unreadable: "
         "nowhere. (fix the Sass source)"),
    case("sass-endless-while",
         append("styles/page.scss", "$i: 0;\n@while $i < 1 { $j: $i; }\n"),
         "brand/styles/page.scss: Sass compilation did not finish within 5 s "
         "(look for an endless @while or @for loop in the Sass)", subprocess=True),
    case("sass-recursive-function",
         append("styles/page.scss", "@function f($n) { @return f($n); }\n.a { b: f(1); }\n"),
         "brand/styles/page.scss:4: Sass error: Stack depth exceeded max of 1024 "
         "(fix the Sass source)"),
    case("sass-recursive-mixin-in-a-partial",
         both(write("styles/_loops.scss", "// helpers\n@mixin m { @include m; }\n"),
              append("styles/page.scss", '@import "loops";\n.a { @include m; }\n')),
         "brand/styles/_loops.scss:2: Sass error: SystemStackError: stack level too deep "
         "(fix the Sass source)"),
    # -- templates ---------------------------------------------------------------------
    case("template-include-etc-passwd",
         replace("templates/pages/login.html", "[% block body %]",
                 '[% block body %]\n[% include "../../etc/passwd" %]'),
         "brand/templates/pages/login.html:6: template not found: '../../etc/passwd' "
         "(create templates/../../etc/passwd or fix the name)"),
    case("template-extends-an-absolute-path",
         replace("templates/pages/login.html", '[% extends "layouts/page.html" %]',
                 '[% extends "/etc/passwd" %]'),
         "brand/templates/pages/login.html:1: template not found: '/etc/passwd' "
         "(create templates//etc/passwd or fix the name)"),
    case("subject-includes-etc-passwd",
         replace("brand.toml", SUBJECT, "subject = \"[% include '../../etc/passwd' %]\""),
         "brand/brand.toml:11: template not found: '../../etc/passwd' "
         "(create templates/../../etc/passwd or fix the name)"),
    case("template-symlinked-from-outside", symlink_out("templates/pages/login.html"),
         "brand/templates/pages/login.html: brand/templates/pages/login.html lies outside the "
         f"brand folder ({OUTSIDE})"),
    case("templates-folder-symlinked-from-outside", folder_out("templates"),
         "brand/templates/pages/login.html: brand/templates/pages/login.html lies outside the "
         f"brand folder ({OUTSIDE})"),
    case("styles-folder-symlinked-from-outside", folder_out("styles"),
         f"brand/styles/page.scss: brand/styles/page.scss lies outside the brand folder ({OUTSIDE})"),
    case("partial-symlinked-from-outside",
         both(symlink_out("templates/partials/legal.html"),
              replace("templates/layouts/email.html", "</table>",
                      '[% include "partials/legal.html" %]\n</table>')),
         "brand/templates/partials/legal.html: brand/templates/partials/legal.html lies outside "
         f"the brand folder ({OUTSIDE})"),
    case("partial-symlink-loop",
         both(loop("templates/partials/legal.html"),
              replace("templates/layouts/email.html", "</table>",
                      '[% include "partials/legal.html" %]\n</table>')),
         "brand/templates/partials/legal.html: symlink loop at "
         f"brand/templates/partials/legal.html ({LOOP})"),
    case("template-bad-utf8", replace("templates/layouts/page.html", "<body>", b"<body>\xff"),
         f"brand/templates/layouts/page.html:8: not valid UTF-8 (byte 0xff) ({UTF8})"),
    case("template-nul-byte", replace("templates/emails/verify_email.html", "Verify", b"Ver\x00ify"),
         f"brand/templates/emails/verify_email.html:4: contains a NUL byte ({NUL})"),
    case("template-nul-escape",
         replace("templates/pages/error_page.html", "</", '[[ "\\x00" ]]</'),
         "brand/templates/pages/error_page.html: the rendered output contains a NUL character "
         "(remove the \\x00 (or \\0) escape from the template)"),
    case("template-too-big", append("templates/layouts/email.html", "<!-- x -->\n" * (MIB // 11 + 1)),
         f"brand/templates/layouts/email.html: template file is 1.0 MiB, over the 1.0 MiB limit "
         f"({BIG})"),
    case("template-is-a-folder", folder("templates/pages/login.html"),
         f"brand/templates/pages/login.html: expected a template file, found a folder ({FOLDER})"),
    case("partial-is-a-fifo",
         both(fifo("templates/partials/legal.html"),
              replace("templates/layouts/email.html", "</table>",
                      '[% include "partials/legal.html" %]\n</table>')),
         "brand/templates/partials/legal.html: not a regular file (a FIFO, socket or device): "
         f"template sources must be plain files ({FIFO})", subprocess=True),
    case("template-unreadable", unreadable("templates/layouts/page.html"),
         "brand/templates/layouts/page.html: cannot read template file (permission denied) "
         f"({UNREADABLE})", drop_file_overrides=True),
    # -- fixtures ----------------------------------------------------------------------
    case("fixture-bad-utf8", fixtures(data=b'{\n  "scenarios": {\xff}\n}\n'),
         f"brand/fixtures/login.json:2: not valid UTF-8 (byte 0xff) ({UTF8})", args=SNAPSHOT),
    case("fixture-nul-byte", fixtures(data=b'{\n\n  "scenarios": {"a\x00": {}}\n}\n'),
         f"brand/fixtures/login.json:3: contains a NUL byte ({NUL})", args=SNAPSHOT),
    case("fixture-nested-100000-deep", fixtures(data=deep_json(100_000)),
         "brand/fixtures/login.json:1: fixtures nested more than 64 levels deep "
         "(flatten the data: Auth0's own objects are a few levels deep)", args=SNAPSHOT),
    case("fixture-nested-100-deep", fixtures(data=deep_json(100)),
         "brand/fixtures/login.json:1: fixtures nested more than 64 levels deep "
         "(flatten the data: Auth0's own objects are a few levels deep)", args=SNAPSHOT),
    case("fixture-duplicate-key",
         fixtures(data='{\n  "scenarios": {\n    "a": {"user": {"name": "x"}},\n'
                       '    "b": {"user": {"name": "x"}},\n    "a": {}\n  }\n}\n'),
         "brand/fixtures/login.json:5: duplicate key 'a' in scenarios (first on line 3) "
         "(remove one of them: JSON would silently keep only the last)", args=SNAPSHOT),
    case("fixture-duplicate-nested-key",
         fixtures(data='{\n  "scenarios": {\n    "a": {"user": {"name": "x",\n'
                       '      "name": "y"}}\n  }\n}\n'),
         "brand/fixtures/login.json:4: duplicate key 'name' in scenarios.a.user (first on line 3)"
         " (remove one of them: JSON would silently keep only the last)", args=SNAPSHOT),
    case("fixture-nan", fixtures(data='{\n  "scenarios": {\n    "a": {"n": NaN}\n  }\n}\n'),
         "brand/fixtures/login.json:3: NaN is not a finite JSON number (write a finite "
         "number)", args=SNAPSHOT),
    case("fixture-too-big", fixtures(data='{"scenarios": {}, "pad": "' + "x" * (5 * MIB) + '"}'),
         f"brand/fixtures/login.json: fixture file is 5.0 MiB, over the 4.0 MiB limit ({BIG})",
         args=SNAPSHOT),
    case("fixture-symlinked-from-outside", symlink_out("fixtures/login.json", "{}"),
         f"brand/fixtures/login.json: brand/fixtures/login.json lies outside the brand folder "
         f"({OUTSIDE})", args=SNAPSHOT),
    case("common-fixture-symlink-loop", both(fixtures(), loop("fixtures/common.json")),
         f"brand/fixtures/common.json: symlink loop at brand/fixtures/common.json ({LOOP})",
         args=SNAPSHOT),
    case("fixture-is-a-folder", folder("fixtures/login.json"),
         f"brand/fixtures/login.json: expected a fixture file, found a folder ({FOLDER})",
         args=SNAPSHOT),
    case("fixture-is-a-fifo", fifo("fixtures/login.json"),
         "brand/fixtures/login.json: not a regular file (a FIFO, socket or device): fixture "
         f"sources must be plain files ({FIFO})", args=SNAPSHOT, subprocess=True),
    case("fixture-unreadable", both(fixtures(), unreadable("fixtures/login.json")),
         f"brand/fixtures/login.json: cannot read fixture file (permission denied) ({UNREADABLE})",
         args=SNAPSHOT, drop_file_overrides=True),
]


@pytest.mark.parametrize("hostile", CASES, ids=[c.id for c in CASES])
def test_refused(hostile, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert_refused(hostile, tmp_path)


def test_every_case_is_distinct() -> None:
    assert len({c.id for c in CASES}) == len(CASES) >= 40


# -- what must keep working ----------------------------------------------------------


def test_a_byte_order_mark_in_the_toml_files_builds_as_without(tmp_path: Path, monkeypatch) -> None:
    from brand_overlay import make_brand, run_cli, snapshot

    monkeypatch.chdir(tmp_path)
    make_brand(None, tmp_path, "plain")
    marked = make_brand(None, tmp_path, "marked")
    for name in ("brand.toml", "tenants.toml"):
        prepend = b"\xef\xbb\xbf" + (marked / name).read_bytes()
        (marked / name).write_bytes(prepend)
    for brand in ("plain", "marked"):
        outcome = run_cli("build", "--brand", brand, "--out", f"dist-{brand}")
        assert (outcome.exit_code, outcome.stderr) == (0, "")
    without = {k: v for k, v in snapshot(tmp_path / "dist-plain").items() if k != "manifest.json"}
    marked_out = snapshot(tmp_path / "dist-marked")
    assert {k: marked_out[k] for k in without} == without


def test_a_partial_symlinked_inside_the_brand_is_followed(tmp_path: Path, monkeypatch) -> None:
    from brand_overlay import make_brand, run_cli

    monkeypatch.chdir(tmp_path)
    brand = make_brand(None, tmp_path)
    (brand / "shared").mkdir()
    (brand / "shared/_accent.scss").write_text(".accent { color: #abcdef; }\n")
    (brand / "styles/_accent.scss").symlink_to("../shared/_accent.scss")
    with open(brand / "styles/page.scss", "a") as handle:
        handle.write('@import "accent";\n')
    outcome = run_cli("build", "--brand", "brand", "--out", "dist")
    assert (outcome.exit_code, outcome.stderr) == (0, "")
    assert ".accent{color:#abcdef}" in (tmp_path / "dist/dev/pages/login.html").read_text()


def test_the_preview_never_serves_a_file_outside_the_brand(tmp_path: Path, monkeypatch) -> None:
    from brand_overlay import make_brand

    from auth0_branding.preview.site import BrandPreview

    monkeypatch.chdir(tmp_path)
    brand = make_brand(None, tmp_path)
    with open(brand / "brand.toml", "a") as handle:
        handle.write('\n[preview]\nassets = { "https://a.example/" = "assets/" }\n')
    (brand / "assets").mkdir()
    (brand / "assets/logo.svg").write_text("<svg/>")
    (brand / "assets/passwd").symlink_to(tmp_path / "secret.txt")
    (tmp_path / "secret.txt").write_text("root:x:0:0\n")
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere/logo.svg").write_text("<svg>outside</svg>")
    site = BrandPreview(brand)
    assert site.rebuild(frozenset()).failure is None
    page = site.respond(("assets", "0", "logo.svg"), {})
    assert page is not None and page.body == b"<svg/>"
    assert site.respond(("assets", "0", "passwd"), {}) is None
    # The folder itself swapped for a symlink out of the brand after the mapping was checked.
    (brand / "assets/logo.svg").unlink()
    (brand / "assets/passwd").unlink()
    (brand / "assets").rmdir()
    (brand / "assets").symlink_to(tmp_path / "elsewhere")
    assert site.respond(("assets", "0", "logo.svg"), {}) is None
