"""The garbage collector during a build: what is loaded before it is never scanned again.

A build allocates millions of short-lived objects (parse trees, tokens, strings) and few
cycles. With CPython's default thresholds the collector runs thousands of times and each
time walks the modules, the config and the caches loaded before the build: about a tenth of
a fleet's build (bench/bench_build.py). Freezing moves those into a generation the collector
skips (and keeps forked workers from touching, so their pages stay shared), and higher
thresholds let the young objects die before they are scanned. Both are undone afterwards,
so a long-lived process (the preview server) keeps its usual collector.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# Collections of the youngest generation after this many allocations (CPython: 700), and of
# the older ones after this many of the younger's (CPython: 10 each).
BUILD_THRESHOLDS = (50_000, 20, 20)


@contextmanager
def build_collector() -> Iterator[None]:
    """Tune the collector for one build, then restore it."""
    thresholds = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*BUILD_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*thresholds)
        gc.unfreeze()
