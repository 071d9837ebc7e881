"""scripts/benchmark.py runs end to end on the small city and reports every page query."""

from __future__ import annotations

import importlib.util
import json
from datetime import date
from pathlib import Path

import pytest

from safetynet.warehouse import runner

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "benchmark.py"


def _load():
    spec = importlib.util.spec_from_file_location("safetynet_benchmark_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_small_run_reports_every_page_query(tmp_path: Path) -> None:
    bench = _load()
    out = tmp_path / "bench.json"
    argv = ["--scales", "small", "--repeat", "3", "--out-json", str(out)]
    assert bench.main([*argv, "--workdir", str(tmp_path / "work")]) == 0

    small = json.loads(out.read_text(encoding="utf-8"))["scales"]["small"]
    timed = {q["query"] for q in small["queries"]}
    assert timed == set(runner.page_queries())
    assert sum(q["query"] == "figures" for q in small["queries"]) == 4  # the overview's calls
    for q in small["queries"]:
        assert q["n"] == 3
        assert 0 < q["min_ms"] <= q["median_ms"] <= q["p95_ms"] <= q["max_ms"]
    for step in ("generate", "build"):
        assert small[step]["seconds"] > 0
        assert small[step]["process_seconds"] >= small[step]["seconds"]
        assert small[step]["peak_mib"] > 0
    assert small["raw_mib"] > 0 and small["warehouse_mib"] > 0
    assert small["raw_rows"]["inspections"] > 0
    assert not (tmp_path / "work" / "small").exists()  # removed without --keep


def test_page_query_without_an_example_fails_naming_it(monkeypatch) -> None:

    bench = _load()
    monkeypatch.setattr(runner, "sql_text", lambda name: "SELECT $x")
    with pytest.raises(ValueError, match=r"queries/new_page\.sql has no '-- example"):
        bench.query_cases(["new_page"], date(2026, 11, 23), "410105")


def test_missing_parameter_fails_naming_it() -> None:
    bench = _load()
    assert bench.sql_parameters("-- $ignored\nSELECT $a, $b_2 FROM t") == {"a", "b_2"}
    cases = bench.query_cases(bench.query_files(), date(2026, 11, 23), "410105")
    for case in cases:
        sql = (bench.QUERIES / f"{case['query']}.sql").read_text(encoding="utf-8")
        assert bench.sql_parameters(sql) <= set(case["params"])
