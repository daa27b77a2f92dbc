"""Per-address limits for open links, kept only in the rate-limit store.

An open link is printed on a poster, so nothing but these counters stops one browser
(clearing its cookies) from answering again and again. The address is the key of a
counter in the rate-limit store and expires with it; it is never written beside a
response or a draft.
"""

from __future__ import annotations

from flask import current_app
from flask_limiter.util import get_remote_address
from limits import parse

from survey_app.extensions import limiter


def allow(setting: str) -> bool:
    """Count one use of the limit named by ``setting``; False once it is used up."""
    item = parse(current_app.config[setting])
    return limiter.limiter.hit(item, "respond", setting, get_remote_address())
