"""The personal-data guard: ID-card and mobile numbers however they are written, columns named
after a person, and refusals that never repeat the number they caught.

Reference vectors first (safetynet/warehouse/personal.py), then properties of the reading, then
the guard in the build: a copy of the small demo city with one value or one column added must be
refused with a message that names file, column and row and shows the number masked.
"""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import polars as pl
import pytest
from conftest import AS_OF
from hypothesis import example, given, settings
from hypothesis import strategies as st
from stdnum.cn import ric
from test_checks import _read, _set, _write

from safetynet.build import build
from safetynet.warehouse import personal
from safetynet.warehouse.checks import BuildError, Check, find_problems, row_checks
from safetynet.warehouse.schema import TABLES, TABLES_BY_NAME
from safetynet.warehouse.staging import file_problems

ID = "410102199001011234"  # Zhengzhou, Zhongyuan; born 1990-01-01; check digit 4
ID_X = "11010519491231002X"  # Beijing, Chaoyang; born 1949-12-31; check digit X
MOBILE = "13812345678"

# --- reference vectors ----------------------------------------------------------------------------

FOUND = [
    (ID, ID),
    (ID_X, ID_X),
    ("360426199101010071", "360426199101010071"),
    ("张三410102199001011234", ID),
    ("身份证 410102 19900101 1234 号", ID),
    ("4101 0219 9001 0112 34", ID),
    ("410102-19900101-1234", ID),
    ("110105 19491231 002 X", ID_X),
    ("１１０１０５１９４９１２３１００２Ｘ", ID_X),
    ("110105　19491231　002x", "11010519491231002x"),
    (MOBILE, MOBILE),
    ("值班电话13812345678", MOBILE),
    ("138-1234-5678", MOBILE),
    ("138 1234 5678", MOBILE),
    ("138.1234.5678", MOBILE),
    ("138·1234·5678", MOBILE),
    ("138・1234・5678", MOBILE),
    ("138—1234—5678", MOBILE),  # em dash
    ("138–1234–5678", MOBILE),  # en dash
    ("138‐1234‐5678", MOBILE),  # hyphen
    ("138－1234－5678", MOBILE),  # full-width hyphen-minus
    ("138−1234−5678", MOBILE),  # minus sign
    ("138　1234　5678", MOBILE),  # ideographic space
    ("138\u00a01234\u00a05678", MOBILE),  # no-break space
    ("138\u200b1234\u200b5678", MOBILE),  # zero-width space
    ("138 - 1234 - 5678", MOBILE),
    ("１３８１２３４５６７８", MOBILE),
    ("１３８－１２３４－５６７８", MOBILE),
    ("13812345678号", MOBILE),
    ("13812345678X", MOBILE),  # an X after a mobile does not hide it
    ("+86 138 1234 5678", "8613812345678"),
    ("+8613812345678", "8613812345678"),
    ("0086-13812345678", "008613812345678"),
]

NOT_FOUND = [
    "410102199001011235",  # ID with a wrong check digit
    "11010519491231002Y",
    "110105194912310021",  # the X-checksum ID with a digit instead
    "410102199013011231",  # valid check digit, month 13
    "410102199002301233",  # valid check digit, 30 February
    "410102185001011237",  # valid check digit, born 1850: no living holder
    "410102210001011239",  # valid check digit, born in 2100
    "4101020010010001023",  # 19 digits: a grid code and a serial
    "41010200100100010023",  # 20 digits
    "4101021990010112340",  # a valid ID inside a longer run of digits
    "0410102199001011234",
    "138123456789",  # 12 digits
    "013812345678",
    "12812345678",  # no mobile network starts 12
    "1381234567",  # 10 digits
    "0371-65881234",  # a landline
    "037165881234",
    "(0371) 6588 1234",
    "4101020010010001",  # a grid code
    "2023-11-27 08:30:00",
    "113.53925014099465, 34.785536384878434",
    "长青社区应急避难场所",
    "",
]


@pytest.mark.parametrize(("text", "number"), FOUND)
def test_a_personal_number_is_found_however_written(text: str, number: str) -> None:
    assert personal.find(text) == [number]


@pytest.mark.parametrize("text", NOT_FOUND)
def test_codes_and_near_misses_are_not_personal(text: str) -> None:
    assert personal.find(text) == []


def test_numbers_side_by_side_are_each_found() -> None:
    # Joined blindly, two numbers in a row would read as one long code and both slip through.
    assert personal.find("13812345678 13912345678") == [MOBILE, "13912345678"]
    assert personal.find(f"{MOBILE} {ID}") == [MOBILE, ID]
    assert personal.find("0371-65881234 13812345678") == [MOBILE]


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (ID, "4101**********1234"),
        (ID_X, "1101**********002X"),
        ("张三 410102 19900101 1234 号", "张三 4101**********1234 号"),
        (MOBILE, "138****5678"),
        ("值班电话：138-1234-5678。", "值班电话：138****5678。"),
        ("１３８１２３４５６７８", "138****5678"),
        ("13812345678, 13912345678", "138****5678, 139****5678"),
        ("+86 138 1234 5678", "+861******5678"),
        ("长青社区 4101020010010001", "长青社区 4101020010010001"),
    ],
)
def test_mask(text: str, masked: str) -> None:
    assert personal.mask(text) == masked


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("１３８－１２３４－５６７８", MOBILE),
        ("138 · 1234 · 5678", MOBILE),
        ("110105 19491231 002 Ｘ", ID_X),
        ("Room 3, No. 12", "Room 3, No. 12"),
        ("2023-11-27", "20231127"),
    ],
)
def test_normalise(text: str, normalised: str) -> None:
    assert personal.normalise(text) == normalised


# --- properties of the reading --------------------------------------------------------------------

EVERY_CHARACTER = "".join(chr(c) for c in range(1, 0x110000) if not 0xD800 <= c < 0xE000)
SEPARATORS = re.findall(personal.SEPARATOR, EVERY_CHARACTER)
FULL_WIDTH = {c: chr(ord(c) + 0xFEE0) for c in "0123456789Xx"}


def test_separators_cover_every_space_and_dash() -> None:
    wanted = [c for c in EVERY_CHARACTER if unicodedata.category(c) in ("Zs", "Pd")]
    assert set(wanted) <= set(SEPARATORS)
    assert {".", "·", "・", "．", "。", "−", "\t", "\u200b"} <= set(SEPARATORS)
    # What NFKC makes of a separator is still one (normalise reads the text after NFKC).
    assert all(
        re.fullmatch(f"{personal.SEPARATOR}+", unicodedata.normalize("NFKC", c)) for c in SEPARATORS
    )


def test_sql_reads_the_same_separators_as_python() -> None:
    # The build's SQL prefilter drops personal.SEPARATOR with RE2: it must drop exactly these.
    ((left,),) = duckdb.sql(
        "SELECT regexp_replace($text, $separator, '', 'g')",
        params={"text": EVERY_CHARACTER, "separator": personal.SEPARATOR},
    ).fetchall()
    assert left == re.sub(personal.SEPARATOR, "", EVERY_CHARACTER)


mobiles = st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True)


@st.composite
def ids(draw: st.DrawFn) -> str:
    area = draw(st.from_regex(r"[1-8][0-9]{5}", fullmatch=True))
    born = draw(st.dates(date(1900, 1, 1), date(2025, 12, 31)))
    serial = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    body = f"{area}{born:%Y%m%d}{serial}"
    return body + ric.calc_check_digit(body + "0")


@st.composite
def written(draw: st.DrawFn, number: str) -> str:
    """The number as an export might write it: some digits full-width, separators between some."""
    out = []
    for i, char in enumerate(number):
        if i and draw(st.booleans()):
            out.append(draw(st.text(st.sampled_from(SEPARATORS), min_size=1, max_size=3)))
        out.append(FULL_WIDTH[char] if draw(st.booleans()) else char)
    return "".join(out)


numbers = st.one_of(mobiles, ids())
# Text around a number that cannot lengthen its run of digits.
around = st.text(
    st.characters(exclude_categories=("N", "Cs"), exclude_characters="\x00"), max_size=6
)
texts = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"))
FAST = settings(max_examples=200, deadline=None)


@FAST
@given(numbers.flatmap(lambda n: st.tuples(st.just(n), written(n))), around, around)
@example((MOBILE, "1 3 8 1 2 3 4 5 6 7 8"), "", "")
@example((ID_X, "11010519491231002 Ｘ"), "", "")
def test_writing_a_number_differently_never_hides_it(
    number_written: tuple[str, str], before: str, after: str
) -> None:
    number, text = number_written
    assert personal.normalise(text) == number
    found = personal.find(before + text + after)
    assert any(number.upper() in f.upper() for f in found), (found, number)


@FAST
@given(numbers.flatmap(written), around, around)
def test_masking_never_leaves_the_middle_digits(text: str, before: str, after: str) -> None:
    masked = personal.mask(before + text + after)
    number = personal.normalise(text)
    head = 4 if len(number) == 18 else 3
    assert masked == before + number[:head] + "*" * (len(number) - head - 4) + number[-4:] + after
    assert personal.find(masked) == []


@FAST
@given(texts)
@example("1 - 2 x 3")
@example("12345678901234567 x")
def test_normalise_is_idempotent(text: str) -> None:
    once = personal.normalise(text)
    assert personal.normalise(once) == once


@FAST
@given(texts)
def test_mask_leaves_text_without_personal_numbers_alone(text: str) -> None:
    if not personal.find(text):
        assert personal.mask(text) == text


def _pii_check(table: str, column: str) -> Check:
    (check,) = [
        c
        for c in row_checks(AS_OF)
        if (c.table, c.column) == (table, column) and "personal data" in c.what
    ]
    return check


@FAST
@given(st.lists(st.one_of(texts, st.tuples(around, numbers.flatmap(written)).map("".join))))
def test_the_check_reports_exactly_the_rows_holding_a_personal_number(values: list[str]) -> None:
    # The SQL prefilter may keep too much but never too little; the count is of real hits only.
    check = _pii_check("shelters", "name_zh")
    with duckdb.connect() as con:
        con.execute(
            "CREATE TABLE stg_shelters (_row BIGINT, shelter_code VARCHAR, name_zh VARCHAR)"
        )
        rows = [(i + 1, f"S{i + 1:05d}", value) for i, value in enumerate(values)]
        if rows:
            con.executemany("INSERT INTO stg_shelters VALUES (?, ?, ?)", rows)
        problems = find_problems(con, [check])
    hits = [row for row, _, value in rows if personal.find(value)]
    assert [p.rows for p in problems] == ([len(hits)] if hits else [])
    for problem in problems:
        assert [r["_row"] for r in problem.sample] == hits[:5]
        assert personal.find(problem.message()) == []


# --- the guard in the build -----------------------------------------------------------------------


@dataclass(frozen=True)
class Leak:
    table: str
    column: str
    value: str
    masked: str


LEAKS = [
    Leak("shelters", "name_zh", "值班电话138-1234-5678", "值班电话138****5678"),
    Leak("communities", "name_zh", "长青社区 张三 138 1234 5678", "138****5678"),
    Leak("depots", "name_zh", "仓库联系１３８１２３４５６７８", "仓库联系138****5678"),
    Leak("teams", "team_id", "410102 19900101 1234", "4101**********1234"),
    Leak("hazards", "hazard_id", "110105　19491231　002X", "1101**********002X"),
    Leak("drills", "drill_id", "DR-139—8765—4321", "DR-139****4321"),
]


@pytest.mark.parametrize("leak", [pytest.param(x, id=f"{x.table}.{x.column}") for x in LEAKS])
def test_a_personal_number_is_refused_and_shown_masked(
    small_raw: Path, tmp_path: Path, leak: Leak
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    frame = _read(raw, leak.table)
    i = frame.height // 3
    _write(raw, leak.table, _set(frame, leak.column, i, leak.value))

    with pytest.raises(BuildError) as caught:
        build(raw, root=tmp_path / "wh", progress=False)

    message = str(caught.value)
    where = f"{leak.table}.parquet, column {leak.column}:"
    (line,) = [x for x in message.splitlines() if x.startswith(where) and "personal data" in x]
    assert "(1 row)" in line and f"row {i + 1}:" in line, line
    assert leak.masked in line
    assert leak.value not in message
    assert personal.find(leak.value)[0] not in message
    assert personal.find(message) == []


def test_codes_that_only_look_personal_build(small_raw: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    teams = _read(raw, "teams")
    _write(raw, "teams", _set(teams, "team_id", 3, "410102199001011235"))  # wrong check digit
    shelters = _read(raw, "shelters")
    shelters = _set(shelters, "name_zh", 5, "避难场所41010200100100010023")  # a 20-digit code
    _write(raw, "shelters", _set(shelters, "name_zh", 6, "避难场所4101020010010001023"))  # 19

    version = build(raw, root=tmp_path / "wh", progress=False)

    assert version.path.exists()


PERSONAL_HEADERS = [
    "姓名",
    "户主姓名",
    "联系人",
    "负责人",
    "身份证号",
    "证件号码",
    "联系电话",
    "手机号码",
    "联系方式",
    "住址",
    "家庭地址",
    "居住地址",
    "name",
    "Name",
    "full_name",
    "FullName",
    "leader_name",
    "LeaderName",
    "Contact Name",
    "person_name",
    "owner_name",
    "manager-name",
    "head_name",
    "resident_name",
    "staff_name",
    "first_name",
    "contact",
    "phone",
    "phone2",
    "mobile",
    "tel",
    "Tel.",
    "telephone",
    "contactPhone",
    "address",
    "home_address",
    "id_card",
    "IDCard",
    "id_number",
]
HARMLESS_HEADERS = [
    "name_zh",
    "name_en",
    "street_name",
    "place_name",
    "hotel",
    "telecom_cabinets",
    "remark",
    "备注",
    "名称",
    "grid_id",
]


def test_columns_named_after_a_person_are_refused(small_raw: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    extra = {name: pl.lit("x") for name in PERSONAL_HEADERS + HARMLESS_HEADERS}
    _write(raw, "grids", _read(raw, "grids").with_columns(**extra))

    problems = file_problems(raw)

    assert {p.column for p in problems} == set(PERSONAL_HEADERS)
    assert all("personal data" in p.what and p.table == "grids" for p in problems)


def test_no_schema_column_is_named_like_personal_data(small_raw: Path, tmp_path: Path) -> None:
    # An expected column is never refused; nor would it be as an extra column of another file.
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    names = {c.name for t in TABLES for c in t.columns}
    grid_columns = {c.name for c in TABLES_BY_NAME["grids"].columns}
    extra = {name: pl.lit("x") for name in sorted(names - grid_columns)}
    _write(raw, "grids", _read(raw, "grids").with_columns(**extra))

    assert file_problems(raw) == []


@pytest.mark.parametrize("header", ["联系人", "leader_name", "Contact Phone"])
def test_a_build_refuses_a_column_named_after_a_person(
    small_raw: Path, tmp_path: Path, header: str
) -> None:
    raw = tmp_path / "raw"
    shutil.copytree(small_raw, raw)
    comms = _read(raw, "communities")
    _write(raw, "communities", comms.with_columns(pl.lit("王五").alias(header)))

    with pytest.raises(BuildError) as caught:
        build(raw, root=tmp_path / "wh", progress=False)

    assert str(caught.value) == (
        f"communities.parquet, column {header}: looks like personal data; "
        "SafetyNet keeps counts only — remove the column"
    )
