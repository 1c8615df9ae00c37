"""Screenshot every output in every scenario, and compare them with a git ref's."""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack, contextmanager
from pathlib import Path

from ..brand.config import load_config
from ..brand.scenarios import load_scenarios
from ..build.builder import build
from ..dist.folder import (
    REVIEW_MARKER,
    clean_leftovers,
    contents_of,
    discard,
    output_lock,
    refuse_unsafe,
    resolve_output,
    staging_folder,
    swap_in,
)
from ..errors import BrandError, did_you_mean, display_path
from ..render.languages import Languages
from ..render.sample import render_samples
from .shots import DEFAULT_JOBS, Progress, Shot, capture, diff_images
from .snapshot import check_scenario_name
from .views import Comparison, RenderedViews, Review, View

log = logging.getLogger(__name__)

REVIEW_DIR = Path("dist/review")
WIDTHS = {"page": (375, 1280), "email": (375, 600), "phone": (375,)}
CURRENT, BASE, DIFF = "current", "base", "diff"
# Present in every folder this command wrote: only such a folder is ever replaced whole.
MARKER = REVIEW_MARKER
_GIT_TIMEOUT_S = 120


def review(
    brand_dir: Path, out_dir: Path = REVIEW_DIR, tenant_names: Iterable[str] = (),
    *, base: str | None = None, only: Sequence[str] = (), jobs: int = DEFAULT_JOBS,
    progress: Progress | None = None,
) -> Review:
    """Screenshot the brand (and `base`, a git ref) into a gallery that replaces `out_dir`.

    `progress(stage, done, total)` follows the build, the rendering and the screenshots.
    """
    from .gallery import write_gallery

    started = time.perf_counter()
    target = resolve_output(out_dir)
    refuse_unsafe(target, brand_dir)
    _check_out_dir(target)
    tenant_names = tuple(dict.fromkeys(tenant_names))
    current = plan_views(brand_dir, tenant_names, only, strict=True, progress=progress)
    before = RenderedViews({}, {}, current.fingerprint)
    with ExitStack() as stack:
        if base is not None:
            # The worktree stays until the shots are taken: its asset files are served.
            base_brand = stack.enter_context(base_checkout(brand_dir, base))
            try:
                before = plan_views(base_brand, tenant_names, only, strict=False)
            except BrandError as error:
                raise BrandError(f"the brand at {base} does not build: {error}",
                                 hint="compare with a ref whose brand builds") from error
        same_assets = before.fingerprint == current.fingerprint
        target.parent.mkdir(parents=True, exist_ok=True)
        stack.enter_context(output_lock(target))
        clean_leftovers(target, lambda folder: (folder / MARKER).is_file())
        _check_out_dir(target)
        staging = staging_folder(target)
        try:
            shots = [Shot(html, view.width, staging / CURRENT / view.image, current.assets)
                     for view, html in current.views.items()]
            # The same HTML with the same assets renders to the same pixels: no second shot.
            shots += [Shot(html, view.width, staging / BASE / view.image, before.assets)
                      for view, html in before.views.items()
                      if not same_assets or current.views.get(view) != html]
            capture(shots, jobs, progress)
            comparisons = compare_views(current.views, before.views, staging,
                                        base is not None, same_assets=same_assets)
            tenants = tuple(dict.fromkeys(v.tenant for v in (*current.views, *before.views)))
            result = Review(out_dir, base, tuple(comparisons), tenants, 0.0, current.languages)
            write_gallery(result, staging)
            (staging / MARKER).write_text("written by `auth0-branding review`\n",
                                          encoding="utf-8")
            swap_in(staging, target)
        except BaseException:
            discard(staging)
            raise
    return Review(out_dir, base, result.comparisons, tenants, time.perf_counter() - started,
                  current.languages)


def plan_views(
    brand_dir: Path, tenant_names: Sequence[str], only: Sequence[str], *, strict: bool,
    progress: Progress | None = None,
) -> RenderedViews:
    """Build and render the brand in memory: the HTML of each view, and its asset files."""
    if not strict and tenant_names:
        # A tenant added since the base ref has no base views: everything of it is new.
        known = {t.name for t in load_config(brand_dir).tenants}
        tenant_names = [name for name in tenant_names if name in known]
        if not tenant_names:
            return RenderedViews({}, {}, "")
    result = build(brand_dir, tenant_names, progress)
    outputs = {(a.kind, a.name) for a in result.artifacts if a.kind in WIDTHS}
    if strict:
        _check_only(only, outputs)
    views: dict[View, str] = {}
    languages = Languages.of(result)
    for sample in render_samples(result.artifacts, load_scenarios(brand_dir), languages,
                                 progress):
        check_scenario_name(sample, brand_dir)  # it becomes part of a screenshot's path
        artifact = sample.artifact
        if only and f"{artifact.kind}s" not in only and artifact.name not in only:
            continue
        for width in WIDTHS[artifact.kind]:
            view = View(artifact.tenant, artifact.kind, artifact.name, sample.scenario.name, width,
                        sample.language)
            views[view] = sample.html
    assets = dict(getattr(result.config, "preview_assets", {}) or {})
    return RenderedViews(views, assets, _fingerprint(assets),
                         languages.codes if languages else ())


def _fingerprint(assets: Mapping[str, Path]) -> str:
    """Hash every file the asset mapping can serve, so a changed logo counts as a change."""
    digest = hashlib.sha256()
    for prefix, folder in sorted(assets.items()):
        digest.update(prefix.encode("utf-8") + b"\0")
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            digest.update(path.relative_to(folder).as_posix().encode("utf-8") + b"\0")
            digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def _check_only(only: Sequence[str], outputs: set[tuple[str, str]]) -> None:
    known = {f"{kind}s" for kind in WIDTHS} | {name for _, name in outputs}
    for value in only:
        if value not in known:
            raise BrandError(f"--only '{value}' matches no output",
                             hint=did_you_mean(value, known)
                             or f"choose from: {', '.join(sorted(known))}")


# -- comparison ----------------------------------------------------------------------


def compare_views(
    current: Mapping[View, str], before: Mapping[View, str], root: Path, with_base: bool,
    *, same_assets: bool = True,
) -> list[Comparison]:
    """Pair each view with its base shot; pixel-diff the pairs whose HTML or assets changed."""
    order = _ordering([*current, *before])
    if not with_base:
        return [Comparison(v, "current", None, f"{CURRENT}/{v.image}")
                for v in sorted(current, key=order)]
    views = sorted(set(current) | set(before), key=order)
    differing = [v for v in views if v in current and v in before
                 and (current[v] != before[v] or not same_assets)]
    # Pillow releases the GIL while decoding and encoding PNGs: threads use every core.
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:
        counts = dict(zip(differing, pool.map(
            lambda v: diff_images(root / BASE / v.image, root / CURRENT / v.image,
                                  root / DIFF / v.image), differing), strict=True))
    comparisons = []
    for view in views:
        after = f"{CURRENT}/{view.image}"
        if view not in before:
            comparisons.append(Comparison(view, "added", None, after, html_changed=True))
        elif view not in current:
            comparisons.append(Comparison(view, "removed", f"{BASE}/{view.image}", None,
                                          html_changed=True))
        elif view not in counts:
            comparisons.append(Comparison(view, "unchanged", after, after))
        else:
            changed, total = counts[view]
            comparisons.append(Comparison(
                view, "changed" if changed else "unchanged", f"{BASE}/{view.image}", after,
                f"{DIFF}/{view.image}" if changed else None, changed, total,
                html_changed=current[view] != before[view],
            ))
    return comparisons


def _ordering(views: Iterable[View]) -> Callable[[View], tuple[int, ...]]:
    """Order views as the brand does: tenants, outputs and scenarios as first met."""
    ranks: dict[tuple[str, ...], int] = {}
    for view in views:
        for key in _rank_keys(view):
            ranks.setdefault(key, len(ranks))
    return lambda view: (*(ranks[key] for key in _rank_keys(view)), view.width)


def _rank_keys(view: View) -> tuple[tuple[str, ...], ...]:
    output = (view.tenant, view.kind, view.name)
    return (view.tenant,), output, (*output, view.scenario), (*output, view.shown)


# -- the base ref --------------------------------------------------------------------


@contextmanager
def base_checkout(brand_dir: Path, ref: str) -> Iterator[Path]:
    """Check `ref` out into a temporary git worktree; yield its copy of the brand folder.

    Only the brand comes from `ref`: it is built with this checkout's code, so the
    comparison shows what the brand change does, not what a code change does.
    """
    brand = brand_dir.resolve()
    top = Path(_git(brand if brand.is_dir() else brand.parent, "rev-parse", "--show-toplevel"))
    commit = _git(top, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}",
                  hint=f"'{ref}' is not a commit here: name a branch, tag or commit")
    holder = Path(tempfile.mkdtemp(prefix="auth0-branding-base-"))
    worktree = holder / "base"
    try:
        _git(top, "worktree", "add", "--detach", "--quiet", str(worktree), commit)
        base_brand = worktree / brand.relative_to(top.resolve())
        if not base_brand.is_dir():
            raise BrandError(f"the brand folder does not exist at {ref}",
                             hint="choose a ref that has it")
        yield base_brand
    finally:
        if worktree.exists():
            _git_quietly(top, "worktree", "remove", "--force", str(worktree))
        # Gone from disk, the worktree is forgotten by `prune` even if `remove` failed.
        shutil.rmtree(holder, ignore_errors=True)
        _git_quietly(top, "worktree", "prune")


def _git_quietly(where: Path, *args: str) -> None:
    """Run a cleanup git command; a failing git must not hide the error being raised."""
    try:
        subprocess.run(["git", "-C", str(where), *args], capture_output=True,
                       timeout=_GIT_TIMEOUT_S, check=False)
    except (OSError, subprocess.TimeoutExpired):
        log.warning("git %s failed: run `git worktree prune` in %s", args[1], where)


def _git(where: Path, *args: str, hint: str | None = None) -> str:
    try:
        done = subprocess.run(["git", "-C", str(where), *args], capture_output=True, text=True,
                              timeout=_GIT_TIMEOUT_S, check=False)
    except FileNotFoundError as error:
        raise BrandError("git is not installed", hint="install git to use --base") from error
    except subprocess.TimeoutExpired as error:
        raise BrandError(f"git {args[0]} took longer than {_GIT_TIMEOUT_S}s") from error
    if done.returncode != 0:
        detail = done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "failed"
        raise BrandError(f"git {args[0]}: {detail}",
                         hint=hint or "--base needs the brand folder inside a git repository")
    return done.stdout.strip()


# -- the output folder ---------------------------------------------------------------


def _check_out_dir(out_dir: Path) -> None:
    if contents_of(out_dir) and not (out_dir / MARKER).is_file():
        raise BrandError(f"{display_path(out_dir)} exists and was not written by review",
                         hint="choose an empty or new folder with --out")
