"""The signature of a delivery, as Stripe and GitHub sign theirs:
``X-Eventsapp-Signature: t=<unix time>,v1=<hex HMAC-SHA256 of "<t>.<body>" with the secret>``.

The time is signed with the body, so that a receiver refusing signatures older than a few
minutes cannot be fed an old delivery again; the delivery's id (``X-Eventsapp-Delivery``, in the
body too) lets it drop a repeat.
"""

import hashlib
import hmac

TOLERANCE = 300  # seconds a receiver should accept between ``t`` and its clock


def signature(secret: str, body: bytes, timestamp: int) -> str:
    digest = hmac.new(secret.encode(), b"%d." % timestamp + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={digest}"


def verify(secret: str, body: bytes, header: str, now: int, tolerance: int = TOLERANCE) -> bool:
    """Whether ``header`` signs ``body`` with ``secret`` within ``tolerance`` seconds of
    ``now`` (what a receiver does; the tests use it)."""
    parts = dict(part.partition("=")[::2] for part in header.split(","))
    try:
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs(now - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).partition(",v1=")[2]
    return hmac.compare_digest(expected, parts.get("v1", ""))
