"""One terminal's state and queue over 7 days, from its report history, as a chart.

The history keeps a report when it differs from the one before and an unchanged one every
15 minutes (central/store/health.py), so two kept reports up to `HISTORY_EVERY` plus the
terminal's online window apart mean the terminal reported all along (the unchanged reports in
between were not kept). A longer gap is a silence: online until the earlier report's online
deadline, stale until its stale deadline, offline until the next report. The resolution is
therefore 15 minutes: a silence shorter than that which ended with an unchanged report leaves no
trace. The last report of all is the latest one (`terminal_health`), exact to the second.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from central import fleet
from central.console.charts import Chart, Series
from central.console.formatting import bangkok
from central.store.health import HISTORY_EVERY, HISTORY_KEPT

#: The state as the chart's step value (higher is better).
LEVEL = {"online": 3, "stale": 2, "offline": 1, "never-seen": 0}


def _interval(report: dict[str, Any]) -> int | None:
    return report.get("interval_s")


def timeline(
    history: list[tuple[datetime, dict[str, Any]]],
    latest: tuple[datetime, dict[str, Any]] | None,
    now: datetime,
) -> list[tuple[datetime, str, int | None]]:
    """(instant, state from then on, queued at a report or None) at each report and each
    change of state, oldest first, from the first report kept (or, with none, `now - 7
    days`: never seen) to `now`."""
    seen = list(history)
    if latest is not None and (not seen or latest[0] > seen[-1][0]):
        seen.append(latest)
    start = now - HISTORY_KEPT
    out: list[tuple[datetime, str, int | None]] = []
    if not seen:  # before the first report kept nothing is known: the chart starts there
        out.append((start, "never-seen", None))
    for i, (at, report) in enumerate(seen):
        queued = (report.get("queue") or {}).get("queued")
        out.append((at, "online", queued))
        due = fleet.deadlines(at, _interval(report))
        following = seen[i + 1][0] if i + 1 < len(seen) else now
        window = due.online_until - at
        if i + 1 < len(seen) and following - at <= HISTORY_EVERY + window:
            continue
        if due.online_until < following:
            out.append((due.online_until, "stale", None))
        if due.stale_until < following:
            out.append((due.stale_until, "offline", None))
    return [p for p in out if p[0] <= now]


def chart(
    history: list[tuple[datetime, dict[str, Any]]],
    latest: tuple[datetime, dict[str, Any]] | None,
    now: datetime,
    t: Any,
) -> Chart:
    points = timeline(history, latest, now)
    if points and points[-1][0] < now:
        points.append((now, points[-1][1], None))
    names = {LEVEL[s]: t("state." + s) for s in LEVEL}
    return Chart(
        id="terminal-history",
        title=t("terminal.chart.title"),
        x_label=t("terminal.chart.time"),
        x=[int(p[0].timestamp()) for p in points],
        x_labels=[bangkok(p[0]) for p in points],
        series=[
            Series(t("terminal.chart.queued"), [p[2] for p in points]),
            Series(
                t("terminal.chart.state"),
                [LEVEL[p[1]] for p in points],
                step=True,
                axis="right",
                labels=names,
            ),
        ],
        y_label=t("terminal.chart.queued"),
        y2_label=t("terminal.chart.state"),
        extra={
            "y2_range": [-0.2, 3.2],
            "y2_ticks": {str(k): v for k, v in names.items()},
            "x_format": "{DD}/{MM}\n{HH}:{mm}",
            # the whole week, even for a terminal with one report (not a 10-second axis)
            "x_range": [int((now - HISTORY_KEPT).timestamp()), int(now.timestamp())],
        },
    )


def recent(history: list[tuple[datetime, dict[str, Any]]], count: int = 20) -> list[Any]:
    """The newest `count` kept reports, newest first."""
    return list(reversed(history[-count:]))
