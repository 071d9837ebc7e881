"""Every named page query runs with its documented example and returns rows."""

from __future__ import annotations

import pytest

from safetynet.warehouse import runner


@pytest.mark.parametrize("name", runner.page_queries())
def test_page_query_runs_with_its_examples(con, name: str):
    for params in runner.examples(name):
        rows = runner.run(con, name, params)
        assert rows.height > 0, f"{name} returned no rows for its example {params}"


def test_example_dates_are_bound_as_dates():
    params = runner.example_params("figures")
    assert params["from"].isoformat() == "2026-11-16"
    assert params["district"] == ""
