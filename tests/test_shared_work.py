"""Work a fleet's tenants share is done once: source versions, token writings, custom text."""

from __future__ import annotations

import json
import os
import pickle
from pathlib import Path

from fleet import fleet_brand
from hypothesis import given
from hypothesis import strategies as st

from auth0_branding.brand.colours import WHITE
from auth0_branding.brand.config import load_config
from auth0_branding.brand.sourcemap import once_per_build, one_version_each, source_version
from auth0_branding.brand.tokens import literals, to_scss
from auth0_branding.build.artifacts import json_text
from auth0_branding.build.builder import TenantBuilder
from auth0_branding.build.parallel import build_and_check


def _edit(path: Path, text: str) -> None:
    path.write_text(text, encoding="utf-8")
    later = path.stat().st_mtime_ns + 10**9  # past any mtime granularity
    os.utime(path, ns=(later, later))


def test_within_a_build_each_source_is_seen_in_one_version(tmp_path: Path) -> None:
    source = tmp_path / "layout.html"
    _edit(source, "<p>one</p>")
    first = source_version(str(source))
    with one_version_each():
        assert source_version(str(source)) == first
        _edit(source, "<p>two, longer</p>")
        assert source_version(str(source)) == first  # the build goes on reading one state
        with one_version_each():  # nested: the same build
            assert source_version(str(source)) == first
    after = source_version(str(source))
    assert after is not None and after != first  # the next build sees the edit


def test_what_follows_from_the_sources_is_found_once_per_build() -> None:
    calls: list[int] = []

    def find() -> int:
        calls.append(1)
        return len(calls)

    assert [once_per_build("k", find), once_per_build("k", find)] == [1, 2]  # no build
    with one_version_each():
        assert [once_per_build("k", find), once_per_build("k", find)] == [3, 3]
    with one_version_each():  # a new build finds again
        assert once_per_build("k", find) == 4


def test_a_build_edited_while_it_ran_is_not_recorded_and_the_next_one_reads_the_edit(
        tmp_path: Path) -> None:
    from click.testing import CliRunner

    from auth0_branding.cli import cli

    brand = fleet_brand(tmp_path / "fleet", 2)
    out, cache = tmp_path / "dist", tmp_path / "cache"
    args = ["build", "--brand", str(brand), "--out", str(out), "--cache", str(cache)]
    assert CliRunner().invoke(cli, args).exit_code == 0
    welcome = brand / "templates/emails/welcome_email.html"
    _edit(welcome, welcome.read_text(encoding="utf-8").replace(
        'class="ap-title', 'data-edited="yes" class="ap-title', 1))
    again = CliRunner().invoke(cli, args)
    assert again.exit_code == 0 and "unchanged" not in again.output
    assert 'data-edited="yes"' in (out / "customer0000/emails/welcome_email.html").read_text(
        encoding="utf-8")


def test_tenants_sharing_a_token_set_share_what_is_written_from_it(tmp_path: Path) -> None:
    config = load_config(fleet_brand(tmp_path / "fleet", 3, distinct=False))
    builder = TenantBuilder(config)
    first, second = (builder.tenant_tokens.of(t) for t in config.tenants[:2])
    assert first is second
    assert to_scss(first, "page") is to_scss(second, "page")
    assert literals(first, "email", WHITE) is literals(second, "email", WHITE)
    # What is kept for the set is not sent along with it to another process.
    copied = pickle.loads(pickle.dumps(first))
    assert copied == first and "_derived" not in copied.__dict__
    assert to_scss(copied, "page") == to_scss(first, "page")


def test_shared_tenants_build_what_distinct_builds_would(tmp_path: Path) -> None:
    brand = fleet_brand(tmp_path / "fleet", 3, distinct=False)
    result = build_and_check(brand, jobs=1)
    by_tenant: dict[str, dict[str, str]] = {}
    for artifact in result.artifacts:
        by_tenant.setdefault(artifact.tenant, {})[artifact.path.split("/", 1)[1]] = (
            artifact.content.replace(artifact.tenant, "TENANT"))
    one, two, three = by_tenant.values()
    assert one == two == three
    for tenant in ("customer0000", "customer0002"):
        alone = build_and_check(brand, [tenant], jobs=1)
        assert {a.path: a.content for a in alone.artifacts} == {
            a.path: a.content for a in result.artifacts if a.tenant == tenant}


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: st.lists(children) | st.dictionaries(st.text(), children), max_leaves=20)


@given(_JSON)
def test_json_outputs_are_written_as_the_json_module_indents_them(data: object) -> None:
    # Written once per distinct text (a fleet's settings repeat): never differently.
    assert json_text(data) == json.dumps(data, indent=2, sort_keys=True,
                                         ensure_ascii=False) + "\n"
