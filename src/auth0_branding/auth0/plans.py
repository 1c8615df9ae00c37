"""Auth0's plans and the Management API rate limits each one sets (contract §4).

The emulator enforces these buckets; the publisher paces itself within the verified ones.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# The buckets a Management API call may draw from. Every call draws from GLOBAL;
# email template reads and writes also draw from their own, prompt partials from theirs.
GLOBAL, EMAIL_READ, EMAIL_WRITE = "global", "email_read", "email_write"
PARTIALS = "partials"
BUCKET_NAMES = (GLOBAL, EMAIL_READ, EMAIL_WRITE, PARTIALS)


@dataclass(frozen=True)
class Bucket:
    """One token bucket: `burst` calls at once, refilled at `per_second`.

    `verified` is False where Auth0's pages disagree on the figure: the emulator still
    enforces it, but the publisher does not pace to a number it cannot trust and lets
    the API's 429s teach it instead.
    """

    burst: int
    per_second: float
    verified: bool = True

    def __post_init__(self) -> None:
        if self.burst < 1 or self.per_second <= 0:
            raise ValueError("a bucket needs burst >= 1 and per_second > 0")


PLAN_NAMES = ("free", "essentials", "professional", "enterprise")

# The same email buckets on every plan but Enterprise's writes.
_EMAIL_READS = Bucket(10, 50 / 60)
_EMAIL_WRITES = Bucket(5, 25 / 60)
# Essentials/Professional global: Auth0's pages disagree across versions; the newest
# says 16 requests/s sustained for self-service production.
_SELF_SERVICE_GLOBAL = Bucket(50, 16.0, verified=False)
# Prompt partials, reads and writes alike, on every plan (contract §6).
_PARTIALS = Bucket(5, 5 / 60)

PLAN_BUCKETS: Mapping[str, Mapping[str, Bucket]] = {
    "free": {GLOBAL: Bucket(2, 2.0), EMAIL_READ: _EMAIL_READS, EMAIL_WRITE: _EMAIL_WRITES,
             PARTIALS: _PARTIALS},
    "essentials": {GLOBAL: _SELF_SERVICE_GLOBAL, EMAIL_READ: _EMAIL_READS,
                   EMAIL_WRITE: _EMAIL_WRITES, PARTIALS: _PARTIALS},
    "professional": {GLOBAL: _SELF_SERVICE_GLOBAL, EMAIL_READ: _EMAIL_READS,
                     EMAIL_WRITE: _EMAIL_WRITES, PARTIALS: _PARTIALS},
    # The contract's non-production Enterprise figure.
    "enterprise": {GLOBAL: Bucket(10, 2.0), EMAIL_READ: _EMAIL_READS,
                   EMAIL_WRITE: Bucket(10, 100 / 60), PARTIALS: _PARTIALS},
}
# What a tenant of unknown plan can count on: the buckets every plan shares, the email
# ones and the partials one (5 burst, 5 a minute everywhere: the tightest of all).
ANY_PLAN_BUCKETS: Mapping[str, Bucket] = {EMAIL_READ: _EMAIL_READS, EMAIL_WRITE: _EMAIL_WRITES,
                                          PARTIALS: _PARTIALS}

# Plans that may store a Universal Login page template; Free answers 402.
UL_TEMPLATE_PLANS = frozenset({"essentials", "professional", "enterprise"})
