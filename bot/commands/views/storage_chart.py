"""The storage report's chart: usage at the end of each of the last 30 days, and the
limit as a line. A bare ``Figure`` on the Agg canvas, like ``call_picture``."""

from __future__ import annotations

import io

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from bot.commands.views.storage import chart_title, size
from bot.services import StorageReport

WIDTH_INCHES, HEIGHT_INCHES, DPI = 10.0, 4.5, 100
USED, LIMIT = "#1264a3", "#e01e5a"


def render_png(report: StorageReport) -> bytes:
    """The chart as PNG bytes (1000 × 450 px)."""
    fig = Figure(figsize=(WIDTH_INCHES, HEIGHT_INCHES), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    days = [d.day for d in report.days]
    xs = list(range(len(days)))  # day numbers; the ticks name the days
    used = [d.used_bytes for d in report.days]
    ax.fill_between(xs, used, color=USED, alpha=0.15, linewidth=0)
    ax.plot(xs, used, color=USED, linewidth=2, marker="o", markersize=3, label="used")
    top = max(used, default=0)
    if report.limit_bytes:
        ax.axhline(report.limit_bytes, color=LIMIT, linewidth=1.5, linestyle="--")
        ax.annotate(
            f"limit {size(report.limit_bytes)}",
            (0, report.limit_bytes),
            xytext=(2, 4),
            textcoords="offset points",
            color=LIMIT,
            fontsize=9,
        )
        top = max(top, report.limit_bytes)
    ax.set_ylim(0, max(top * 1.1, 1))
    ax.yaxis.set_major_formatter(FuncFormatter(lambda value, _pos: size(int(value))))
    ax.set_xlim(0, max(len(xs) - 1, 1))
    ticks = xs[::-5][::-1]  # every fifth day, ending today
    ax.set_xticks(ticks, [f"{days[x].day} {days[x]:%b}" for x in ticks])
    ax.grid(axis="y", linestyle=":", linewidth=0.6)
    ax.set_title(chart_title(report), loc="left", fontsize=11)
    fig.tight_layout()
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()
