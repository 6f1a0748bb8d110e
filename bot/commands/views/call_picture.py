"""A simulated call as a PNG: one row per member, a bar for each time their phone rang.

Drawn on a bare ``Figure`` with the Agg canvas, so nothing touches pyplot's global state
and it works in a server process with no display.
"""

from __future__ import annotations

import io

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bot.commands.views.call_text import chain_outcome
from bot.commands.views.lettering import NOT_DRAWN, Lettering
from bot.engine.simulator import CallTrace, ChainedCall, Leg

COLOURS = {"rang": "#2eb67d", "cancelled": "#9ad9bd", "answered": "#1264a3", "busy": "#e01e5a"}
ROW_INCHES, BASE_INCHES, WIDTH_INCHES, DPI = 0.34, 1.9, 11.0, 100
LABEL_CHARS = 22


def render_png(trace: CallTrace) -> bytes:
    """The call's ring windows as PNG bytes (about 1100 px wide)."""
    return render_chain_png(ChainedCall((trace,)))


def render_chain_png(call: ChainedCall) -> bytes:
    """Every group the call goes through on one time axis, as PNG bytes."""
    rows = _rows(call.parts)
    names = [part.name for part in call.parts]
    fonts = Lettering([_title(call), *rows, *names, chain_outcome(call)])
    fig = Figure(figsize=(WIDTH_INCHES, BASE_INCHES + ROW_INCHES * max(len(rows), 1)), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    rounds = [rnd for part in call.parts for rnd in part.rounds]
    for leg in (leg for rnd in rounds for leg in rnd.legs):
        _draw_leg(ax, leg, rows[leg.who])
    at = call.loop.at if call.loop else call.outcome.at
    end = max(at, max((r.end for r in rounds), default=0.0), 1.0)
    for part in call.parts:
        _draw_rounds(ax, part, fonts, named=len(call.parts) > 1)
    ax.axvline(at, color="#611f69", linewidth=1.5)
    ax.set_xlim(0, end * 1.02)
    ax.set_ylim(max(len(rows), 1) - 0.5, -0.5)  # first member at the top
    ax.set_yticks(range(len(rows)), [fonts.text(_label(who)) for who in rows], **fonts.family)
    ax.set_xlabel("seconds after the call arrives")
    ax.grid(axis="x", linestyle=":", linewidth=0.6)
    ax.set_title(fonts.text(_title(call)), loc="left", fontsize=11, pad=16, **fonts.family)
    ax.legend(handles=_legend(), loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8)
    outcome = fonts.text(chain_outcome(call))
    fig.text(0.01, 0.01, outcome, fontsize=10, color="#611f69", **fonts.family)
    if fonts.stood_in:
        fig.text(0.99, 0.995, NOT_DRAWN, fontsize=8, color="grey", ha="right", va="top")
    fig.tight_layout(rect=(0, 0.04, 1, 1))
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return buffer.getvalue()


def _rows(parts: tuple[CallTrace, ...]) -> dict[str, int]:
    """Row index per person, in the order they first ring."""
    rows: dict[str, int] = {}
    for rnd in (rnd for part in parts for rnd in part.rounds):
        for leg in sorted(rnd.legs, key=lambda g: g.member):
            rows.setdefault(leg.who, len(rows))
    return rows


def _draw_leg(ax: Axes, leg: Leg, row: int) -> None:
    if leg.status == "busy":
        ax.plot(leg.start, row, marker="x", markersize=9, color=COLOURS["busy"], mew=2)
        return
    ax.broken_barh(
        [(leg.start, leg.end - leg.start)], (row - 0.32, 0.64), facecolors=COLOURS[leg.status]
    )
    if leg.status == "answered":
        ax.plot(leg.end, row, marker="*", markersize=16, color="#ecb22e", mec="black")


def _draw_rounds(ax: Axes, trace: CallTrace, fonts: Lettering, *, named: bool) -> None:
    many = len(trace.rounds) > 12  # label every round only while the labels fit
    for rnd in trace.rounds:
        ax.axvline(rnd.start, color="grey", linewidth=0.8, linestyle="--")
        if not many or rnd.number in (1, len(trace.rounds)):
            ax.annotate(
                fonts.text(f"{trace.name}, round {rnd.number}" if named else f"round {rnd.number}"),
                xy=(rnd.start, 1),
                xycoords=("data", "axes fraction"),
                xytext=(3, 3),
                textcoords="offset points",
                fontsize=8,
                color="grey",
                **fonts.family,
            )


def _legend() -> list[Patch]:
    return [
        Patch(color=COLOURS["rang"], label="ringing"),
        Patch(color=COLOURS["cancelled"], label="stopped by the answer"),
        Patch(color=COLOURS["answered"], label="answered (★)"),
        Patch(color=COLOURS["busy"], label="busy (×)"),
    ]


def _title(call: ChainedCall) -> str:
    trace = call.parts[0]
    caller = " ".join(part for part in (trace.caller_name, trace.caller_number) if part)
    if len(call.parts) > 1:
        return f"{' → '.join(p.name for p in call.parts)} · caller shown as {caller}"
    ring = trace.ring
    settings = f" · {ring.strategy}, {ring.timeout} s × {ring.repeats}" if ring else ""
    return f"{trace.name or 'Ring group'}{settings} · caller shown as {caller}"


def _label(who: str) -> str:
    return who if len(who) <= LABEL_CHARS else who[: LABEL_CHARS - 1] + "…"
