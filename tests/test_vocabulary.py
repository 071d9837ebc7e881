"""Every enumerated value of the schema has a Chinese and an English name, and no name is left
over for a value the schema does not have."""

from __future__ import annotations

import pytest

from safetynet.warehouse.schema import TABLES
from safetynet.warehouse.vocabulary import LABELS, label

ENUMERATIONS = {f"{t.name}.{c.name}": c.values for t in TABLES for c in t.columns if c.values}


@pytest.mark.parametrize("column", sorted(ENUMERATIONS))
def test_every_value_has_both_names(column: str) -> None:
    names = LABELS.get(column, {})
    assert set(names) == set(ENUMERATIONS[column]), f"{column}: names do not match the schema"
    for key, (zh, en) in names.items():
        assert zh and en and zh != en, f"{column}.{key}: needs a Chinese and an English name"


def test_no_names_for_columns_the_schema_lacks() -> None:
    assert set(LABELS) <= set(ENUMERATIONS)


def test_label_reads_the_language_and_keeps_unknown_keys() -> None:
    assert label("hazards.category", "ebike", "zh") == "电动自行车违规充电"
    assert label("hazards.category", "ebike", "en") == "E-bike charging"
    assert label("hazards.category", "meteor", "zh") == "meteor"
