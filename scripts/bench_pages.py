"""Time every page of the dashboard from navigation to fully drawn in headless Chromium, side by
side with an empty page in the same frame (the floor), and time every page query.

What one load is: a fresh browser context (empty HTTP cache, no cookies, so a new Streamlit
session) at 1920×1080, Chinese, the newest week, the whole city; page.goto(the page's URL). Its
time is the milliseconds from the navigation's start (the page's performance.timeOrigin) to the
first moment the page was fully drawn, taken inside the page (it checks every 10 ms) and counted
only once the page has stayed fully drawn for 300 ms. Fully drawn
(safetynet.briefing.capture.wait_until_drawn):

- the script run is over: stApp's data-test-script-state is "notRunning" and there is no status
  widget ("Running…");
- no element is stale (data-stale="true") or still a loading skeleton (stSkeleton);
- the main area shows its title (h1);
- every plotly chart has drawn its SVG (.main-svg) and is visible;
- every deck.gl map has its canvas and that canvas has had at least one WebGL draw call (its
  first frame; the draw calls are counted by a script installed before the page's own).

Also reported per load: "ran", when the script run ended (the server's share: the run plus the
transfer of its messages), and the bytes of Streamlit messages received, by element type.

Cold and warm:

- cold: the first load of the page on a freshly started server: Streamlit's caches are empty (no
  query result in st.cache_data, no DuckDB connection, the page's modules not yet run) and the
  browser context is fresh. Every cold load starts its own server and stops it afterwards; the
  operating system's file cache is not dropped. A fresh server's first visit to any page but the
  default one runs that page's file on its own and reruns through app.py (ui.current_view), the
  floor included.
- warm: a load in a fresh browser context on a server that has drawn every page once before (the
  warm-up loads, not counted), so every query result is cached: what a new visitor sees once the
  dashboard has been used. The browser's HTTP cache is empty: it fetches and compiles plotly's,
  deck.gl's and the table's JavaScript (about 9 MB) again on every load.
- returning: the same, in one browser context kept across the loads (a new page and a new
  Streamlit session each time, but the HTTP cache and the compiled code warm): what a leader who
  opens the dashboard every day sees.

Loads are taken in rounds, each round visiting every page once (the floor among them), so that
a change in the machine's load touches every page alike. The table gives the median and p95 of
each (p95 of 10 loads is interpolated between the two slowest) and the warm median as a multiple
of the floor's warm median (and the returning median of the floor's returning median); the
issue's target is each page within 1.5× the floor once warm.

The page queries are then timed by scripts/benchmark.py's own query step (every queries/*.sql on
one read-only connection, a warm-up and --query-repeat runs each, in a child process), with the
50 ms p95 budget of the issue.

    python scripts/bench_pages.py                        # builds the city into a temporary folder
    python scripts/bench_pages.py --data DIR --loads 5   # a data folder (SAFETYNET_DATA) already built

This is a benchmark, not a test: it asserts nothing about the timings and exits 0 even when a
page is over the target (exit 1 only when something fails to run).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from playwright.sync_api import Browser, BrowserContext

ROOT = Path(__file__).resolve().parents[1]
FLOOR = "floor"
VIEWPORT = {"width": 1920, "height": 1080}
TARGET_RATIO = 1.5  # each page warm within 1.5× the floor (the issue)
WHENS = ("cold", "warm", "returning")
TIMEOUT_MS = 120_000
KIB = 1024


def _benchmark():
    """scripts/benchmark.py, whose query timing, statistics and tables this script reuses."""
    spec = importlib.util.spec_from_file_location(
        "safetynet_benchmark", ROOT / "scripts/benchmark.py"
    )
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


bench = _benchmark()


def pages() -> dict[str, str]:
    """Every page's text key and URL path, the floor last ("" is the default page, at /)."""
    from safetynet.app.navigation import HIDDEN, PAGES

    shown = {key: "" if i == 0 else url for i, (_, key, _, url) in enumerate(PAGES)}
    hidden = {key: url for _, key, _, url in HIDDEN}
    assert FLOOR in hidden
    return shown | {FLOOR: hidden[FLOOR]}


# ---------------------------------------------------------------- one load


def element_type(payload: bytes) -> str:
    """What a Streamlit message carries: the element type of a new element ('plotly_chart',
    'deck_gl_json_chart', 'dataframe', ...), else the message type ('script_finished', ...)."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    msg = ForwardMsg()
    msg.ParseFromString(payload)
    kind = msg.WhichOneof("type") or "unknown"
    if kind == "delta" and msg.delta.WhichOneof("type") == "new_element":
        return msg.delta.new_element.WhichOneof("type") or "element"
    return kind


def new_context(chromium: Browser) -> BrowserContext:
    from safetynet.briefing.capture import track_drawing

    context = chromium.new_context(viewport=VIEWPORT, locale="zh-CN")
    track_drawing(context)
    return context


def load(
    chromium: Browser, base: str, path: str, context: BrowserContext | None = None
) -> dict[str, Any]:
    """Open one page, in `context` or else a fresh one, and wait until it is fully drawn: its
    drawn and ran times (ms since navigation start) and the bytes of Streamlit messages by
    element type."""
    from safetynet.briefing.capture import keep_local, wait_until_drawn

    own = context is None
    context = context or new_context(chromium)
    page = context.new_page()
    try:
        keep_local(page, base)
        sizes: dict[str, int] = defaultdict(int)

        def listen(ws) -> None:
            def received(payload: bytes | str) -> None:
                if isinstance(payload, bytes):
                    sizes[element_type(payload)] += len(payload)

            ws.on("framereceived", received)

        page.on("websocket", listen)
        page.goto(f"{base}/{path}?lang=zh", wait_until="commit")
        drawn = wait_until_drawn(page, TIMEOUT_MS)
        ran = page.evaluate("() => window.__ranAt")
        failure = page.locator('[data-testid="stException"]')
        if failure.count():
            raise RuntimeError(f"/{path} shows an exception: {failure.first.inner_text()[:500]}")
        return {"drawn_ms": drawn, "ran_ms": ran, "bytes": dict(sizes)}
    finally:
        page.close()
        if own:
            context.close()


# ---------------------------------------------------------------- cold and warm


def measure(
    data: Path,
    chromium: Browser,
    loads: int,
    cold_loads: int,
    say: Callable[[str], None] = lambda _: None,
    warm_up: bool = True,
) -> dict[str, dict[str, Any]]:
    """Every page's cold, warm and returning loads on the data folder `data`, in rounds (see the
    module's docstring): {page key: {"cold": [load, ...], "warm": [...], "returning": [...]}}."""
    from safetynet.briefing.capture import running_app

    urls = pages()
    results: dict[str, dict[str, Any]] = {key: {when: [] for when in WHENS} for key in urls}
    for round_ in range(cold_loads):
        for key, path in urls.items():
            say(f"cold {round_ + 1}/{cold_loads}: {key}")
            with running_app(data) as base:
                results[key]["cold"].append(load(chromium, base, path))
    with running_app(data) as base:
        for key, path in urls.items() if warm_up else ():
            say(f"warm-up: {key}")
            load(chromium, base, path)
        for round_ in range(loads):
            for key, path in urls.items():
                say(f"warm {round_ + 1}/{loads}: {key}")
                results[key]["warm"].append(load(chromium, base, path))
        returning = new_context(chromium)
        try:
            for path in urls.values() if warm_up else ():  # a first visit fills the cache
                load(chromium, base, path, returning)
            for round_ in range(loads):
                for key, path in urls.items():
                    say(f"returning {round_ + 1}/{loads}: {key}")
                    results[key]["returning"].append(load(chromium, base, path, returning))
        finally:
            returning.close()
    return results


def summary(results: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Per page: median and p95 of drawn (and ran) times, cold and warm, and the ratio of its warm
    median to the floor's."""
    out: dict[str, dict[str, Any]] = {}
    for key, found in results.items():
        out[key] = {
            f"{when}_{what}": bench._spread([s[f"{what}_ms"] for s in found[when]])
            for when in WHENS
            for what in ("drawn", "ran")
            if found[when]
        }
        out[key]["bytes"] = found["warm"][-1]["bytes"] if found["warm"] else {}
    for when in ("warm", "returning"):
        floor = out[FLOOR][f"{when}_drawn"]["median_ms"]
        for figures in out.values():
            figures[f"{when}_ratio"] = figures[f"{when}_drawn"]["median_ms"] / floor
    return out


# ---------------------------------------------------------------- printing


def report(figures: dict[str, dict[str, Any]]) -> str:
    def cell(f: dict[str, Any], name: str) -> list[str]:
        if name not in f:
            return ["-", "-"]
        return [f"{f[name]['median_ms']:.0f}", f"{f[name]['p95_ms']:.0f}"]

    def verdict(key: str, ratio: float) -> str:
        return "" if key == FLOOR else ("OK" if ratio <= TARGET_RATIO else "OVER")

    rows = [
        [
            key,
            *cell(f, "cold_drawn"),
            *cell(f, "warm_drawn"),
            f"{f['warm_ratio']:.2f}",
            verdict(key, f["warm_ratio"]),
            *cell(f, "returning_drawn"),
            f"{f['returning_ratio']:.2f}",
            verdict(key, f["returning_ratio"]),
            *cell(f, "warm_ran"),
        ]
        for key, f in figures.items()
    ]
    header = [
        "page",
        "cold median",
        "cold p95",
        "warm median",
        "warm p95",
        "× floor",
        f"≤ {TARGET_RATIO}×",
        "returning median",
        "returning p95",
        "× floor",
        f"≤ {TARGET_RATIO}×",
        "ran median",
        "ran p95",
    ]
    timing = bench.table(header, rows)
    kinds = ("plotly_chart", "deck_gl_json_chart", "dataframe")
    sizes = [
        [
            key,
            f"{sum(f['bytes'].values()) / KIB:,.0f}",
            *(f"{f['bytes'].get(k, 0) / KIB:,.0f}" for k in kinds),
        ]
        for key, f in figures.items()
    ]
    messages = bench.table(["page", "all KiB", "plotly KiB", "deck KiB", "table KiB"], sizes)
    return (
        "fully drawn, ms from navigation start (ran: the script run ended)\n"
        + timing
        + "\n\nStreamlit messages of one warm load, by element type\n"
        + messages
    )


def query_report(found: dict[str, Any]) -> str:
    limit = bench.BUDGETS["city"]["query_p95_ms"]
    rows = [
        [q["label"], f"{q['rows']:,}", f"{q['median_ms']:.2f}", f"{q['p95_ms']:.2f}",
         bench.mark(q["p95_ms"], limit)]
        for q in found["queries"]
    ]  # fmt: skip
    return (
        f"page queries, week of {found['week']}: warm-up + {found['queries'][0]['n']} runs each "
        f"(budget p95 ≤ {limit:.0f} ms)\n"
        + bench.table(["query", "rows", "median ms", "p95 ms", "verdict"], rows)
    )


# ---------------------------------------------------------------- command line


def built(data: Path) -> Path:
    """The served warehouse file of a data folder."""
    from safetynet.warehouse import store

    version = store.current(data / "warehouse")
    if version is None:
        raise SystemExit(f"bench_pages: no warehouse has been built in {data}")
    return version.path


def build(data: Path, scale: str) -> None:
    env = os.environ | {"SAFETYNET_DATA": str(data)}
    command = [sys.executable, "-m", "safetynet", "build", "--demo", "--scale", scale]
    subprocess.run(command, env=env, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python scripts/bench_pages.py",
        description="Time each page from navigation to fully drawn in headless Chromium, cold "
        "and warm, against an empty page in the same frame; then time every page query.",
    )
    p.add_argument("--data", type=Path, help="a built data folder (default: build --scale)")
    p.add_argument("--scale", default="city", choices=bench.SCALE_NAMES)
    p.add_argument("--loads", type=int, default=10, help="warm loads per page (default 10)")
    p.add_argument("--cold-loads", type=int, help="cold loads per page (default: --loads)")
    p.add_argument("--query-repeat", type=int, default=50, help="0 leaves the queries out")
    p.add_argument("--out-json", type=Path, help="also write every figure to this JSON file")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    cold_loads = args.loads if args.cold_loads is None else args.cold_loads
    if args.loads < 1 or cold_loads < 0:
        parser().error("--loads must be at least 1 and --cold-loads at least 0")
    from safetynet.briefing.capture import browser

    def say(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    scratch = Path(tempfile.mkdtemp(prefix="safetynet-pages-"))
    try:
        data = args.data
        if data is None:
            data = scratch / "data"
            say(f"building the {args.scale} demo city ...")
            build(data, args.scale)
        warehouse = built(data.resolve())
        print(f"warehouse: {warehouse.name}, {warehouse.stat().st_size / KIB / KIB:.1f} MiB")
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        with browser() as chromium:
            results = measure(data.resolve(), chromium, args.loads, cold_loads, say)
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        figures = summary(results)
        print(
            f"\n{cold_loads} cold, {args.loads} warm and {args.loads} returning loads per page, 1920×1080"
        )
        print(report(figures))
        queries = None
        if args.query_repeat:
            say("timing page queries ...")
            queries = bench.run_child(
                "queries",
                {"path": str(warehouse), "repeat": args.query_repeat, "district": bench.DISTRICT},
                scratch,
            )
            print("\n" + query_report(queries))
        if args.out_json:
            document = {"pages": figures, "loads": results, "queries": queries}
            args.out_json.parent.mkdir(parents=True, exist_ok=True)
            args.out_json.write_text(
                json.dumps(document, indent=2, ensure_ascii=False, default=str) + "\n",
                encoding="utf-8",
            )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
