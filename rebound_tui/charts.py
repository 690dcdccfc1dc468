"""Unicode bar charts as plain text, for `stats`, the Markdown report and the insights screen.

Bars are made of the eighth blocks (▏▎▍▌▋▊▉█) so a bar's length is exact to an eighth of a
cell, and they read without colour. No Textual or Rich here: the callers wrap the text.
"""

from __future__ import annotations

from collections.abc import Sequence

EIGHTHS = " ▏▎▍▌▋▊▉"
FULL = "█"
# Vertical bars for a compact one-line sparkline, lowest to highest.
SPARKS = "▁▂▃▄▅▆▇█"


def bar(value: float, top: float, width: int) -> str:
    """A horizontal bar `width` cells long at `top`; a non-zero value shows at least a sliver."""
    if width < 1 or top <= 0 or value <= 0:
        return ""
    eighths = round(min(value, top) / top * width * 8)
    eighths = max(eighths, 1)
    full, rest = divmod(eighths, 8)
    return FULL * full + (EIGHTHS[rest] if rest else "")


def sparkline(values: Sequence[int]) -> str:
    """One character per value, the tallest value a full block; zero is a low dot."""
    top = max(values, default=0)
    if top <= 0:
        return "·" * len(values)
    out = []
    for v in values:
        if v <= 0:
            out.append("·")
        else:
            out.append(SPARKS[min(len(SPARKS) - 1, (v * len(SPARKS) - 1) // top)])
    return "".join(out)


def share(value: float | None) -> str:
    """A share as a whole percentage; an em dash where there is none."""
    return "—" if value is None else f"{value * 100:.0f}%"
