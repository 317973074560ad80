"""QR codes (SVG for posters, PNG for counters) of a wave's open and kiosk links."""
from __future__ import annotations

import io

import segno


def qr_bytes(url: str, kind: str, scale: int = 8) -> tuple[bytes, str]:
    """The QR code of ``url`` as SVG or PNG bytes, with its MIME type."""
    code = segno.make(url, error="m")
    buffer = io.BytesIO()
    if kind == "svg":
        code.save(buffer, kind="svg", scale=scale, border=4, title="설문 QR 코드")
        return buffer.getvalue(), "image/svg+xml"
    code.save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue(), "image/png"
