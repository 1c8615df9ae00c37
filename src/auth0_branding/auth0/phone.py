"""Phone messages (SMS and voice): the template types and what their Liquid may use (§6)."""

from __future__ import annotations

PHONE_TYPES = ("otp_verify", "otp_enroll", "change_password", "blocked_account",
               "password_breach")
# Messages that carry a one-time code: without {{ code }} they are useless.
OTP_TYPES = frozenset({"otp_verify", "otp_enroll"})
PHONE_VARIABLES = frozenset({"code", "locale", "friendly_name", "user", "organization",
                             "tenant", "application"})
# More segments cost more and arrive out of order on some networks.
MAX_SEGMENTS = 2
# Characters per segment: one segment alone, then each of a message split in several
# (the rest carries the header that joins them again).
GSM7_SEGMENT, GSM7_PART = 160, 153
UCS2_SEGMENT, UCS2_PART = 70, 67
PHONE_SYNTAX = "liquid"
# The values a message is rendered with to check it: what Auth0 fills in, at its longest
# plausible (a six-digit code; the tenant's and the user's names).
SAMPLE_CODE = "123456"
SAMPLE_DATA = {"code": SAMPLE_CODE, "friendly_name": "Acme", "user": {"name": "Jane Doe"}}
