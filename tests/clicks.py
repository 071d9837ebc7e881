"""Clicks on a page's maps, charts and tables, run headless with AppTest: what a click reports
(the selection Streamlit hands the page for a keyed element with on_select="rerun") is put in
the element's state, the page runs again, and the page it switches to is recorded.

AppTest cannot click a deck.gl map, a plotly chart or a table row itself, but it takes their
selection state through session state, exactly as the page reads it. The switch is recorded
(and the run stopped) rather than followed: the drill-down's own tests cover what it shows, and
the browser tests (tests/test_browser_ways_in.py) follow real clicks all the way.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import streamlit as st
from conftest import APP
from streamlit.testing.v1 import AppTest

DRILL = "pages/drill.py"


@dataclass(frozen=True)
class Switched:
    """Where a click took the visitor: the page and the query parameters it was opened with."""

    page: str
    params: dict[str, str]


def element(at: AppTest, kind: str, key: str) -> Any:
    """The element of a kind ("deck_gl_json_chart", "plotly_chart", "dataframe") with this key."""
    found = [e for e in at.get(kind) if e.proto.id.endswith(f"-{key}")]
    assert len(found) == 1, [e.proto.id for e in at.get(kind)]
    return found[0]


def plotly_figure(at: AppTest, key: str) -> dict[str, Any]:
    """The plotly figure of the chart with this key."""
    return json.loads(element(at, "plotly_chart", key).proto.spec)


Selection = dict[str, Any] | Callable[[AppTest], dict[str, Any]]


def click(
    data_root: Path, page: str, params: dict[str, str], key: str, selection: Selection
) -> Switched | None:
    """Open a page as its link would (params: the URL's query parameters), then click: the
    element `key` reports `selection` (or what selection(page) gives, to click on something
    the page shows). Returns where the click switched to (None when it stayed)."""
    switched: list[Switched] = []

    def switch_page(target: Any, query_params: dict[str, str] | None = None) -> None:
        switched.append(Switched(str(target), dict(query_params or {})))
        st.stop()

    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update({name: value for name, value in params.items() if value})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAFETYNET_DATA", str(data_root))
        patch.setattr(st, "switch_page", switch_page)
        at.switch_page(f"pages/{page}.py").run()
        assert not at.exception, [e.message for e in at.exception]
        assert not switched  # nothing opens before a click
        picked = selection(at) if callable(selection) else selection
        at.session_state[key] = {"selection": picked}
        at.run()
    assert not at.exception, [e.message for e in at.exception]
    assert len(switched) <= 1
    return switched[0] if switched else None


def map_object(layer: str, index: int, obj: dict[str, Any]) -> dict[str, Any]:
    """What st.pydeck_chart reports for one clicked object (selection_mode="single-object")."""
    return {"indices": {layer: [index]}, "objects": {layer: [obj]}}


def chart_point(index: int, x: Any, y: Any, customdata: Any = None) -> dict[str, Any]:
    """What st.plotly_chart reports for one clicked bar of a single-trace chart."""
    point = {"curve_number": 0, "point_number": index, "point_index": index, "x": x, "y": y}
    if customdata is not None:
        point["customdata"] = customdata
    return {"points": [point], "point_indices": [index], "box": [], "lasso": []}


def table_row(index: int) -> dict[str, Any]:
    """What st.dataframe reports for one clicked row (selection_mode="single-row")."""
    return {"rows": [index], "columns": [], "cells": []}
