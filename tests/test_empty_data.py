"""A city whose optional tables are empty (no whistle calls, funding, drills, teams, shelters,
stocks, vulnerable-group lists, checklists, social organisations or depots) still has every page
drawn, each gap saying why it is empty instead of a blank chart or a traceback."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import polars as pl
import pytest
from conftest import Opened, _open

from safetynet.app.labels import FIGURES, t
from safetynet.build import build

OPTIONAL = (
    "whistle_calls",
    "funding",
    "drills",
    "teams",
    "shelters",
    "resource_stocks",
    "vulnerable_groups",
    "readiness",
    "social_orgs",
    "depots",
)
PAGES = ("overview", "risk", "balance", "remediation", "capability", "briefing")


@pytest.fixture(scope="module")
def sparse(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    raw = tmp_path_factory.mktemp("raw-sparse")
    shutil.copytree(small_raw, raw, dirs_exist_ok=True)
    for table in OPTIONAL:
        path = raw / f"{table}.parquet"
        pl.read_parquet(path).head(0).write_parquet(path)
    root = tmp_path_factory.mktemp("data-sparse")
    build(raw, root=root / "warehouse", progress=False)
    return root


@pytest.fixture(scope="module")
def pages(sparse: Path) -> dict[str, Opened]:
    return {
        f"{page}-{lang}": _open(sparse, page, {"lang": lang})
        for page in PAGES
        for lang in ("zh", "en")
    }


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_page_draws_and_says_what_is_missing(pages: dict[str, Opened], lang: str) -> None:
    said = {page: pages[f"{page}-{lang}"].texts("info") for page in PAGES}  # _open: no exception
    assert t("rem_whistle_none", lang) in said["remediation"]
    assert t("cap_no_vulnerable", lang) in said["capability"]
    assert t("funding_none", lang) in said["balance"]
    # team members are nowhere: nothing to compare, and the page says so instead of a Gini
    assert any(text.endswith(t("no_imbalance", lang, topic="")[-12:]) for text in said["balance"])
    assert t("gini", lang) not in {m.label for m in pages[f"balance-{lang}"].at.metric}


@pytest.fixture(scope="module")
def quiet(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A city where nothing happened in the last year before the as-of date: every hazard
    found earlier and rectified, no patrol since."""
    raw = tmp_path_factory.mktemp("raw-quiet")
    shutil.copytree(small_raw, raw, dirs_exist_ok=True)
    cutoff = date(2025, 11, 1)
    hazards = pl.read_parquet(raw / "hazards.parquet")
    hazards = hazards.filter(
        pl.col("rectified_date").is_not_null() & (pl.col("rectified_date") < cutoff)
    )
    hazards.write_parquet(raw / "hazards.parquet")
    inspections = pl.read_parquet(raw / "inspections.parquet")
    inspections.filter(pl.col("week_start") < cutoff).write_parquet(raw / "inspections.parquet")
    root = tmp_path_factory.mktemp("data-quiet")
    build(raw, root=root / "warehouse", progress=False)
    return root


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_survives_a_quiet_year(quiet: Path, page: str, lang: str) -> None:
    opened = _open(quiet, page, {"lang": lang})  # _open: no exception
    headline = [m.value for m in opened.at.metric]
    assert headline, "the page still shows its headline figures"
    if page == "overview":  # a quiet week: counts of nothing, and no rate of nothing
        figures = {f.key: f for f in FIGURES}
        shown = {m.label: m.value for m in opened.at.metric}
        for key in ("new_hazards", "open_hazards", "major_open", "overdue"):
            assert shown[figures[key].name(lang)] == "0" + figures[key].unit(lang), key
        assert shown[figures["rectification_rate"].name(lang)] == "—"
