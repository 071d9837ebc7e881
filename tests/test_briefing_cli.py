"""`safetynet briefing` refuses what it cannot do with one clear line and a non-zero exit, before
it starts a server or a browser: no warehouse, a week or unit without data, no Chinese font, no
Chromium."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from safetynet.briefing import run
from safetynet.cli import main


def _fails(args: list[str], capsys) -> str:
    assert main(["briefing", *args]) == 1
    err = capsys.readouterr().err
    assert err.startswith("briefing failed: ") and len(err.strip().splitlines()) == 1, err
    return err


def test_no_warehouse(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setenv("SAFETYNET_DATA", str(tmp_path / "empty"))
    assert "no warehouse yet" in _fails(["--out", str(tmp_path)], capsys)


def test_a_week_or_unit_without_data(served, tmp_path: Path, capsys) -> None:
    err = _fails(["--week", "2099-W01", "--out", str(tmp_path)], capsys)
    assert "no data for week '2099-W01'" in err and "2026-W48" in err
    assert "no unit '999999'" in _fails(["--district", "999999", "--out", str(tmp_path)], capsys)
    assert list(tmp_path.iterdir()) == []


def test_no_chinese_font(served, tmp_path: Path, monkeypatch, capsys) -> None:
    def no_fonts(*args, **kwargs) -> subprocess.CompletedProcess:
        return subprocess.CompletedProcess(args, 0, stdout="", stderr="")

    monkeypatch.setattr(run.subprocess, "run", no_fonts)
    err = _fails(["--out", str(tmp_path)], capsys)
    assert "no Chinese (CJK) font" in err and "apt-get install fonts-noto-cjk" in err


def test_no_chromium(served, tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.setattr(run, "check_fonts", lambda: None)
    monkeypatch.setenv("SAFETYNET_CHROMIUM", str(tmp_path / "no-such-browser"))
    err = _fails(["--out", str(tmp_path)], capsys)
    assert "no Chromium browser found" in err and "apt-get install chromium" in err


@pytest.mark.parametrize("args", [["--all", "--district", "410105"], ["--format", "gif"]])
def test_conflicting_or_unknown_options(args: list[str], tmp_path: Path) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["briefing", *args, "--out", str(tmp_path)])
    assert exit_.value.code == 2


def test_the_places_of_a_run(served) -> None:
    """--all: the city, then its 12 units; --district repeated: those, in the order given."""
    week, every = run._resolve(served.path, run.Request(None, (), True))
    assert week == "2026-W48"
    assert [p.slug for p in every][:2] == ["city", "410102"] and len(every) == 13
    _, two = run._resolve(served.path, run.Request("2026-W47", ("410185", "city"), False))
    assert [(p.slug, p.name) for p in two] == [("410185", "登封市"), ("city", "郑州市")]
