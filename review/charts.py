"""Charts as server-side SVG (no script, no CDN): line charts for series over time, bars for counts.

Pure: data in, an SVG string out, every label escaped.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 48
COLOURS = ("#2457c5", "#b3261e", "#1f7a45", "#9a5b00", "#6b3fa0", "#00838f", "#c2185b", "#5d6b00")


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[float | None, ...]  # one per x label; None leaves a gap


def nice_max(value: float) -> float:
    """The smallest 1, 2 or 5 times a power of ten at or above ``value``."""
    if value <= 0:
        return 1.0
    power = 10 ** math.floor(math.log10(value))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return float(step * power)
    return float(10 * power)  # pragma: no cover - the loop always returns


def _frame(title: str, x_labels: Sequence[str], top: float, unit: str) -> list[str]:
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="chart">',
        f"<title>{escape(title)}</title>",
    ]
    for i in range(5):
        y = TOP + plot_h - plot_h * i / 4
        value = top * i / 4
        text = f"{value:g}{escape(unit)}"
        parts.append(f'<line x1="{LEFT}" y1="{y:.1f}" x2="{WIDTH - RIGHT}" y2="{y:.1f}" class="grid"/>')
        parts.append(f'<text x="{LEFT - 4}" y="{y + 4:.1f}" text-anchor="end" class="tick">{text}</text>')
    every = max(1, math.ceil(len(x_labels) / 8))
    for i, label in enumerate(x_labels):
        if i % every:
            continue
        x = LEFT + (plot_w * (i + 0.5) / max(1, len(x_labels)))
        parts.append(
            f'<text x="{x:.1f}" y="{HEIGHT - BOTTOM + 16}" text-anchor="middle" class="tick">{escape(label)}</text>'
        )
    return parts


def _legend(labels: Sequence[str]) -> list[str]:
    """Swatches under the axis, wrapping to a second row when the first is full."""
    parts = []
    x, row = LEFT, 0
    for i, label in enumerate(labels):
        width = 24 + 6 * len(label)
        if x + width > WIDTH - RIGHT and x > LEFT and row == 0:
            x, row = LEFT, 1
        y = HEIGHT - 16 + 12 * row
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{x + 14}" y="{y}" class="legend">{escape(label)}</text>')
        x += width
    return parts


def line_chart(title: str, x_labels: Sequence[str], series: Sequence[Series], unit: str = "") -> str:
    """One line per series over the x labels; a legend under the axis."""
    peak = max((v for s in series for v in s.values if v is not None), default=0.0)
    top = nice_max(peak)
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, x_labels, top, unit)
    n = max(1, len(x_labels))
    for index, line in enumerate(series):
        colour = COLOURS[index % len(COLOURS)]
        points: list[str] = []
        runs: list[list[str]] = []
        for i, value in enumerate(line.values):
            if value is None:
                if points:
                    runs.append(points)
                points = []
                continue
            x = LEFT + plot_w * (i + 0.5) / n
            y = TOP + plot_h - plot_h * value / top
            points.append(f"{x:.1f},{y:.1f}")
        if points:
            runs.append(points)
        for run in runs:
            if len(run) == 1:
                cx, cy = run[0].split(",")
                parts.append(f'<circle cx="{cx}" cy="{cy}" r="3" fill="{colour}"/>')
            else:
                parts.append(f'<polyline fill="none" stroke="{colour}" stroke-width="2" points="{" ".join(run)}"/>')
    parts += _legend([s.label for s in series])
    parts.append("</svg>")
    return "".join(parts)


def bar_chart(title: str, x_labels: Sequence[str], values: Sequence[float], unit: str = "") -> str:
    top = nice_max(max(values, default=0.0))
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    parts = _frame(title, x_labels, top, unit)
    n = max(1, len(values))
    width = plot_w / n * 0.8
    for i, value in enumerate(values):
        height = plot_h * value / top
        x = LEFT + plot_w * i / n + plot_w / n * 0.1
        parts.append(
            f'<rect x="{x:.1f}" y="{TOP + plot_h - height:.1f}" width="{width:.1f}" height="{height:.1f}" '
            f'fill="{COLOURS[0]}"><title>{escape(x_labels[i])}: {value:g}</title></rect>'
        )
    parts.append("</svg>")
    return "".join(parts)
