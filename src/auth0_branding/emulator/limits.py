"""Pace and sabotage the emulator: clocks, Auth0's token buckets and fault injection."""

from __future__ import annotations

import math
import random
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

from ..auth0.plans import Bucket

# Below this many tokens a bucket counts as empty; float refill arithmetic would
# otherwise leave 0.9999999 tokens and refuse a request a nanosecond too long.
_EPSILON = 1e-9
# Latency is real sleeping in a server thread: cap it so a typo cannot hang a test run.
MAX_LATENCY_MS = 60_000.0


class Clock(Protocol):
    """Tell time twice: monotonic for arithmetic, wall (epoch) for headers."""

    def monotonic(self) -> float: ...

    def wall(self) -> float: ...


class SystemClock:
    """Read the real clocks."""

    def monotonic(self) -> float:
        return time.monotonic()

    def wall(self) -> float:
        return time.time()


class FakeClock:
    """Advance time by hand so tests exercise refills and expiry without sleeping."""

    def __init__(self, start_wall: float = 1_700_000_000.0) -> None:
        self._start_wall = start_wall
        self._elapsed = 0.0
        self._lock = threading.Lock()

    def advance(self, seconds: float) -> None:
        """Move both clocks forward by `seconds`."""
        if seconds < 0:
            raise ValueError("time only moves forward")
        with self._lock:
            self._elapsed += seconds

    def monotonic(self) -> float:
        with self._lock:
            return self._elapsed

    def wall(self) -> float:
        with self._lock:
            return self._start_wall + self._elapsed


class TokenBucket:
    """Refill continuously, so the wait before the n-th request is exact, not quantised."""

    def __init__(self, spec: Bucket, now: float) -> None:
        self.spec = spec
        self._tokens = float(spec.burst)
        self._stamp = now

    def level(self, now: float) -> float:
        """Return the tokens available at `now`, after refilling."""
        elapsed = max(0.0, now - self._stamp)
        self._tokens = min(float(self.spec.burst), self._tokens + elapsed * self.spec.per_second)
        self._stamp = max(self._stamp, now)
        return self._tokens

    def take(self, now: float) -> None:
        """Spend one token (the caller checked there is one)."""
        self._tokens = max(0.0, self.level(now) - 1.0)

    def wait_for_one(self, now: float) -> float:
        """Return seconds until one whole token is available."""
        return max(0.0, (1.0 - self.level(now)) / self.spec.per_second)

    def wait_for_full(self, now: float) -> float:
        """Return seconds until the bucket is full again."""
        return max(0.0, (self.spec.burst - self.level(now)) / self.spec.per_second)


@dataclass(frozen=True)
class RateDecision:
    """The outcome of one request against a tenant's buckets, as Auth0's headers say it."""

    allowed: bool
    bucket: str
    limit: int
    remaining: int
    reset: int  # epoch seconds
    retry_after: int = 0  # whole seconds a refused call is told to wait

    def headers(self) -> dict[str, str]:
        """Return the X-RateLimit-* headers for this decision (and Retry-After on a refusal).

        Auth0's rate-limit policy documents the X-RateLimit-* trio on every answer. A 429
        also says Retry-After, in whole seconds as HTTP defines it (RFC 9110 section 10.2.3),
        for clients that read only that (UNVERIFIED that Auth0 itself always sends it). It
        never points before the reset, so a client may honour either header and succeed.
        """
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(self.remaining),
            "X-RateLimit-Reset": str(self.reset),
        }
        if not self.allowed:
            headers["Retry-After"] = str(self.retry_after)
        return headers


def retry_after_until(reset: int, wall: float) -> int:
    """Return the whole seconds from `wall` to the epoch second `reset`, at least one."""
    return max(1, math.ceil(reset - wall))


class RateLimiter:
    """Hold one tenant's buckets and admit or refuse requests atomically."""

    def __init__(self, limits: Mapping[str, Bucket], clock: Clock) -> None:
        self._clock = clock
        self._limits = dict(limits)
        self._lock = threading.Lock()
        self._buckets = {name: TokenBucket(spec, clock.monotonic()) for name, spec in limits.items()}

    def refill(self) -> None:
        """Fill every bucket (tests use it between phases)."""
        with self._lock:
            now = self._clock.monotonic()
            self._buckets = {name: TokenBucket(spec, now) for name, spec in self._limits.items()}

    def acquire(self, names: Sequence[str]) -> RateDecision:
        """Take a token from each named bucket, or none at all if any is empty."""
        with self._lock:
            now, wall = self._clock.monotonic(), self._clock.wall()
            buckets = [(name, self._buckets[name]) for name in names if name in self._buckets]
            if not buckets:
                raise ValueError(f"no such buckets: {names}")
            empty = [(n, b) for n, b in buckets if b.level(now) < 1.0 - _EPSILON]
            if empty:
                # The slowest empty bucket decides when a retry can succeed.
                name, bucket = max(empty, key=lambda nb: nb[1].wait_for_one(now))
                reset = math.ceil(wall + bucket.wait_for_one(now))
                return RateDecision(False, name, bucket.spec.burst, 0, reset,
                                    retry_after_until(reset, wall))
            for _, bucket in buckets:
                bucket.take(now)
            # Report the tightest bucket; on a tie the more specific (later) one.
            ranked = sorted(
                enumerate(buckets), key=lambda ib: (math.floor(ib[1][1].level(now)), -ib[0])
            )
            name, bucket = ranked[0][1]
            remaining = math.floor(bucket.level(now) + _EPSILON)
            reset = math.ceil(wall + bucket.wait_for_full(now))
            return RateDecision(True, name, bucket.spec.burst, remaining, reset)


@dataclass(frozen=True)
class Faults:
    """What to break for one tenant; all zero means a healthy tenant."""

    error_rate: float = 0.0  # share of API calls answered with `error_status`
    error_status: int = 503
    latency_ms: float = 0.0  # added before every API answer
    drop_rate: float = 0.0  # share of API calls whose connection is closed unanswered
    token_ttl: float | None = None  # every token, even one already issued, dies this old
    storm_requests: int = 0  # the next N API calls answer 429
    storm_reset: float = 1.0  # seconds the storm's 429s ask clients to wait
    # Also send `Retry-After: <storm_reset>` (fractions kept), as proxies in front of an API
    # may; X-RateLimit-Reset is whole epoch seconds, so only this lets a long storm be short.
    storm_retry_after: bool = False
    seed: int = 0  # seeds the dice so a failing run replays exactly

    def __post_init__(self) -> None:
        for name in ("error_rate", "drop_rate"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"{name} must be between 0 and 1")
        if not 500 <= self.error_status <= 599:
            raise ValueError("error_status must be a 5xx status")
        if not 0.0 <= self.latency_ms <= MAX_LATENCY_MS:
            raise ValueError(f"latency_ms must be between 0 and {MAX_LATENCY_MS:g}")
        if self.token_ttl is not None and self.token_ttl < 0:
            raise ValueError("token_ttl must be >= 0")
        if self.storm_requests < 0 or self.storm_reset < 0:
            raise ValueError("storm_requests and storm_reset must be >= 0")


@dataclass(frozen=True)
class FaultDecision:
    """What to do to one API call."""

    latency: float = 0.0  # seconds
    drop: bool = False
    storm_reset: float | None = None  # seconds, when this call is part of a 429 storm
    storm_retry_after: bool = False
    error_status: int | None = None


class FaultInjector:
    """Roll seeded dice per API call so a fault pattern is the same on every run."""

    def __init__(self, faults: Faults) -> None:
        self._lock = threading.Lock()
        self.faults = faults
        self._rng = random.Random(faults.seed)
        self._storm_left = faults.storm_requests

    def set(self, faults: Faults) -> None:
        """Replace the faults, reseed the dice and restart any storm."""
        with self._lock:
            self.faults = faults
            self._rng = random.Random(faults.seed)
            self._storm_left = faults.storm_requests

    def draw(self) -> FaultDecision:
        """Decide the fate of the next API call."""
        with self._lock:
            faults = self.faults
            # Always roll both dice so one rate does not shift the other's sequence.
            drop_roll, error_roll = self._rng.random(), self._rng.random()
            drop = drop_roll < faults.drop_rate
            # A dropped call never reached Auth0, so it does not use up the storm.
            storm = not drop and self._storm_left > 0
            if storm:
                self._storm_left -= 1
        return FaultDecision(
            latency=faults.latency_ms / 1000.0,
            drop=drop,
            storm_reset=faults.storm_reset if storm else None,
            storm_retry_after=faults.storm_retry_after,
            error_status=faults.error_status if error_roll < faults.error_rate else None,
        )
