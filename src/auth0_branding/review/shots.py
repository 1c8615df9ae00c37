"""Take full-page screenshots in one headless Chromium, offline, and pixel-diff them."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import BrandError
from ..render.sample import asset_file
from .browser import launch_chromium_async, required_chromium

# Fixed, so `min-height: 100vh` layouts measure the same on every run.
VIEWPORT_HEIGHT = 800
DEFAULT_JOBS = 4
# Partial raster re-paints only invalidated tile areas, which leaves 1-level anti-aliasing
# differences between shots of the same HTML; sRGB keeps colours equal across machines.
_SHOT_TIMEOUT_MS = 30_000
_SETTLED = "document.fonts.ready.then(() => new Promise(r => requestAnimationFrame(() => " \
    "requestAnimationFrame(r))))"
_HIGHLIGHT = (255, 0, 110)
Progress = Callable[[str, int, int], None]  # stage, done, total


@dataclass(frozen=True)
class Shot:
    """One screenshot to take: HTML at a width into a PNG, with the assets it may load."""

    html: str
    width: int
    target: Path
    assets: Mapping[str, Path]


def capture(shots: Sequence[Shot], jobs: int = DEFAULT_JOBS,
            progress: Progress | None = None) -> None:
    """Take each shot full-page in one headless Chromium, `jobs` pages at a time.

    `progress("screenshot", done, total)` is told after each shot.
    """
    if not shots:
        return
    required_chromium()  # fail with the reason before creating any folder
    for shot in shots:
        shot.target.parent.mkdir(parents=True, exist_ok=True)
    asyncio.run(_capture_all(list(shots), max(1, jobs), progress))


async def _capture_all(shots: list[Shot], jobs: int, progress: Progress | None) -> None:
    queue: asyncio.Queue[Shot] = asyncio.Queue()
    for shot in shots:
        queue.put_nowait(shot)
    taken = [0]  # the workers share one event loop: no lock needed

    def took() -> None:
        taken[0] += 1
        if progress is not None:
            progress("screenshot", taken[0], len(shots))

    async with launch_chromium_async() as browser:
        workers = [_worker(browser, queue, took) for _ in range(min(jobs, len(shots)))]
        await asyncio.gather(*workers)


async def _worker(browser: Any, queue: asyncio.Queue, took: Callable[[], None]) -> None:
    """Take shots off the queue with one page of our own until none are left."""
    from playwright.async_api import Error as PlaywrightError

    context: Any = None
    page: Any = None
    serving: Mapping[str, Path] | None = None
    try:
        while True:
            try:
                shot: Shot = queue.get_nowait()
            except asyncio.QueueEmpty:
                return
            if context is None or shot.assets != serving:
                # Chromium caches images per context: base and current assets share URLs,
                # so each set of asset files gets a context of its own.
                if context is not None:
                    await context.close()
                serving = shot.assets
                context, page = await _offline_page(browser, serving)
            try:
                await page.set_viewport_size({"width": shot.width, "height": VIEWPORT_HEIGHT})
                await page.set_content(shot.html, wait_until="load")
                # Let images and fonts (loaded or refused) settle into the layout first.
                await page.evaluate(_SETTLED)
                await page.screenshot(path=str(shot.target), full_page=True,
                                      animations="disabled", caret="hide")
                took()
            except PlaywrightError as error:
                raise BrandError(f"screenshot failed for {shot.target.name}: {error}",
                                 hint="run with --debug, or --jobs 1") from error
    finally:
        if context is not None:
            await context.close()


async def _offline_page(browser: Any, assets: Mapping[str, Path]) -> tuple[Any, Any]:
    """Open a page that loads only the brand's mapped asset files, nothing from anywhere."""
    context = await browser.new_context(
        viewport={"width": 1280, "height": VIEWPORT_HEIGHT}, device_scale_factor=1,
        color_scheme="light", reduced_motion="reduce", locale="en-US", timezone_id="UTC",
    )

    async def offline(route: Any) -> None:
        local = asset_file(route.request.url, assets)
        if local is None:
            await route.abort()
        else:
            await route.fulfill(path=str(local))

    await context.route("**/*", offline)
    page = await context.new_page()
    page.set_default_timeout(_SHOT_TIMEOUT_MS)
    return context, page


def diff_images(before: Path, after: Path, target: Path) -> tuple[int, int]:
    """Count the pixels that differ; when any do, write them highlighted over `after`."""
    from PIL import Image, ImageChops

    if before.read_bytes() == after.read_bytes():
        return 0, 0
    with Image.open(before) as old_image, Image.open(after) as new_image:
        old, new = old_image.convert("RGB"), new_image.convert("RGB")
    size = (max(old.width, new.width), max(old.height, new.height))
    old_canvas, new_canvas = Image.new("RGB", size), Image.new("RGB", size)
    old_canvas.paste(old)
    new_canvas.paste(new)
    red, green, blue = ImageChops.difference(old_canvas, new_canvas).split()
    # The largest channel difference: converting to grey would round 1-level changes away.
    strongest = ImageChops.lighter(ImageChops.lighter(red, green), blue)
    mask = strongest.point(lambda value: 255 if value else 0)
    for image in (old, new):
        # Where only one image has pixels, the view changed (it grew or shrank).
        mask.paste(255, (image.width, 0, size[0], size[1]))
        mask.paste(255, (0, image.height, size[0], size[1]))
    changed = mask.histogram()[255]
    if changed:
        faded = Image.blend(new_canvas.convert("L").convert("RGB"),
                            Image.new("RGB", size, (255, 255, 255)), 0.75)
        target.parent.mkdir(parents=True, exist_ok=True)
        # Fast compression: the diff is mostly flat colour and only a reviewer's aid.
        Image.composite(Image.new("RGB", size, _HIGHLIGHT), faded, mask).save(
            target, compress_level=1)
    return changed, size[0] * size[1]
