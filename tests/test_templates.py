"""Templates and exports of the raw tables (safetynet/ingest/templates.py), read back with openpyxl:
what an office sees (sheets, headers, drop-downs, the data dictionary) and that an exported file
holds exactly the stored data (codes as text, labels, 是/否, dates, nulls)."""

from __future__ import annotations

import csv
from datetime import date, datetime
from pathlib import Path

import openpyxl
import polars as pl
import pytest
from polars.testing import assert_frame_equal

from safetynet.demo.generate import conform, generate
from safetynet.ingest import templates
from safetynet.warehouse.aliases import TABLE_NAMES, template_header
from safetynet.warehouse.schema import POLARS_TYPES, TABLES, TABLES_BY_NAME, Column, Table
from safetynet.warehouse.vocabulary import LABELS

ROUND_TRIP = ("districts", "communities", "grids", "hazards", "whistle_calls", "readiness")
# what the dictionary calls each type: written here, not imported, so the test can disagree
TYPE_NAMES = {"VARCHAR": "文本", "INTEGER": "整数", "DOUBLE": "小数", "DATE": "日期",
              "TIMESTAMP": "时间", "BOOLEAN": "是否"}  # fmt: skip


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> dict[str, pl.DataFrame]:
    out = tmp_path_factory.mktemp("demo")
    generate(out, "small", 7, date(2026, 11, 29), progress=False)
    return {t.name: pl.read_parquet(out / t.file) for t in TABLES if t.name != "inspections"}


@pytest.fixture(scope="module")
def blank(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    paths = templates.write_templates(tmp_path_factory.mktemp("blank"))
    return {t.name: p for t, p in zip(TABLES, paths, strict=True)}


def _headers(table: Table) -> list[str]:
    return [template_header(table.name, c.name) for c in table.columns]


def _rows(path: Path, sheet: str | int = 0) -> list[tuple[object, ...]]:
    book = openpyxl.load_workbook(path, read_only=True)
    ws = book.worksheets[sheet] if isinstance(sheet, int) else book[sheet]
    rows = list(ws.iter_rows(values_only=True))
    book.close()
    return rows


def _stored(table: Table, headers: list[object], rows: list[tuple[object, ...]]) -> pl.DataFrame:
    """A file's rows back as the stored table: labels to keys, 是/否 to booleans, text (CSV) to
    the column's type; an empty cell is null."""
    assert headers == _headers(table)
    return pl.DataFrame(
        [
            pl.Series(c.name, [_value(table, c, row[j]) for row in rows], POLARS_TYPES[c.type])
            for j, c in enumerate(table.columns)
        ]
    )


def _value(table: Table, column: Column, cell: object) -> object:
    if cell is None or cell == "":
        return None
    if column.values:
        keys = {names[0]: key for key, names in LABELS[f"{table.name}.{column.name}"].items()}
        return keys[cell]
    if column.type == "BOOLEAN":
        return {"是": True, "否": False}[cell]
    if column.type == "DATE":
        return date.fromisoformat(cell) if isinstance(cell, str) else cell.date()
    if column.type == "TIMESTAMP":
        return datetime.fromisoformat(cell) if isinstance(cell, str) else cell
    if column.type == "INTEGER":
        return int(cell)
    if column.type == "DOUBLE":
        return float(cell)
    return cell


# --- templates ----------------------------------------------------------------------------------


def test_every_table_has_a_template_with_its_headers(blank: dict[str, Path]) -> None:
    for table in TABLES:
        path = blank[table.name]
        chinese = TABLE_NAMES[table.name][0]
        assert path.name == f"{chinese}_{table.name}.xlsx"
        book = openpyxl.load_workbook(path)
        assert book.sheetnames == [chinese, "数据字典"]
        sheet = book[chinese]
        assert [c.value for c in sheet[1]] == _headers(table)
        assert all(c.font.bold for c in sheet[1])
        assert sheet.freeze_panes == "A2"
        assert sheet.max_row == 1  # no samples, no rows


def _drop_downs(sheet: openpyxl.worksheet.worksheet.Worksheet) -> dict[str, tuple[str, str]]:
    """Column letter → (range, list) of each drop-down."""
    return {
        str(v.sqref)[0]: (str(v.sqref), v.formula1) for v in sheet.data_validations.dataValidation
    }


def test_drop_downs_on_enumerations_and_booleans(blank: dict[str, Path]) -> None:
    hazards = _drop_downs(openpyxl.load_workbook(blank["hazards"])["隐患"])
    assert hazards["D"] == ("D2:D10001", '"一般隐患,重大隐患"')  # severity
    assert set(hazards) == {"C", "D", "E", "I"}  # category, severity, source, supervision_level
    grids = _drop_downs(openpyxl.load_workbook(blank["grids"])["网格"])
    assert grids["F"] == ("F2:F10001", '"是,否"')  # has_group
    for table in TABLES:  # one drop-down per enumeration or 是/否 column, on every table
        sheet = openpyxl.load_workbook(blank[table.name]).worksheets[0]
        chosen = [c for c in table.columns if c.values or c.type == "BOOLEAN"]
        assert len(sheet.data_validations.dataValidation) == len(chosen)


def test_a_long_list_goes_to_a_hidden_sheet(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "LIST_CHARS", 10)
    templates.write_templates(tmp_path)
    book = openpyxl.load_workbook(tmp_path / "隐患_hazards.xlsx")
    assert book.sheetnames == ["隐患", "数据字典", "选项"]
    assert book["选项"].sheet_state == "hidden"
    lists = _drop_downs(book["隐患"])
    assert lists["C"][1] == "'选项'!$A$1:$A$10"  # category: the first long list
    assert lists["D"][1] == '"一般隐患,重大隐患"'  # severity: 9 characters, still inline
    assert lists["E"][1] == "'选项'!$B$1:$B$4"  # source: the next long list
    labels = [names[0] for names in LABELS["hazards.category"].values()]
    assert [row[0] for row in book["选项"].iter_rows(values_only=True)] == labels


def test_the_data_dictionary_explains_every_column(blank: dict[str, Path]) -> None:
    for table in TABLES:
        header, *rows = _rows(blank[table.name], "数据字典")
        assert header == templates.DICTIONARY_HEADERS
        assert [r[0] for r in rows] == _headers(table)
        assert [r[1] for r in rows] == [c.name for c in table.columns]
        for row, column in zip(rows, table.columns, strict=True):
            meaning, kind, required, example = row[2], row[3], row[5], row[7]
            assert meaning.startswith(row[0])
            assert kind == TYPE_NAMES[column.type]
            assert required == ("否" if column.nullable else "是")
            assert example, f"{table.name}.{column.name} has no example"
    hazards = {r[1]: r for r in _rows(blank["hazards"], "数据字典")}
    assert hazards["grid_code"][6].startswith("16位数字编码，以4101开头")
    assert hazards["grid_code"][7] == "4101020010010001"
    assert "一般隐患（general）、重大隐患（major）" in hazards["severity"][6]
    assert "整改时限" in hazards["deadline"][8].split("、")
    units = {r[1]: r[4] for r in _rows(blank["districts"], "数据字典")}
    assert (units["population"], units["area_km2"], units["name_zh"]) == ("人", "平方公里", None)


def test_samples_show_as_an_export_writes_them(
    demo: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    templates.write_templates(tmp_path, demo)
    table = TABLES_BY_NAME["hazards"]
    book = openpyxl.load_workbook(tmp_path / "隐患_hazards.xlsx")
    sheet = book["隐患"]
    header, *rows = list(sheet.iter_rows(values_only=True))
    assert len(rows) == templates.SAMPLE_ROWS
    expected = conform(demo["hazards"].head(templates.SAMPLE_ROWS), table)
    assert_frame_equal(_stored(table, list(header), rows), expected)
    code, found = sheet["B2"], sheet["F2"]
    assert (code.data_type, code.number_format) == ("s", "@")  # 16 digits stay text
    assert found.number_format == "yyyy-mm-dd"
    examples = {r[1]: r[7] for r in book["数据字典"].iter_rows(values_only=True)}
    assert examples["grid_code"] == demo["hazards"]["grid_code"][0]
    assert examples["found_date"] == demo["hazards"]["found_date"][0].isoformat()


# --- exports ------------------------------------------------------------------------------------


def test_export_reads_back_to_the_same_data(demo: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    given = {name: demo[name] for name in ROUND_TRIP}
    # Columns the store adds are left out of the file.
    given["grids"] = given["grids"].with_columns(_source=pl.lit("网格.xlsx"), _line=pl.lit(2))
    paths = templates.export(given, tmp_path)
    assert [p.name for p in paths] == [f"{templates.file_stem(n)}.xlsx" for n in ROUND_TRIP]
    for name, path in zip(ROUND_TRIP, paths, strict=True):
        table = TABLES_BY_NAME[name]
        header, *rows = _rows(path)
        assert_frame_equal(_stored(table, list(header), rows), conform(demo[name], table))
    # The test means something only if the data has nulls, times, booleans and long codes.
    assert demo["hazards"]["rectified_date"].null_count() > 0
    assert demo["whistle_calls"]["arrived_at"].null_count() > 0
    assert demo["readiness"]["last_assessed"].null_count() > 0


def test_exported_cells_are_typed(demo: dict[str, pl.DataFrame], tmp_path: Path) -> None:
    (path,) = templates.export({"whistle_calls": demo["whistle_calls"]}, tmp_path)
    book = openpyxl.load_workbook(path, read_only=True)
    sheet = book["吹哨报到"]
    row = next(sheet.iter_rows(min_row=2, max_row=2))
    assert [c.number_format for c in row[:4]] == ["@", "@", "@", "yyyy-mm-dd hh:mm"]
    assert isinstance(row[3].value, datetime) and isinstance(row[6].value, float)
    assert book.sheetnames == ["吹哨报到", "数据字典"]  # an export explains itself too
    book.close()


def _read_csv(path: Path) -> tuple[list[str], list[tuple[str, ...]]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read Chinese
    header, *rows = csv.reader(raw.decode("utf-8-sig").splitlines())
    return header, [tuple(r) for r in rows]


def test_a_table_over_the_row_limit_goes_to_csv(
    demo: dict[str, pl.DataFrame], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(templates, "EXCEL_ROWS", 100)
    given = {
        "hazards": demo["hazards"].head(150),
        "whistle_calls": demo["whistle_calls"].head(150),
        "districts": demo["districts"],  # 12 rows: still Excel
    }
    paths = templates.export(given, tmp_path)
    assert [p.name for p in paths] == [
        "隐患_hazards.csv",
        "吹哨报到_whistle_calls.csv",
        "县级单位_districts.xlsx",
    ]
    for name, path in zip(("hazards", "whistle_calls"), paths[:2], strict=True):
        table = TABLES_BY_NAME[name]
        header, rows = _read_csv(path)
        assert_frame_equal(_stored(table, header, rows), conform(given[name], table))
    header, rows = _read_csv(paths[1])
    assert rows[0][3] == f"{demo['whistle_calls']['called_at'][0]:%Y-%m-%d %H:%M:%S}"


def test_a_text_longer_than_a_cell_goes_to_csv(
    demo: dict[str, pl.DataFrame], tmp_path: Path
) -> None:
    districts = demo["districts"].with_columns(
        boundary_geojson=pl.col("boundary_geojson").str.pad_end(40_000)
    )
    (path,) = templates.export({"districts": districts}, tmp_path)
    assert path.name == "县级单位_districts.csv"
    header, rows = _read_csv(path)
    table = TABLES_BY_NAME["districts"]
    assert_frame_equal(_stored(table, header, rows), conform(districts, table))
