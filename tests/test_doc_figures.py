"""The docs quote the demo city's figures as they are: scripts/doc_figures.py --check passes on a
freshly generated and built `city` demo, and its markers are rewritten as documented."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "doc_figures.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("safetynet_doc_figures_script", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is made
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="session")
def figures() -> ModuleType:
    return _load()


@pytest.fixture(scope="session")
def city_data(figures: ModuleType, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder with the `city` demo generated and built afresh (15–60 s, once)."""
    data = tmp_path_factory.mktemp("doc-figures")
    figures.open_city(data).close()
    return data


def test_docs_quote_the_current_figures(
    figures: ModuleType, city_data: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = figures.main(["--check", "--data", str(city_data)])
    assert code == 0, "\n" + capsys.readouterr().out


def test_rewrite_replaces_only_what_is_between_markers(figures: ModuleType) -> None:
    text = (
        "Of <!-- fig:found -->1,000<!-- /fig --> found, <!-- fig:rate -->97.0%<!-- /fig --> "
        "fixed; again <!-- fig:found -->1,000<!-- /fig -->.\n"
        "<!-- figures:table -->\n| old |\n<!-- /figures -->\n"
        "Left alone: <!-- figure: an older note -->.\n"
    )
    values = {"found": "1,000", "rate": "98.5%", "table": "| a |\n|---|\n| 1 |"}
    new, changes = figures.rewrite(text, lambda name, old: values[name])
    assert new == (
        "Of <!-- fig:found -->1,000<!-- /fig --> found, <!-- fig:rate -->98.5%<!-- /fig --> "
        "fixed; again <!-- fig:found -->1,000<!-- /fig -->.\n"
        "<!-- figures:table -->\n| a |\n|---|\n| 1 |\n<!-- /figures -->\n"
        "Left alone: <!-- figure: an older note -->.\n"
    )
    assert [(c.name, c.old, c.new) for c in changes] == [
        ("table", "| old |", "| a |\n|---|\n| 1 |"),
        ("rate", "97.0%", "98.5%"),
    ]
    assert figures.rewrite(new, lambda name, old: values[name]) == (new, [])
    empty = "<!-- figures:table -->\n<!-- /figures -->\n"
    filled, _ = figures.rewrite(empty, lambda name, old: values[name])
    assert filled == "<!-- figures:table -->\n| a |\n|---|\n| 1 |\n<!-- /figures -->\n"
    assert figures.rewrite(filled, lambda name, old: "")[0] == empty


def test_rewrite_fails_on_unknown_names_and_unclosed_markers(figures: ModuleType) -> None:
    with pytest.raises(KeyError, match="nameless"):
        figures.rewrite("<!-- fig:nameless -->1<!-- /fig -->", lambda name, old: {}[name])
    for broken in (
        "<!-- fig:found -->1,000 and no end",
        "<!-- fig:found -->1,000\n<!-- /fig -->",  # an inline figure stays on its line
        "<!-- figures:table -->\n| a |\n",
    ):
        with pytest.raises(figures.MarkerError):
            figures.rewrite(broken, lambda name, old: old)


def test_figures_are_written_in_the_docs_style(figures: ModuleType) -> None:
    english, spaced = figures.Style(), figures.Style(percent=" %")
    assert figures.count(1561, english) == "1,561"
    assert figures.count(1561, figures.Style(lang="zh")) == "1561"
    assert figures.rounded(1000)(110_296, english) == "110,000"
    assert figures.sig(2)(221_299, english) == "220,000"
    assert figures.pct(1)(0.97921, english) == "97.9%"
    assert figures.pct()(0.146, spaced) == "15 %"
    assert figures.span(figures.pct(1))((0.9898, 0.9989), spaced) == "99.0–99.9 %"
    assert figures.span(figures.count)((1, 3), english) == "1–3"
    assert figures.nearest_rank([4, 1, 3, 2], 0.5) == 2  # the lower middle, as quantile_disc
