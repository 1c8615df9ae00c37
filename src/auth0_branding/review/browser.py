"""Headless Chromium from the system (Debian's `chromium`), driven by Playwright."""

from __future__ import annotations

import os
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from typing import Any

from ..errors import BrandError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# Without these, Chromium reaches for Google's services at start, which a closed network
# refuses many times over and which slows every launch.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-default-apps",
    "--hide-scrollbars",
    "--font-render-hinting=none",
    # Partial raster and colour management made the same HTML differ by a colour level at
    # rounded corners between two screenshots, which pixel diffs would call a change.
    "--disable-partial-raster",
    "--force-color-profile=srgb",
)


def find_chromium() -> str | None:
    """Return the system Chromium's path (or $CHROMIUM_PATH), or None when none is installed."""
    configured = os.environ.get("CHROMIUM_PATH")
    if configured:
        return configured if os.path.exists(configured) else None
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return found
    return None


def required_chromium() -> str:
    """Return the system Chromium's path, or raise a BrandError saying how to get it."""
    path = find_chromium()
    configured = os.environ.get("CHROMIUM_PATH")
    if path is None and configured:
        raise BrandError(f"CHROMIUM_PATH names no file: {configured}",
                         hint="point it at a Chromium binary, or unset it")
    if path is None:
        raise BrandError("no Chromium found", hint="install it: apt-get install -y chromium "
                         "(or set CHROMIUM_PATH)")
    try:
        import playwright  # noqa: F401
    except ImportError as error:
        raise BrandError("Playwright is not installed",
                         hint="pip install 'auth0-branding[review]'") from error
    return path


@contextmanager
def launch_chromium() -> Iterator[Any]:
    """Start one headless system Chromium; yields a Playwright (sync API) Browser."""
    path = required_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            browser.close()


@asynccontextmanager
async def launch_chromium_async() -> AsyncIterator[Any]:
    """Start one headless system Chromium; yields a Playwright async-API Browser.

    The async API lets one browser drive several pages at once, which the sync API cannot.
    """
    path = required_chromium()
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=path, headless=True, args=list(CHROMIUM_ARGS)
        )
        try:
            yield browser
        finally:
            await browser.close()
