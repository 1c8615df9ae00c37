"""The marks of tests that need a real headless Chromium driven by Playwright."""

from __future__ import annotations

import importlib.util

import pytest

from auth0_branding.review.browser import find_chromium

NEEDS_CHROMIUM = [
    pytest.mark.skipif(find_chromium() is None,
                       reason="no Chromium found: apt-get install -y chromium "
                              "(or set CHROMIUM_PATH to a Chromium binary)"),
    pytest.mark.skipif(importlib.util.find_spec("playwright") is None,
                       reason="Playwright is not installed: pip install -e '.[test]'"),
]
