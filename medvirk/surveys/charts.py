"""Server-drawn SVG charts of survey results, and the sentence that says what each shows.

No JavaScript: each chart is an inline ``<svg role="img">`` named by its
``<title>`` and described by its ``<desc>`` (``aria-labelledby`` points at
both), and the page puts the same numbers in a table beside it. Every text
that reaches the SVG — option labels, unit names, questions — is escaped
here; nothing from a questionnaire definition is trusted.

Colours are Designsystemet's: elements carry classes that
``static/surveys/results.css`` paints with the theme's CSS variables, and
``fill``/``stroke`` attributes hold the same colours as fallbacks (the PDF,
which has no theme, uses those). Accent #0062ba and text #1e2b3c are both
above 4.5:1 on white.

Suppressed groups are drawn as a row or point without any mark, labelled
"too few answers" — never a bar, dot or interval.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.utils.formats import get_format
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from medvirk.surveys.results import Cell, Estimate, OptionCount, Question

ACCENT = "#0062ba"
TEXT = "#1e2b3c"
SUBTLE = "#68707c"
GRID = "#c6cbd1"

WIDTH = 640
LABEL_WIDTH = 210
ROW = 28
TOP = 8


def number(value: float | None, places: int = 1) -> str:
    """A number as the active language writes it (3,4 in Norwegian); "–" for none.

    Cheaper than ``number_format`` for the hundreds of numbers a page shows:
    means and shares need only the decimal separator, never grouping.
    """
    if value is None:
        return "–"
    text = f"{value:.{places}f}"
    if text.startswith("-") and not text.strip("-0."):
        text = text[1:]  # "-0.0" reads as an error
    return text.replace(".", str(get_format("DECIMAL_SEPARATOR")))


def percent(share: float) -> str:
    """A share as a whole percentage; the msgid lets a language put a space before "%"."""
    return _("%(percent)s%%") % {"percent": number(share * 100, 0)}


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _open(chart_id: str, title: str, description: str, height: int, css: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart {css}" role="img" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" height="{height}" '
        f'preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
    ]


def _text(x: float, y: float, content: str, *, anchor: str = "start", css: str = "") -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="13" '
        f'class="survey-chart__text {css}" fill="{SUBTLE if css else TEXT}">'
        f"{escape(content)}</text>"
    )


# --- Distribution ---------------------------------------------------------------------------


def distribution_chart(
    options: Sequence[OptionCount], *, chart_id: str, title: str, description: str
) -> SafeString:
    """Horizontal bars: one per answer option, length = share of the answers."""
    height = TOP * 2 + ROW * max(1, len(options))
    span = WIDTH - LABEL_WIDTH - 90
    parts = _open(chart_id, title, description, height, "survey-chart--bars")
    for index, option in enumerate(options):
        y = TOP + index * ROW
        parts.append(_text(LABEL_WIDTH - 8, y + 18, _short(option.label), anchor="end"))
        length = max(0.0, option.share) * span
        if length > 0:
            parts.append(
                f'<rect class="survey-chart__bar" x="{LABEL_WIDTH}" y="{y + 5}" '
                f'width="{length:.1f}" height="{ROW - 10}" fill="{ACCENT}" rx="2"/>'
            )
        value = f"{percent(option.share)} ({option.count})"
        parts.append(_text(LABEL_WIDTH + length + 6, y + 18, value))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic text above is escaped


def distribution_summary(cell: Cell) -> str:
    """One plain sentence: the most common answer and its share."""
    chosen = [option for option in cell.options if option.count]
    if not chosen:
        return _("Nobody has answered this question yet.")
    top = max(chosen, key=lambda option: option.count)
    return _('The most common answer was "%(label)s": %(share)s of %(n)s answers.') % {
        "label": top.label,
        "share": percent(top.share),
        "n": cell.answers,
    }


# --- Means with intervals -------------------------------------------------------------------


def _bounds(
    estimates: Sequence[Estimate], scale: tuple[float, float] | None
) -> tuple[float, float]:
    """The axis: the question's scale, or the range the intervals need."""
    if scale is not None and scale[1] > scale[0]:
        return scale
    values = [
        value
        for estimate in estimates
        for value in (estimate.low, estimate.mean, estimate.high)
        if value is not None
    ]
    if not values:
        return (0.0, 1.0)
    low, high = min(values), max(values)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    return low, high


def _ticks(low: float, high: float) -> list[float]:
    if high - low <= 10 and float(low).is_integer() and float(high).is_integer():
        return [float(value) for value in range(int(low), int(high) + 1)]
    step = (high - low) / 4
    return [low + step * index for index in range(5)]


def means_chart(
    cells: Sequence[Cell],
    *,
    scale: tuple[float, float] | None,
    chart_id: str,
    title: str,
    description: str,
    reference: float | None = None,
) -> SafeString:
    """A dot per group at its mean, a line across its 95 % interval; the first row is bold.

    ``reference`` (the organisation's mean) is drawn as a dashed vertical line.
    """
    estimates = [c.estimate for c in cells if not c.suppressed and c.estimate is not None]
    low, high = _bounds(estimates, scale)
    left, right = LABEL_WIDTH, WIDTH - 24
    axis_y = TOP + ROW * len(cells) + 4
    height = axis_y + 26

    def x_of(value: float) -> float:
        clipped = min(max(value, low), high)
        return left + (clipped - low) / (high - low) * (right - left)

    parts = _open(chart_id, title, description, height, "survey-chart--means")
    for tick in _ticks(low, high):
        x = x_of(tick)
        parts.append(
            f'<line class="survey-chart__grid" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" '
            f'y2="{axis_y}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(x, axis_y + 18, number(tick, 0 if tick.is_integer() else 1), anchor="middle")
        )
    if reference is not None:
        x = x_of(reference)
        parts.append(
            f'<line class="survey-chart__reference" x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" '
            f'y2="{axis_y}" stroke="{TEXT}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    for index, cell in enumerate(cells):
        y = TOP + index * ROW + ROW / 2
        parts.append(_text(LABEL_WIDTH - 8, y + 5, _short(cell.label), anchor="end"))
        estimate = cell.estimate
        if cell.suppressed or estimate is None or estimate.mean is None:
            note = _("too few answers") if cell.suppressed else _("no answers")
            parts.append(_text(left + 4, y + 5, note, css="survey-chart__note"))
            continue
        if estimate.low is not None and estimate.high is not None:
            parts.append(
                f'<line class="survey-chart__interval" x1="{x_of(estimate.low):.1f}" y1="{y:.1f}" '
                f'x2="{x_of(estimate.high):.1f}" y2="{y:.1f}" stroke="{TEXT}" stroke-width="2"/>'
            )
        parts.append(
            f'<circle class="survey-chart__dot" cx="{x_of(estimate.mean):.1f}" cy="{y:.1f}" '
            f'r="{6 if index == 0 else 5}" fill="{ACCENT}"/>'
        )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic text above is escaped


def units_summary(question: Question) -> str:
    """Which shown unit has the highest and the lowest mean, against the organisation."""
    shown = [c for c in question.units if not c.suppressed and c.has_mean]
    whole = question.organization.estimate
    if whole is None or whole.mean is None:
        return _("There are no answers to compare yet.")
    if not shown:
        return _(
            "The organisation's mean is %(mean)s; no unit has enough answers to be shown alone."
        ) % {"mean": number(whole.mean)}
    best = max(shown, key=lambda c: c.estimate.mean or 0)  # type: ignore[union-attr]
    worst = min(shown, key=lambda c: c.estimate.mean or 0)  # type: ignore[union-attr]
    if best is worst:
        return _("%(unit)s has a mean of %(mean)s; the organisation as a whole %(whole)s.") % {
            "unit": best.label,
            "mean": number(best.estimate.mean if best.estimate else None),
            "whole": number(whole.mean),
        }
    return _(
        "The mean is highest for %(high)s (%(high_mean)s) and lowest for %(low)s "
        "(%(low_mean)s); the organisation as a whole: %(whole)s."
    ) % {
        "high": best.label,
        "high_mean": number(best.estimate.mean if best.estimate else None),
        "low": worst.label,
        "low_mean": number(worst.estimate.mean if worst.estimate else None),
        "whole": number(whole.mean),
    }


# --- Trend ----------------------------------------------------------------------------------


def trend_chart(
    cells: Sequence[Cell],
    *,
    scale: tuple[float, float] | None,
    chart_id: str,
    title: str,
    description: str,
) -> SafeString:
    """The mean of each round left to right, joined where neighbours are both shown."""
    estimates = [c.estimate for c in cells if not c.suppressed and c.estimate is not None]
    low, high = _bounds(estimates, scale)
    left, right, top, bottom = 56, WIDTH - 40, 14, 190
    height = bottom + 40

    def y_of(value: float) -> float:
        clipped = min(max(value, low), high)
        return bottom - (clipped - low) / (high - low) * (bottom - top)

    step = (right - left) / max(1, len(cells) - 1)

    def x_of(index: int) -> float:
        return left + step * index if len(cells) > 1 else (left + right) / 2

    parts = _open(chart_id, title, description, height, "survey-chart--trend")
    for tick in _ticks(low, high):
        y = y_of(tick)
        parts.append(
            f'<line class="survey-chart__grid" x1="{left}" y1="{y:.1f}" x2="{right}" '
            f'y2="{y:.1f}" stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(
            _text(left - 8, y + 4, number(tick, 0 if tick.is_integer() else 1), anchor="end")
        )
    previous: tuple[float, float] | None = None
    for index, cell in enumerate(cells):
        x = x_of(index)
        parts.append(_text(x, bottom + 24, _short(cell.label, 16), anchor="middle"))
        estimate = cell.estimate
        if cell.suppressed or estimate is None or estimate.mean is None:
            note = _("too few answers") if cell.suppressed else _("no answers")
            parts.append(_text(x, bottom - 6, note, anchor="middle", css="survey-chart__note"))
            previous = None
            continue
        y = y_of(estimate.mean)
        if previous is not None:
            parts.append(
                f'<line class="survey-chart__line" x1="{previous[0]:.1f}" y1="{previous[1]:.1f}" '
                f'x2="{x:.1f}" y2="{y:.1f}" stroke="{ACCENT}" stroke-width="2"/>'
            )
        if estimate.low is not None and estimate.high is not None:
            parts.append(
                f'<line class="survey-chart__interval" x1="{x:.1f}" y1="{y_of(estimate.low):.1f}" '
                f'x2="{x:.1f}" y2="{y_of(estimate.high):.1f}" stroke="{TEXT}" stroke-width="2"/>'
            )
        parts.append(
            f'<circle class="survey-chart__dot" cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{ACCENT}"/>'
        )
        previous = (x, y)
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic text above is escaped


def trend_summary(cells: Sequence[Cell]) -> str:
    """How the mean moved from the first shown round to the last."""
    shown = [c for c in cells if not c.suppressed and c.has_mean]
    if len(shown) < 2:
        return _("There are not enough rounds with enough answers to show a trend.")
    first, last = shown[0], shown[-1]
    before = first.estimate.mean if first.estimate and first.estimate.mean else 0.0
    after = last.estimate.mean if last.estimate and last.estimate.mean else 0.0
    values = {
        "first": number(before),
        "first_round": first.label,
        "last": number(after),
        "last_round": last.label,
    }
    if round(after, 1) > round(before, 1):
        return (
            _("The mean rose from %(first)s in %(first_round)s to %(last)s in %(last_round)s.")
            % values
        )
    if round(after, 1) < round(before, 1):
        return (
            _("The mean fell from %(first)s in %(first_round)s to %(last)s in %(last_round)s.")
            % values
        )
    return _("The mean was %(first)s in %(first_round)s and %(last)s in %(last_round)s.") % values


# --- Small interval for the PDF ------------------------------------------------------------


def interval_strip(
    estimate: Estimate | None, *, scale: tuple[float, float] | None, chart_id: str, title: str
) -> SafeString:
    """A small one-row chart of one mean and its interval on the question's scale."""
    low, high = _bounds([estimate] if estimate is not None else [], scale)
    width, height, left, right = 200, 28, 18, 182

    def x_of(value: float) -> float:
        clipped = min(max(value, low), high)
        return left + (clipped - low) / (high - low) * (right - left)

    mean = estimate.mean if estimate is not None else None
    description = (
        _("Mean %(mean)s on a scale from %(low)s to %(high)s.")
        % {"mean": number(mean), "low": number(low, 0), "high": number(high, 0)}
        if mean is not None
        else _("No mean to show.")
    )
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="survey-chart survey-chart--strip" '
        f'role="img" viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>',
        f'<line x1="{left}" y1="14" x2="{right}" y2="14" stroke="{GRID}" stroke-width="2"/>',
        f'<text x="{left - 4}" y="18" text-anchor="end" font-size="9" fill="{SUBTLE}">'
        f"{escape(number(low, 0))}</text>",
        f'<text x="{right + 4}" y="18" font-size="9" fill="{SUBTLE}">'
        f"{escape(number(high, 0))}</text>",
    ]
    if estimate is not None and mean is not None:
        if estimate.low is not None and estimate.high is not None:
            parts.append(
                f'<line x1="{x_of(estimate.low):.1f}" y1="14" x2="{x_of(estimate.high):.1f}" '
                f'y2="14" stroke="{TEXT}" stroke-width="3"/>'
            )
        parts.append(f'<circle cx="{x_of(mean):.1f}" cy="14" r="5" fill="{ACCENT}"/>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every dynamic text above is escaped
