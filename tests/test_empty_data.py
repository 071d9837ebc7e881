"""A city whose optional tables are empty (no whistle calls, funding, drills, teams, shelters,
stocks, vulnerable-group lists, checklists, social organisations or depots) still has every page
drawn, each gap saying why it is empty instead of a blank chart or a traceback."""

from __future__ import annotations

import shutil
from pathlib import Path

import polars as pl
import pytest
from conftest import Opened, _open

from safetynet.app.labels import t
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
PAGES = ("overview", "risk", "balance", "remediation", "capability")


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
