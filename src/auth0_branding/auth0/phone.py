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
