"""QR codes as inline SVG, generated locally (segno): no external service sees a link."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(url: str, label: str) -> Markup:
    """An accessible inline SVG QR code for `url`."""
    code = segno.make(url, error="m", micro=False)
    # No fixed size: a viewBox lets the stylesheet scale the code for screen and print.
    svg = code.svg_inline(border=4, title=label, svgclass="qr", lineclass="qrline", omitsize=True)
    return Markup(svg.replace("<svg ", '<svg role="img" ', 1))  # noqa: S704  segno output is trusted
