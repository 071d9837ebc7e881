"""`safetynet import` end to end: the demo city through the templates and back, incremental
imports, versions and rollback, and bad files that must change nothing and say exactly why.

One data folder per module holds the small demo city imported from its own exported templates;
a test that imports more works on a copy of that folder.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from conftest import AS_OF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from polars.testing import assert_frame_equal

from safetynet.cli import main
from safetynet.ingest import files, history, rawstore, report
from safetynet.ingest.run import Outcome, run
from safetynet.ingest.templates import export
from safetynet.warehouse import runner, store
from safetynet.warehouse.schema import TABLES


@pytest.fixture(scope="module")
def exported(small_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The small demo city written out as filled-in templates."""
    out = tmp_path_factory.mktemp("exported")
    export({t.name: pl.read_parquet(small_raw / t.file) for t in TABLES}, out)
    return out


@pytest.fixture(scope="module")
def first_import(exported: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data folder whose one warehouse was imported from the exported templates."""
    root = tmp_path_factory.mktemp("imported")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAFETYNET_DATA", str(root))
        outcome = run([exported], as_of=AS_OF)
    assert outcome.ok, report.terminal(outcome, None)
    return root


@pytest.fixture
def data(first_import: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the imported data folder, served."""
    root = tmp_path / "data"
    shutil.copytree(first_import, root)
    monkeypatch.setenv("SAFETYNET_DATA", str(root))
    return root


def tables_of(path: Path, prefix: str) -> dict[str, pl.DataFrame]:
    """Every table of a warehouse whose name starts with prefix, sorted on all its columns."""
    with runner.open_readonly(path) as con:
        names = [
            r[0]
            for r in con.sql("SELECT table_name FROM duckdb_tables()").fetchall()
            if r[0].startswith(prefix)
        ]
        return {n: _sorted(con.sql(f'SELECT * FROM "{n}"').pl()) for n in names}


def _sorted(frame: pl.DataFrame) -> pl.DataFrame:
    keep = [c for c, t in frame.schema.items() if t != pl.Object and c != "_row"]
    frame = frame.select(keep)
    return frame.sort(keep, nulls_last=True) if keep else frame


def served_path(root: Path) -> Path:
    version = store.current(root / "warehouse")
    assert version is not None
    return version.path


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the warehouse folder and the raw store, by relative path, with its bytes
    (the lock file aside: it records the last holder's process id)."""
    return {
        str(p.relative_to(root)): p.read_bytes()
        for sub in ("warehouse", "raw-store")
        for p in sorted((root / sub).rglob("*"))
        if p.is_file() and p.name != store.LOCK
    }


def write_csv(
    folder: Path, name: str, rows: list[dict[str, object]], encoding: str = "utf-8"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    frame = pl.DataFrame(rows, infer_schema_length=None).cast(pl.Utf8)
    path.write_bytes(frame.write_csv().encode(encoding))
    return path


# --- the round trip -----------------------------------------------------------------------------


def test_round_trip_gives_identical_marts(first_import: Path, data_root: Path) -> None:
    """The demo city exported through the templates and imported again: every dim and mart
    equals the one built from the generator's own files. Text, whole numbers and dates exactly;
    decimals to 12 significant digits, since DuckDB's parallel sums may add in another order."""
    direct = served_path(data_root)
    imported = served_path(first_import)
    for prefix in ("mart_", "dim_"):
        expected, got = tables_of(direct, prefix), tables_of(imported, prefix)
        assert got.keys() == expected.keys()
        for name, frame in expected.items():
            assert_frame_equal(got[name], frame, rel_tol=1e-12, abs_tol=1e-12)
    with runner.open_readonly(imported) as con:
        assert con.sql("SELECT source, as_of FROM meta_build").fetchall() == [("v0001", AS_OF)]


def test_first_import_is_recorded(first_import: Path, exported: Path, small_raw: Path) -> None:
    stored = rawstore.get("v0001", first_import / "raw-store")
    assert stored is not None
    record = stored.record
    assert record["based_on"] is None and record["as_of"] == AS_OF.isoformat()
    by_table = {f["table"]: f for f in record["files"]}
    assert set(by_table) == {t.name for t in TABLES}
    for table in TABLES:
        rows = pl.read_parquet(small_raw / table.file).height
        assert by_table[table.name]["rows"] == by_table[table.name]["added"] == rows
        assert record["rows"][table.name] == rows
    hazards = stored.read(next(t for t in TABLES if t.name == "hazards"))
    file, sheet = by_table["hazards"]["file"], by_table["hazards"]["sheet"]
    assert hazards["_source"].unique().to_list() == [f"{file} › {sheet}"]
    assert hazards["_line"].min() == 2  # the template's header is on row 1


# --- incremental imports, versions, rollback -----------------------------------------------------


def _hazard(small_raw: Path, open_: bool) -> dict[str, object]:
    hazards = pl.read_parquet(small_raw / "hazards.parquet")
    row = hazards.filter(pl.col("rectified_date").is_null() == open_).row(0, named=True)
    return row


def test_incremental_import_adds_and_replaces(data: Path, small_raw: Path, tmp_path: Path) -> None:
    stored = _hazard(small_raw, open_=True)
    closed = stored | {"rectified_date": AS_OF}  # the open hazard has been rectified
    new = stored | {"hazard_id": "HZ-NEW-0001", "found_date": AS_OF, "deadline": date(2026, 12, 29)}
    rows = [
        {"隐患编号": r["hazard_id"], "网格编码": r["grid_code"], "隐患类别": r["category"],
         "隐患等级": "一般" if r["severity"] == "general" else "重大", "发现方式": r["source"],
         "发现日期": r["found_date"].strftime("%Y年%-m月%-d日"), "整改期限": str(r["deadline"]),
         "整改完成日期": r["rectified_date"] and r["rectified_date"].strftime("%Y/%-m/%-d"),
         "挂牌督办": r["supervision_level"]}
        for r in (closed, new)
    ]  # fmt: skip
    path = write_csv(tmp_path / "in", "隐患台账.csv", rows, encoding="gb18030")
    outcome = run([path])
    assert outcome.ok, report.terminal(outcome, None)
    assert (outcome.raw, outcome.based_on) == ("v0002", "v0001")
    [result] = outcome.files
    assert (result.table, result.added, result.replaced) == ("hazards", 1, 1)
    with runner.open_readonly(served_path(data)) as con:
        count, rectified = con.sql(
            "SELECT count(*), any_value(rectified_date) FILTER (hazard_id = $id) FROM stg_hazards",
            params={"id": stored["hazard_id"]},
        ).fetchall()[0]
    assert count == pl.read_parquet(small_raw / "hazards.parquet").height + 1
    assert rectified == AS_OF
    kept = history.warehouses(data / "warehouse")
    assert [w.source for w in kept] == ["v0002", "v0001"] and kept[0].served
    last = rawstore.get("v0002").record["last_imported"]  # every table, outliving v0001
    assert last["hazards"] == {"at": outcome.at, "version": "v0002", "files": ["隐患台账.csv"]}
    assert {last[t.name]["version"] for t in TABLES if t.name != "hazards"} == {"v0001"}

    main(["rollback"])
    assert [w.source for w in history.warehouses(data / "warehouse") if w.served] == ["v0001"]
    outcome = run([path])  # on top of v0001 again: the same two rows add one and replace one
    assert (outcome.raw, outcome.based_on) == ("v0003", "v0001")


def test_replace_reloads_one_table(data: Path, small_raw: Path, tmp_path: Path) -> None:
    funding = pl.read_parquet(small_raw / "funding.parquet").head(3)
    path = tmp_path / "经费.xlsx"
    export({"funding": funding}, tmp_path / "out")
    shutil.move(next((tmp_path / "out").glob("*.xlsx")), path)
    outcome = run([path], replace=["funding"])
    assert outcome.ok, report.terminal(outcome, None)
    with runner.open_readonly(served_path(data)) as con:
        assert con.sql("SELECT count(*) FROM stg_funding").fetchall() == [(3,)]


# --- bad input: nothing changes, the report says exactly what and where --------------------------


def _grid_rows(small_raw: Path) -> list[dict[str, object]]:
    grids = pl.read_parquet(small_raw / "grids.parquet").head(3)
    return [
        {"网格编码": r["grid_code"], "社区编码": r["community_code"], "网格类型": "微网格",
         "户数": f"{r['households']:,}户", "网格员数": f"{r['workers']}人",
         "专职应急小组": "是" if r["has_group"] else "否", "应急小队": "有" if r["has_squad"] else "无"}
        for r in grids.iter_rows(named=True)
    ]  # fmt: skip


def _refused(data: Path, paths: list[Path], **options: object) -> Outcome:
    before = snapshot(data)
    outcome = run(paths, **options)
    assert not outcome.ok
    assert snapshot(data) == before, "a refused import changed the warehouse or the raw store"
    return outcome


def _found(outcome: Outcome) -> set[tuple[object, ...]]:
    return {(f.file, f.line, f.header, f.value, f.problem) for f in outcome.findings}


def test_orphans_negatives_and_duplicates_are_named(
    data: Path, small_raw: Path, tmp_path: Path
) -> None:
    rows = _grid_rows(small_raw)
    rows[1] |= {"社区编码": "410105999999", "户数": "-5"}  # no such community
    rows.append(dict(rows[0]))  # the same grid twice in one file
    path = write_csv(tmp_path / "in", "网格.csv", rows)
    outcome = _refused(data, [path])
    assert _found(outcome) >= {
        ("网格.csv", 3, "社区编码", "410105999999", "编码在社区村表中不存在（含已存数据）"),
        ("网格.csv", 3, "户数", "-5", "不能为负数"),
        ("网格.csv", 2, "网格编码", rows[0]["网格编码"], "编号重复"),
        ("网格.csv", 5, "网格编码", rows[0]["网格编码"], "编号重复"),
    }


def test_dates_in_order_and_not_in_the_future(data: Path, small_raw: Path, tmp_path: Path) -> None:
    row = _hazard(small_raw, open_=False)
    late = row | {
        "found_date": date(2027, 3, 1),
        "deadline": date(2027, 4, 1),
        "rectified_date": None,
    }
    early = row | {
        "hazard_id": "HZ-X2",
        "rectified_date": row["found_date"].replace(year=row["found_date"].year - 1),
    }
    rows = [
        {"隐患编号": r["hazard_id"], "网格编码": r["grid_code"], "隐患类别": r["category"],
         "隐患等级": r["severity"], "发现方式": r["source"], "发现日期": str(r["found_date"]),
         "整改期限": str(r["deadline"]), "整改完成日期": r["rectified_date"] and str(r["rectified_date"]),
         "挂牌督办": r["supervision_level"]}
        for r in (late, early)
    ]  # fmt: skip
    path = write_csv(tmp_path / "in", "隐患.csv", rows)
    outcome = _refused(data, [path], as_of=AS_OF)
    problems = {(f.line, f.header, f.problem) for f in outcome.findings}
    assert (2, "发现日期", f"日期晚于数据截止日期{AS_OF}（未来的日期）") in problems
    assert (3, "发现日期、整改完成日期", "先后顺序不对") in problems


def test_personal_data_is_refused_and_never_written(
    data: Path, small_raw: Path, tmp_path: Path
) -> None:
    rows = _grid_rows(small_raw)
    rows[0]["网格员姓名"] = "张三"
    rows[1]["备注"] = "联系 138-1234-5678"
    rows[2]["备注"] = "身份证410105199001011233"
    for row in rows:
        row.setdefault("网格员姓名", "")
        row.setdefault("备注", "")
    path = write_csv(tmp_path / "in", "网格.csv", rows)
    outcome = _refused(data, [path])
    found = _found(outcome)
    assert ("网格.csv", 3, "备注", "联系 138****5678", "含身份证号或手机号（已遮盖显示）") in found
    assert (
        "网格.csv",
        4,
        "备注",
        "身份证4101**********1233",
        "含身份证号或手机号（已遮盖显示）",
    ) in found
    assert any(f.header == "网格员姓名" and f.value == "" for f in outcome.findings)
    saved = report.save(outcome, [path])
    assert saved is not None and saved.parent == path.parent
    text = "".join(
        str(c.value) for row in openpyxl.load_workbook(saved)["问题"].iter_rows() for c in row
    )
    report_json = next((data / "imports").glob("*.json")).read_text(encoding="utf-8")
    for secret in ("张三", "13812345678", "1234-5678", "410105199001011233"):
        assert secret not in text and secret not in report_json

    outcome = run([path], drop_personal=True)
    assert outcome.ok, report.terminal(outcome, None)
    assert sorted(outcome.files[0].dropped) == ["备注", "网格员姓名"]


def test_places_by_name(data: Path, small_raw: Path, tmp_path: Path) -> None:
    """A community given by its exact name is found; an unknown name is named in the report."""
    communities = pl.read_parquet(small_raw / "communities.parquet")
    unique = communities.group_by("name_zh").len().filter(pl.col("len") == 1)["name_zh"].sort()
    rows = _grid_rows(small_raw)
    target = communities.filter(pl.col("name_zh") == unique[0]).row(0, named=True)
    rows[0]["社区编码"] = target["name_zh"]
    rows[1]["社区编码"] = "不存在社区"
    path = write_csv(tmp_path / "in", "网格.csv", rows)
    outcome = _refused(data, [path])
    assert [(f.line, f.value) for f in outcome.findings] == [(3, "不存在社区")]
    rows.pop(1)
    outcome = run([write_csv(tmp_path / "in2", "网格.csv", rows)])
    assert outcome.ok, report.terminal(outcome, None)
    with runner.open_readonly(served_path(data)) as con:
        got = con.sql(
            "SELECT community_code FROM stg_grids WHERE grid_code = $g",
            params={"g": rows[0]["网格编码"]},
        ).fetchall()
    assert got == [(target["community_code"],)]


def test_cli_reports_and_exits_non_zero(
    data: Path, small_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = _grid_rows(small_raw)
    rows[0]["户数"] = "许多"
    path = write_csv(tmp_path / "in", "网格.csv", rows)
    assert main(["import", str(path)]) == 1
    err = capsys.readouterr().err
    assert "网格.csv → 网格（grids，按文件名识别）：3行" in err
    assert "许多" in err and "不是整数" in err
    assert "导入未完成：共1处问题" in err
    assert list(path.parent.glob("导入报告-*.xlsx"))


def test_versions_lists_what_went_in(data: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["versions"]) == 0
    line = capsys.readouterr().out.strip().splitlines()[0]
    assert line.startswith("*  safetynet-") and "v0001" in line and "hazards" in line


# --- a kill at any step ---------------------------------------------------------------------------

KILLED_AT = """
import os, signal, sys
from safetynet import build
from safetynet.cli import main
from safetynet.warehouse import store

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

step = sys.argv[1]
if step == "validation":
    build.find_problems = die  # the row checks of the candidate
elif step == "build":
    build._run = die  # the first build SQL step
else:
    store.publish = die  # the new warehouse complete, its raw version stored: the switch
sys.exit(main(["import", *sys.argv[2:]]))
"""


@pytest.mark.parametrize("step", ["validation", "build", "switch"])
def test_kill_at_any_step_changes_nothing_served(
    data: Path, small_raw: Path, tmp_path: Path, step: str
) -> None:
    path = write_csv(tmp_path / "in", "网格.csv", _grid_rows(small_raw))
    before = snapshot(data)
    served = store.current(data / "warehouse")
    killed = subprocess.run([sys.executable, "-c", KILLED_AT, step, str(path)], check=False)
    assert killed.returncode == -9
    after = snapshot(data)
    assert {k: after.get(k) for k in before} == before  # nothing there before changed or went
    assert store.current(data / "warehouse") == served
    left = sorted(set(after) - set(before))
    if step == "switch":  # built and stored, not served: `rollback v0002` would serve it
        assert [w.source for w in history.warehouses(data / "warehouse")] == ["v0002", "v0001"]
    else:  # only what the next import cleans away: hidden candidates, partial warehouses
        assert all("/.incoming-" in k or "/building-" in k for k in left), left
    outcome = run([path])
    assert outcome.ok, report.terminal(outcome, None)
    leftovers = [k for k in snapshot(data) if "/.incoming-" in k or "/building-" in k]
    assert leftovers == []


# --- many errors, unknown units, anything at all --------------------------------------------------


def test_thousands_of_errors_are_summarised(
    data: Path, small_raw: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """1,500 unreadable counts and 1,500 negative ones: the report quotes 1,000 of each kind and
    counts the rest; the terminal shows 10 of each."""
    grids = pl.read_parquet(small_raw / "grids.parquet").head(3000)
    rows = [
        {"网格编码": r["grid_code"], "社区编码": r["community_code"], "网格类型": r["grid_type"],
         "户数": "很多" if i % 2 else str(-1 - i), "网格员数": r["workers"],
         "专职应急小组": r["has_group"], "应急小队": r["has_squad"]}
        for i, r in enumerate(grids.iter_rows(named=True))
    ]  # fmt: skip
    path = write_csv(tmp_path / "in", "网格.csv", rows)
    assert main(["import", str(path)]) == 1
    outcome_text = capsys.readouterr().err
    saved = report.latest()
    assert saved is not None and not saved["ok"]
    by_problem: dict[str, list[dict]] = {}
    for finding in saved["findings"]:
        by_problem.setdefault(finding["problem"].split("：")[0], []).append(finding)
    for problem in ("不是整数", "不能为负数"):
        quoted, rest = by_problem[problem][:-1], by_problem[problem][-1]
        assert len(quoted) == 1000 and all(f["rows"] == 1 for f in quoted)
        assert rest["rows"] == 500 and rest["problem"] == f"{problem}：另有500行同样的问题"
    assert "必填项为空" not in by_problem  # the unreadable counts are not reported twice
    # 10 rows of each kind, and the line counting the rest of that kind
    assert outcome_text.count("不是整数") == 11 and "导入未完成：共3,000处问题" in outcome_text
    assert (
        "网格.csv → 网格（grids，按文件名识别）：3,000行，新增0，替换3,000，问题3,000处"
        in outcome_text
    )


def test_unknown_units_by_code_and_by_name(data: Path, small_raw: Path, tmp_path: Path) -> None:
    streets = pl.read_parquet(small_raw / "streets.parquet").head(2)
    rows = [
        {
            "街道编码": r["street_code"],
            "单位编码": unit,
            "街道名称": r["name_zh"],
            "街道类型": "街道",
        }
        for r, unit in zip(streets.iter_rows(named=True), ("410199", "不存在区"), strict=True)
    ]
    path = write_csv(tmp_path / "in", "街道.csv", rows)
    outcome = _refused(data, [path])
    assert {(f.line, f.header, f.value, f.problem) for f in outcome.findings} == {
        (2, "单位编码", "410199", "编码在县级单位表中不存在（含已存数据）"),
        (3, "单位编码", "不存在区", "找不到名为“不存在区”的县级单位"),
    }


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    cells=st.lists(st.lists(st.text(max_size=12), min_size=7, max_size=7), max_size=6),
    header=st.sampled_from(["网格编码,社区编码,网格类型,户数,网格员数,专职应急小组,应急小队",
                            "隐患编号,网格编码,隐患类别,隐患等级,发现方式,发现日期,整改期限"]),
)  # fmt: skip
def test_any_input_gives_a_report(
    cells: list[list[str]], header: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whatever the cells hold, an import into an empty data folder ends in a report (it has no
    core tables, so it can never land), never in an exception."""
    root = tmp_path / "empty"
    monkeypatch.setenv("SAFETYNET_DATA", str(root))
    path = tmp_path / "导入.csv"
    lines = [header, *(",".join('"' + c.replace('"', '""') + '"' for c in row) for row in cells)]
    path.write_text("\n".join(lines), encoding="utf-8")
    outcome = run([path])
    assert not outcome.ok and outcome.findings
    assert report.terminal(outcome, None).endswith("仍在使用原有数据。")


def test_template_and_export_commands(data: Path, small_raw: Path, tmp_path: Path) -> None:
    """`template` writes 17 workbooks with 3 sample rows of the served data; `export` writes the
    served data whole, which reads back as the same tables."""
    assert main(["template", "--out", str(tmp_path / "t")]) == 0
    written = sorted((tmp_path / "t").glob("*.xlsx"))
    assert len(written) == len(TABLES)
    sheet, _ = files.read(next(p for p in written if p.name.endswith("_grids.xlsx")))
    assert sheet is not None and sheet.frame.height == 3
    assert main(["export", "--out", str(tmp_path / "e")]) == 0
    for name in ("hazards", "districts"):
        sheet, _ = files.read(next((tmp_path / "e").glob(f"*_{name}.*")))
        assert sheet is not None and sheet.table == name
        assert sheet.frame.height == pl.read_parquet(small_raw / f"{name}.parquet").height


def test_a_folder_imported_again_skips_its_own_report(
    data: Path, small_raw: Path, tmp_path: Path
) -> None:
    """The report lands beside the input: in the folder itself when a folder is imported. The
    next import of that folder reads the same files, not the report (nor Excel's lock files)."""
    folder = tmp_path / "in"
    write_csv(folder, "网格.csv", _grid_rows(small_raw))
    (folder / "~$网格.xlsx").write_bytes(b"owner")
    first = run([folder])
    saved = report.save(first, [folder])
    assert first.ok and saved is not None and saved.parent == folder
    again = run([folder])
    assert again.ok, report.terminal(again, None)
    assert [r.file for r in again.files] == ["网格.csv"]
