"""Contrast of colours as WCAG 2.1 measures it (relative luminance, success criterion 1.4.3):
which ink a label on a coloured bar takes, and what the tests check every text colour by."""

from __future__ import annotations

DARK, LIGHT = "#111111", "#ffffff"


def luminance(colour: str) -> float:
    """Return the relative luminance (0 black … 1 white) of ``#rrggbb`` or ``#rgb``."""
    hex_digits = colour.lstrip("#")
    if len(hex_digits) == 3:
        hex_digits = "".join(c * 2 for c in hex_digits)
    channels = []
    for i in (0, 2, 4):
        c = int(hex_digits[i : i + 2], 16) / 255
        channels.append(c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4)
    red, green, blue = channels
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(foreground: str, background: str) -> float:
    """Return the contrast ratio of two colours, 1 … 21."""
    lighter, darker = sorted((luminance(foreground), luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def ink(background: str) -> str:
    """Return the text colour, dark or white, that reads best on ``background``."""
    return max((LIGHT, DARK), key=lambda c: contrast(c, background))
