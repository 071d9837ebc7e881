"""Building and serving: the atomic switch, failed builds, pruning, and the command line."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import polars as pl
import pytest
from test_checks import (
    damaged_page,
    invalid_utf8,
    malformed_manifest,
    pipe_instead_of_file,
    ten_million_characters,
)

from safetynet.build import build
from safetynet.cli import main
from safetynet.demo.generate import DEFAULT_SEED
from safetynet.warehouse import runner, store
from safetynet.warehouse.checks import BuildError


def _files(root: Path) -> set[str]:
    return {p.name for p in root.iterdir()} if root.exists() else set()


def _warehouses(root: Path) -> list[Path]:
    return sorted(root.glob("safetynet-*.duckdb"))


def _raw_rows(raw: Path, table: str) -> int:
    return pl.scan_parquet(raw / f"{table}.parquet").select(pl.len()).collect().item()


def _negative_workers(raw: Path) -> None:
    grids = pl.read_parquet(raw / "grids.parquet")
    grids = grids.with_columns(
        workers=pl.when(pl.int_range(pl.len()) == 10)
        .then(pl.lit(-3, pl.Int32))
        .otherwise(pl.col("workers"))
    )
    grids.write_parquet(raw / "grids.parquet")


def _no_hazards_file(raw: Path) -> None:
    (raw / "hazards.parquet").unlink()


@pytest.fixture
def broken_raw(small_raw: Path, tmp_path: Path) -> Path:
    """A copy of the small city with a negative grid-worker count in row 11 of grids.parquet."""
    raw = tmp_path / "broken"
    shutil.copytree(small_raw, raw)
    _negative_workers(raw)
    return raw


# --- the switch ------------------------------------------------------------------------------


def test_switch_keeps_old_readers_working_and_prunes(small_raw: Path, tmp_path: Path) -> None:
    root = tmp_path / "wh"
    hazards = _raw_rows(small_raw, "hazards")

    first = build(small_raw, root=root, progress=False)
    served = store.current(root)
    assert served is not None and served.path == first.path and first.path.exists()
    assert _warehouses(root) == [first.path]

    old = runner.open_readonly(first.path)
    try:
        count = "SELECT count(*) FROM mart_hazard"
        assert old.sql(count).fetchall()[0][0] == hazards

        versions = [first]
        for _ in range(store.KEEP):
            versions.append(build(small_raw, root=root, progress=False))
            newest = versions[-1]
            assert store.current(root).path == newest.path
            assert newest.path != versions[-2].path
            on_disk = _warehouses(root)
            assert len(on_disk) <= store.KEEP
            assert newest.path in on_disk
            # The reader opened before the switch still gets answers, even once its file
            # has been pruned away (KEEP + 1 builds: the first one is gone by now).
            assert old.sql(count).fetchall()[0][0] == hazards

        assert not first.path.exists()
        assert _warehouses(root) == sorted(v.path for v in versions[-store.KEEP :])
        new = runner.open_readonly(store.current(root).path)
        try:
            assert new.sql(count).fetchall()[0][0] == hazards
        finally:
            new.close()
    finally:
        old.close()


@pytest.mark.parametrize("breaker", [_negative_workers, _no_hazards_file])
def test_failed_build_changes_nothing(
    small_raw: Path, data_root: Path, tmp_path: Path, breaker
) -> None:
    root = tmp_path / "wh"
    shutil.copytree(data_root / "warehouse", root)
    before_files = _files(root)
    before = store.current(root)
    assert before is not None and before.path.exists()

    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    breaker(raw)
    with pytest.raises(BuildError):
        build(raw, root=root, progress=False)

    assert store.current(root) == before
    assert _files(root) == before_files


def test_failed_first_build_leaves_nothing(broken_raw: Path, tmp_path: Path) -> None:
    root = tmp_path / "wh"
    with pytest.raises(BuildError, match=r"grids\.parquet, column workers"):
        build(broken_raw, root=root, progress=False)
    assert store.current(root) is None
    assert list(root.glob("*.duckdb*")) == []


def test_prune_never_deletes_the_served_file(tmp_path: Path) -> None:
    """Pointer at an old file (say, a rollback): newer files are pruned, the served one stays."""
    root = tmp_path / "wh"
    root.mkdir()
    names = [f"safetynet-2026010{d}T000000000000Z.duckdb" for d in range(1, 7)]
    for name in names:
        (root / name).touch()
    served = store.publish(root / names[0])  # the oldest of six
    assert store.current(root).path == root / names[0]
    left = {p.name for p in _warehouses(root)}
    assert names[0] in left
    assert served.path.exists()
    # The newest ones are the fall-backs kept beside it; the rest are gone.
    assert set(names[-(store.KEEP - 1) :]) <= left
    assert len(left) < len(names)
    assert len(left) <= store.KEEP + 1


def test_publish_in_order_keeps_at_most_keep(tmp_path: Path) -> None:
    root = tmp_path / "wh"
    root.mkdir()
    names = [f"safetynet-2026020{d}T000000000000Z.duckdb" for d in range(1, 7)]
    for k, name in enumerate(names, start=1):
        (root / name).touch()
        store.publish(root / name)
        left = [p.name for p in _warehouses(root)]
        assert left == names[max(0, k - store.KEEP) : k]
        assert store.current(root).name == name
    assert not (root / f"{store.POINTER}.tmp").exists()


# --- the command line ------------------------------------------------------------------------


def test_cli_build_failure_reports_and_keeps_serving(
    small_raw: Path, broken_raw: Path, tmp_path: Path, monkeypatch, capsys
) -> None:
    data = tmp_path / "data"
    monkeypatch.setenv("SAFETYNET_DATA", str(data))

    assert main(["build", str(broken_raw)]) == 2
    err = capsys.readouterr().err
    assert "grids.parquet, column workers" in err and "row 11:" in err
    assert "no warehouse yet" in err
    assert store.current() is None

    assert main(["build", str(small_raw)]) == 0
    served = store.current()
    assert served is not None and served.path.parent == data / "warehouse"
    assert served.name in capsys.readouterr().out

    assert main(["build", str(broken_raw)]) == 2
    captured = capsys.readouterr()
    assert "grids.parquet, column workers: negative values" in captured.err
    assert "row 11:" in captured.err
    assert f"still serving: {served.name}" in captured.err
    assert store.current() == served
    assert _warehouses(data / "warehouse") == [served.path]


def test_cli_info_counts_match_the_raw_files(
    served: store.Version, small_raw: Path, capsys
) -> None:
    assert main(["info"]) == 0
    info = json.loads(capsys.readouterr().out)
    assert info["file"] == served.name
    assert info["as_of"] == "2026-11-29"
    assert info["source"] == "demo"
    assert info["scale"] == "small"
    assert info["seed"] == DEFAULT_SEED
    tables = info["tables"]
    for table in ("hazards", "grids", "communities", "streets", "inspections", "districts"):
        assert tables[f"stg_{table}"] == _raw_rows(small_raw, table), table
    assert tables["mart_hazard"] == _raw_rows(small_raw, "hazards")
    assert tables["mart_grid"] == _raw_rows(small_raw, "grids")
    assert tables["mart_community"] == _raw_rows(small_raw, "communities")
    assert info["size_bytes"] == served.path.stat().st_size


def test_cli_info_without_a_warehouse(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path / "empty"))
    assert main(["info"]) == 1
    assert "no warehouse yet" in capsys.readouterr().err


@pytest.mark.parametrize(
    "breaker",
    [damaged_page, invalid_utf8, pipe_instead_of_file, ten_million_characters, malformed_manifest],
    ids=lambda b: b.__name__,
)
def test_cli_bad_file_is_one_line_and_exit_2(
    data_root: Path, small_raw: Path, tmp_path: Path, monkeypatch, capsys, breaker
) -> None:
    data = tmp_path / "data"
    shutil.copytree(data_root / "warehouse", data / "warehouse")
    monkeypatch.setenv("SAFETYNET_DATA", str(data))
    before, files = store.current(), _files(data / "warehouse")
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    broken = breaker(raw)

    assert main(["build", str(raw)]) == 2
    err = capsys.readouterr().err
    lines = err[err.index("build failed") :].splitlines()  # after the progress bar
    assert lines[0] == "build failed; nothing changed."
    assert len(lines) == 3 and lines[1].startswith(broken.file) and broken.what in lines[1]
    assert len(lines[1]) < 500
    assert lines[2] == f"still serving: {before.name}"
    assert store.current() == before and _files(data / "warehouse") == files


def test_cli_unreadable_folder(small_raw: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    """A folder we may not list (as root every folder is readable, so the listing is made to
    fail the way it fails for anyone else)."""
    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path / "data"))
    listing = Path.iterdir

    def refused(path: Path):
        if path == small_raw:
            raise PermissionError(13, "Permission denied", str(path))
        return listing(path)

    monkeypatch.setattr(Path, "iterdir", refused)
    assert main(["build", str(small_raw)]) == 2
    err = capsys.readouterr().err
    assert f"{small_raw.name}/: cannot be read ([Errno 13] Permission denied" in err
    assert "Traceback" not in err and store.current() is None
