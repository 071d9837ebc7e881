"""Running the app's pages headless for the page tests: open a page as a link would, and read back
the files its download buttons offer."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import polars as pl
import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage
from streamlit.testing.v1 import AppTest, app_test

APP = str(Path(__file__).resolve().parents[1] / "app.py")


@contextmanager
def serving(data_root: Path) -> Iterator[MemoryMediaFileStorage]:
    """The app pointed at the small warehouse. AppTest gives every run a media store of its own
    and drops it afterwards; one store kept for all runs lets a test read the downloads back."""
    media = MemoryMediaFileStorage("/mock/media")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SAFETYNET_DATA", str(data_root))
        patch.setattr(app_test, "MemoryMediaFileStorage", lambda endpoint: media)
        yield media


def open_page(page: str, **params: str) -> AppTest:
    """A new session opening `pages/<page>.py` with these query parameters, as a shared link
    does (AppTest reruns only the page under st.navigation, so each view is a fresh session)."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params.update(params)
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, at.exception
    return at


def download(at: AppTest, media: MemoryMediaFileStorage, key: str) -> bytes:
    """The bytes behind the download button `key`."""
    (button,) = [b for b in at.get("download_button") if b.key == key]
    return media.get_file(button.proto.url.rsplit("/", 1)[1]).content


def plotly(at: AppTest, title: str) -> dict[str, Any]:
    """The one chart whose title contains `title`, as plotly JSON."""
    specs = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    found = [s for s in specs if title in s["layout"]["title"]["text"].replace("<br>", "")]
    assert len(found) == 1, f"{len(found)} charts titled {title!r}"
    return found[0]


def texts(elements: Any) -> list[str]:
    return [e.value for e in elements]


def tables(at: AppTest, column: str) -> list[pl.DataFrame]:
    """The tables shown with this column, in page order, as shown (rates already in percent).
    A table without row selection carries no element id, so AppTest cannot find it by key."""
    shown = [pl.from_pandas(frame.value) for frame in at.dataframe]
    return [frame for frame in shown if column in frame.columns]


def table(at: AppTest, column: str) -> pl.DataFrame:
    """The one table shown with this column."""
    (frame,) = tables(at, column)
    return frame
