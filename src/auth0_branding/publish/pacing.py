"""Pace calls within Auth0's rate limits and decide how long to wait before a retry."""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..auth0.plans import ANY_PLAN_BUCKETS, PLAN_BUCKETS, Bucket

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Limits:
    """The buckets one tenant's calls are paced in, by name; a bucket left out is not paced.

    Without a plan, only the email buckets every plan shares are paced.
    """

    buckets: Mapping[str, Bucket] = field(default_factory=lambda: dict(ANY_PLAN_BUCKETS))
    # Extra slowdown on top of `settle` (see Pacer); 0.05 paces 5% below the plan's rate.
    margin: float = 0.0
    # Seconds added to every wait for a token: a call paced to land the instant the server
    # refills lands before it whenever its trip is a little shorter than the last one's.
    slack: float = 0.05

    def with_bucket(self, name: str, bucket: Bucket) -> Limits:
        """Return these limits with bucket `name` replaced (or added)."""
        return replace(self, buckets={**self.buckets, name: bucket})


UNPACED = Limits(buckets={})

# A plan's figures that Auth0's pages disagree on are not paced: 429s teach the rest.
PLAN_LIMITS: Mapping[str, Limits] = {
    plan: Limits({name: bucket for name, bucket in buckets.items() if bucket.verified})
    for plan, buckets in PLAN_BUCKETS.items()
}


class Pacer:
    """Hold one tenant's client-side buckets and block until a call may go."""

    def __init__(
        self,
        limits: Limits,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
        stop: threading.Event | None = None,
        levels: Mapping[str, float] | None = None,
    ) -> None:
        """`levels` are the buckets as a previous run left them (see `load_levels`)."""
        self._clock, self._sleep, self._stop = clock, sleep, stop
        self._lock = threading.Lock()
        now = clock()
        slowdown = 1.0 - max(0.0, min(limits.margin, 0.5))
        self._slack = max(0.0, limits.slack)
        self._rates = {n: (r.burst, r.per_second * slowdown) for n, r in limits.buckets.items()}
        self._levels = {name: min(float(burst), (levels or {}).get(name, float(burst)))
                        for name, (burst, _) in self._rates.items()}
        self._stamp = now
        self._hold_until = now
        self._fastest: float | None = None
        self.waited = 0.0

    def acquire(self, buckets: Sequence[str]) -> float:
        """Take one token from each named bucket, sleeping until all have one; return the wait."""
        waited = 0.0
        for _ in range(10_000):  # bounded: each pass sleeps until the slowest bucket refills
            with self._lock:
                now = self._clock()
                self._refill(now)
                wait = max(0.0, self._hold_until - now)
                for name in buckets:
                    if name in self._rates and self._levels[name] < 1.0:
                        wait = max(wait, (1.0 - self._levels[name]) / self._rates[name][1]
                                   + self._slack)
                if wait <= 0.0:
                    for name in buckets:
                        if name in self._rates:
                            self._levels[name] -= 1.0
                    self.waited += waited
                    return waited
            if self._stop is not None:
                if self._stop.wait(wait):
                    return waited  # interrupted: the caller checks and starts no call
            else:
                self._sleep(wait)
            waited += wait
        raise RuntimeError("pacer did not converge")  # unreachable with positive rates

    def settle(self, buckets: Sequence[str], sent: float) -> None:
        """Count a finished call's token as spent when the server most likely took it.

        The server takes a token when a request reaches it, which a slow trip delays: paced
        from our send, the next call could then land a hair before the server refilled. The
        part of the trip that every call pays shifts all arrivals alike and is harmless; so
        the token counts as spent later by however much this trip exceeded the fastest one
        (all of it for the first call, when nothing is known yet).
        """
        with self._lock:
            now = self._clock()
            self._refill(now)
            trip = max(0.0, now - sent)
            excess = trip if self._fastest is None else max(0.0, trip - self._fastest)
            self._fastest = trip if self._fastest is None else min(self._fastest, trip)
            for name in buckets:
                if name in self._rates:
                    self._levels[name] -= min(excess * self._rates[name][1], 1.0)

    def now(self) -> float:
        """Return the pacer's clock (pass it to `settle` as the send time)."""
        return self._clock()

    def levels(self) -> dict[str, float]:
        """Return each bucket's tokens now, as this pacer reckons the server holds them."""
        with self._lock:
            self._refill(self._clock())
            return dict(self._levels)

    def hold(self, buckets: Sequence[str], seconds: float, limit: int | None = None) -> None:
        """Take a 429 into account: the refused bucket yields no call for `seconds`.

        The answer's X-RateLimit-Limit (the bucket's burst) tells which of the call's paced
        buckets ran dry; when it matches none, an unpaced (global) bucket did, and then no
        call of this tenant may go until the wait is over.
        """
        with self._lock:
            now = self._clock()
            self._refill(now)
            paced = [b for b in buckets if b in self._rates]
            dry = [b for b in paced if self._rates[b][0] == limit]
            if limit is None or not dry:
                self._hold_until = max(self._hold_until, now + max(0.0, seconds))
                return
            for name in dry:
                # Start from the server's word, not our guess: one token exactly at the reset.
                per_second = self._rates[name][1]
                self._levels[name] = min(self._levels[name], 1.0 - seconds * per_second)

    def _refill(self, now: float) -> None:
        elapsed = max(0.0, now - self._stamp)
        for name, (burst, per_second) in self._rates.items():
            self._levels[name] = min(float(burst), self._levels[name] + elapsed * per_second)
        self._stamp = max(self._stamp, now)


def load_levels(path: Path, limits: Limits, now: float | None = None) -> dict[str, float]:
    """Return the bucket levels the last run on a tenant left, refilled since (none: full).

    Auth0's buckets outlive a run: a publish started right after another finds them as
    that one left them, and a pacer that assumed them full would meet a 429 at once.
    """
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
        elapsed = max(0.0, (time.time() if now is None else now) - float(saved["wall"]))
        found = {str(k): float(v) for k, v in dict(saved["levels"]).items()}
    except (OSError, ValueError, TypeError, KeyError):
        return {}  # no record, or not ours to trust: start from full buckets
    return {name: min(float(bucket.burst), found[name] + elapsed * bucket.per_second)
            for name, bucket in limits.buckets.items() if name in found}


def save_levels(path: Path, pacer: Pacer, now: float | None = None) -> None:
    """Record the pacer's bucket levels for the next run; a folder we cannot write is no harm."""
    record = {"wall": time.time() if now is None else now, "levels": pacer.levels()}
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        staged = path.with_name(f".{path.name}.tmp")
        staged.write_text(json.dumps(record), encoding="utf-8")
        staged.replace(path)
    except OSError as error:
        log.debug("cannot record the pacing levels in %s: %s", path, error)


DEFAULT_RATE_LIMIT_BUDGET = 300.0


class RateBudget:
    """Count the time one tenant's run has waited on 429s against its budget."""

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self.spent = 0.0
        self._lock = threading.Lock()

    def take(self, wait: float) -> bool:
        """Spend `wait` seconds if the budget has them; False (nothing spent) when it has not."""
        with self._lock:
            if self.spent + wait > self.seconds:
                return False
            self.spent += wait
            return True

    def exhausted_hint(self) -> str:
        """Return what to do once the budget is spent (the hint of the failure's one line)."""
        return (f"still rate limited after waiting the {self.seconds:g} s of "
                "--rate-limit-budget; re-run later (publish converges), or raise it")


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to retry: bounded attempts, exponential backoff, full jitter."""

    attempts: int = 5  # tries per call for 5xx, timeouts and dropped connections
    # Seconds one tenant's run may spend waiting out 429s, all its calls together. A time,
    # not a count of tries: a storm of many short waits passes, one that lasts too long ends.
    rate_limit_budget: float = DEFAULT_RATE_LIMIT_BUDGET
    token_refreshes: int = 2  # new tokens per call after a 401
    base_delay: float = 0.5
    max_delay: float = 8.0
    min_rate_wait: float = 0.05
    max_rate_wait: float = 60.0
    seed: int | None = None
    _rng: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._rng.seed(self.seed)

    def backoff(self, retry: int) -> float:
        """Return the wait before retry number `retry` (0-based): half fixed, half jitter."""
        ceiling = min(self.max_delay, self.base_delay * (2**retry))
        return ceiling / 2 + self._rng.uniform(0, ceiling / 2)

    def rate_wait(self, headers: Mapping[str, str], now: float | None = None,
                  retry: int = 0) -> float:
        """Return the wait a 429 asks for: Retry-After, else X-RateLimit-Reset (epoch seconds).

        An answer that asks for nothing usable (no header, or a reset already past by our
        clock, as when the clocks disagree) backs off exponentially by `retry`, the count of
        429s this call has had, rather than retrying at once in a loop.
        """
        lowered = {k.lower(): v for k, v in headers.items()}
        now = time.time() if now is None else now
        wait: float | None = None
        try:
            if "retry-after" in lowered:
                wait = float(lowered["retry-after"])
            elif "x-ratelimit-reset" in lowered:
                wait = float(lowered["x-ratelimit-reset"]) - now
        except ValueError:
            wait = None
        if wait is None or not wait > 0:
            wait = self.backoff(retry)
        # A little jitter keeps tenants that were refused together from returning together.
        wait += self._rng.uniform(0, self.min_rate_wait)
        return min(self.max_rate_wait, max(self.min_rate_wait, wait))


class Attempts:
    """Count one call's retries and say, failure by failure, how long to wait before the next.

    The token endpoint and every API call retry by these same rules: transient failures
    (5xx, 408, timeouts, dropped connections) back off for a bounded number of attempts;
    429s wait as the answer asks, out of the tenant's shared time budget.
    """

    def __init__(self, policy: RetryPolicy, budget: RateBudget) -> None:
        self._policy, self._budget = policy, budget
        self.failures = 0  # transient failures so far
        self.limited = 0  # 429s so far

    def after_failure(self) -> float | None:
        """Return the backoff before retrying a transient failure, or None: attempts spent."""
        if self.failures + 1 >= self._policy.attempts:
            return None
        delay = self._policy.backoff(self.failures)
        self.failures += 1
        return delay

    def after_rate_limit(self, headers: Mapping[str, str]) -> float | None:
        """Return the wait a 429 asks for, or None when the budget cannot cover it."""
        wait = self._policy.rate_wait(headers, retry=self.limited)
        self.limited += 1
        return wait if self._budget.take(wait) else None
