"""A chart as data: what a page hands to the `chart` macro (templates/charts.html), which embeds
it as JSON for static/charts.js and writes the same numbers as a text table.

The JSON goes inside a `<script type="application/json">`: `json()` escapes `<`, `>` and `&`
so a label from a terminal (a store name with `</script>` in it) cannot end the element.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from markupsafe import Markup


@dataclass(frozen=True)
class Series:
    label: str
    values: list[float | int | None]
    step: bool = False
    bars: bool = False
    axis: str = "left"
    #: How the table shows a value (e.g. a state's name for its number); None: the number.
    labels: dict[Any, str] | None = None


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    x_label: str
    x: list[int]
    x_labels: list[str]
    series: list[Series]
    time: bool = True
    y_label: str = ""
    y2_label: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def data(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "x_label": self.x_label,
            "x": self.x,
            "x_labels": self.x_labels,
            "time": self.time,
            "y_label": self.y_label,
            "y2_label": self.y2_label,
            "series": [
                {
                    "label": s.label,
                    "values": s.values,
                    "step": s.step,
                    "bars": s.bars,
                    "axis": s.axis,
                }
                for s in self.series
            ],
            **self.extra,
        }

    def json(self) -> Markup:
        text = json.dumps(self.data(), ensure_ascii=False, separators=(",", ":"))
        text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        return Markup(text)  # noqa: S704 (escaped above for a script element)

    def rows(self) -> list[list[Any]]:
        out = []
        for i, label in enumerate(self.x_labels):
            row: list[Any] = [label]
            for s in self.series:
                v = s.values[i] if i < len(s.values) else None
                row.append("-" if v is None else (s.labels or {}).get(v, v))
            out.append(row)
        return out
