"""Benchmark the demo city at each scale: generation, build, warehouse size and page-query latency.

For every requested scale (small, city, province; see safetynet/demo/facts.py) the script

1. generates the demo city's raw tables (safetynet.demo.generate.generate) in a fresh child
   process, and reports its wall time, its peak resident memory and the size of the raw folder;
2. builds a warehouse from them (safetynet.build.build) in another fresh child process, and
   reports its wall time, its peak resident memory and the size of the warehouse file;
3. in a third child process opens the warehouse once, read-only, as the app does
   (safetynet.warehouse.runner.open_readonly), and times every page query (every queries/*.sql, i.e.
   runner.page_queries()) through runner.run, which is what the app calls: a fresh cursor of
   the shared connection per query, the result fetched to polars. Each query runs once to warm
   up, then --repeat times; median and p95 are reported in milliseconds. The parameters mirror
   what safetynet/app/views.py passes for the overview page in the newest week: `figures` is timed
   as its four overview calls (headline: the city over 2 weeks; ranking by district: 1 week;
   ranking by street of one district, 410105: 1 week; trend: the city over 26 weeks). A query
   file whose parameters the script does not know stops the run with its name, so a new page
   query cannot be left out of the benchmark.

Peak memory is each child's own maximum resident set size, read with GNU time (/usr/bin/time)
when present, else from os.wait4's rusage. The parent imports nothing but the standard library
and holds no data, because a child started from a large parent inherits its resident set in
ru_maxrss. Seconds are reported two ways: the call itself (generate() or build(), measured inside
the child) and the whole child process (interpreter start and imports included); the budget is
checked against the whole process, the more conservative of the two.

Budgets (from the issue): at city scale, generation + build within 60 s and peak memory within
4 GiB (each step); every overview query (every page query: the overview page also calls weeks,
districts and build_info) within 50 ms p95 at city and 200 ms p95 at province. Each is marked
OK or OVER.

--profile adds, per scale, one more generation and build run (not the measured ones) that time
each generated table and each build step, to show what dominates.

    python scripts/benchmark.py                                   # small, city, province
    python scripts/benchmark.py --scales small city --repeat 20 --out-json bench.json

This is a benchmark, not a test: it asserts nothing about the timings and exits 0 even when a
budget is over (exit 1 only when something fails to run).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "queries"  # the same folder runner.page_queries() lists
SCALE_NAMES = ("small", "city", "province")
DISTRICT = "410105"  # 金水区, the most populous unit: the biggest street ranking
TREND_WEEKS = 26  # views.trend's default
GNU_TIME = Path("/usr/bin/time")
MIB = 1024 * 1024

# Budgets per scale; a scale without an entry is reported without a verdict.
BUDGETS: dict[str, dict[str, float]] = {
    "city": {"gen_build_s": 60.0, "peak_mib": 4096.0, "query_p95_ms": 50.0},
    "province": {"query_p95_ms": 200.0},
}


# ---------------------------------------------------------------- which queries, with what


def query_cases(names: list[str], week: date, district: str) -> list[dict[str, Any]]:
    """One timed case per call a page makes: (label, query name, parameters).

    Fails naming the query when its file has no example, or needs a parameter not given.
    """
    from safetynet.warehouse.runner import examples

    cases: list[dict[str, Any]] = []
    for name in names:
        if name == "figures":
            # As safetynet/app/views.py calls it for the overview page (district '' = the city).
            def figures(label: str, by: str, where: str, first: date) -> dict[str, Any]:
                params = {"by": by, "district": where, "from": first, "to": week}
                return {"label": f"figures: {label}", "query": "figures", "params": params}

            cases += [
                figures("headline, city, 2 weeks", "city", "", week - timedelta(weeks=1)),
                figures("ranking by district, 1 week", "district", "", week),
                figures(f"ranking by street of {district}, 1 week", "street", district, week),
                figures(
                    f"trend, city, {TREND_WEEKS} weeks",
                    "city",
                    "",
                    week - timedelta(weeks=TREND_WEEKS - 1),
                ),
            ]
        else:
            # Every other page query is timed with each example its file documents.
            cases += [
                {"label": name if k == 0 else f"{name} #{k + 1}", "query": name, "params": params}
                for k, params in enumerate(examples(name))
            ]
    for case in cases:
        needed = sql_parameters((QUERIES / f"{case['query']}.sql").read_text(encoding="utf-8"))
        missing = needed - set(case["params"])
        if missing:
            raise SystemExit(
                f"benchmark: queries/{case['query']}.sql needs "
                f"{', '.join('$' + m for m in sorted(missing))}, which scripts/benchmark.py "
                f"does not pass (query_cases)"
            )
    return cases


def sql_parameters(sql: str) -> set[str]:
    """The $names a query binds, comments left out."""
    code = re.sub(r"--[^\n]*", "", sql)
    return set(re.findall(r"\$([A-Za-z_]\w*)", code))


def query_files() -> list[str]:
    """The page queries, as runner.page_queries() lists them (without importing duckdb)."""
    return sorted(p.stem for p in QUERIES.glob("*.sql"))


# ---------------------------------------------------------------- child processes


def _child(step: str, args: dict[str, Any]) -> None:
    """Run one step in this (child) process and write its result as JSON to args['result']."""
    result = {"generate": _child_generate, "build": _child_build, "queries": _child_queries}[step](
        args
    )
    Path(args["result"]).write_text(json.dumps(result, default=str), encoding="utf-8")


def _child_generate(args: dict[str, Any]) -> dict[str, Any]:
    from safetynet.demo import generate as gen

    options: dict[str, Any] = {}
    if args.get("seed") is not None:
        options["seed"] = args["seed"]
    if args.get("as_of"):
        options["as_of"] = date.fromisoformat(args["as_of"])
    profile = _GenerationProfile(gen) if args.get("profile") else None
    start = time.perf_counter()
    rows = gen.generate(Path(args["raw"]), args["scale"], progress=False, **options)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"seconds": seconds, "rows": rows}
    if profile:
        result["profile"] = profile.finish()
    return result


def _child_build(args: dict[str, Any]) -> dict[str, Any]:
    from safetynet import build as build_module

    profile = _BuildProfile(build_module) if args.get("profile") else None
    start = time.perf_counter()
    version = build_module.build(Path(args["raw"]), root=Path(args["root"]), progress=False)
    seconds = time.perf_counter() - start
    result: dict[str, Any] = {"seconds": seconds, "path": str(version.path)}
    if profile:
        result["profile"] = profile.finish()
    return result


def _child_queries(args: dict[str, Any]) -> dict[str, Any]:
    from safetynet.warehouse import runner

    names = runner.page_queries()
    if names != query_files():
        raise SystemExit(f"benchmark: page queries {names} differ from {query_files()}")
    start = time.perf_counter()
    con = runner.open_readonly(Path(args["path"]))
    open_ms = (time.perf_counter() - start) * 1000
    try:
        week = runner.run(con, "weeks", {})["week_start"][0]  # newest first: the default
        districts = set(runner.run(con, "districts", {})["district_code"])
        if args["district"] not in districts:
            raise SystemExit(f"benchmark: district {args['district']} is not in the warehouse")
        timings = []
        for case in query_cases(names, week, args["district"]):
            rows = runner.run(con, case["query"], case["params"]).height  # warm-up
            samples = []
            for _ in range(args["repeat"]):
                start = time.perf_counter()
                runner.run(con, case["query"], case["params"])
                samples.append((time.perf_counter() - start) * 1000)
            timings.append(
                case
                | {"rows": rows, **_spread(samples)}
                | {"params": {k: str(v) for k, v in case["params"].items()}}
            )
    finally:
        con.close()
    return {"week": str(week), "open_ms": open_ms, "queries": timings}


def _spread(samples: list[float]) -> dict[str, float]:
    if len(samples) > 1:
        p95 = statistics.quantiles(samples, n=100, method="inclusive")[94]
    else:
        p95 = samples[0]
    return {
        "median_ms": statistics.median(samples),
        "p95_ms": p95,
        "min_ms": min(samples),
        "max_ms": max(samples),
        "n": len(samples),
    }


class _Timeline:
    """Seconds spent under each label, summed; a mark closes the running label."""

    def __init__(self, first: str) -> None:
        self.totals: dict[str, float] = {}
        self.label = first
        self.since = time.perf_counter()

    def mark(self, label: str) -> None:
        now = time.perf_counter()
        self.totals[self.label] = self.totals.get(self.label, 0.0) + now - self.since
        self.label, self.since = label, now

    def finish(self) -> list[tuple[str, float]]:
        self.mark("")
        return list(self.totals.items())


class _GenerationProfile(_Timeline):
    """Times the making of each table (between writes) and its writing, by wrapping the writer."""

    def __init__(self, gen: Any) -> None:
        super().__init__("start")
        write, close, make_places = gen._TableWriter.write, gen._TableWriter.close, gen.make_places

        def timed_places(*a: Any, **k: Any) -> Any:
            self.mark("make places")
            try:
                return make_places(*a, **k)
            finally:
                self.mark("make (next table)")

        def timed_write(writer: Any, frame: Any) -> None:
            name = writer.table.name
            self.label = f"make {name}"  # the time since the last write went into this frame
            self.mark(f"write {name}")
            write(writer, frame)
            self.mark("make (next table)")

        def timed_close(writer: Any) -> None:
            self.mark("close files")
            close(writer)

        gen.make_places = timed_places
        gen._TableWriter.write = timed_write
        gen._TableWriter.close = timed_close


class _BuildProfile(_Timeline):
    """Times staging, checks and each queries/build step by wrapping what build() calls."""

    def __init__(self, build_module: Any) -> None:
        super().__init__("open new file")
        from safetynet.warehouse import staging

        profile = self
        stage, raw_find, build_find = (
            staging.stage,
            staging.find_problems,
            build_module.find_problems,
        )
        steps = build_module.build_steps
        calls = {"checks": 0}

        def timed_stage(*a: Any, **k: Any) -> Any:
            self.mark("stage: views + typed tables")
            try:
                return stage(*a, **k)
            finally:
                self.mark("manifest + meta_build")

        def timed_raw_find(*a: Any, **k: Any) -> Any:
            self.mark("stage: cast checks")
            try:
                return raw_find(*a, **k)
            finally:
                self.mark("stage: views + typed tables")

        def timed_build_find(*a: Any, **k: Any) -> Any:
            calls["checks"] += 1
            self.mark("row checks" if calls["checks"] == 1 else "mart checks")
            try:
                return build_find(*a, **k)
            finally:
                self.mark(
                    "(between steps)" if calls["checks"] == 1 else "checkpoint, close + publish"
                )

        class TimedStep(type(Path())):  # a Path whose reading marks the step's start
            def read_text(self, *a: Any, **k: Any) -> str:
                profile.mark(f"sql {self.name}")
                return super().read_text(*a, **k)

        staging.stage = timed_stage
        staging.find_problems = timed_raw_find
        build_module.find_problems = timed_build_find
        build_module.build_steps = lambda: [TimedStep(p) for p in steps()]


def run_child(step: str, args: dict[str, Any], scratch: Path) -> dict[str, Any]:
    """Run a step in a fresh interpreter; its result plus process seconds and peak MiB."""
    result_file = scratch / f"{step}.result.json"
    memory_file = scratch / f"{step}.time.txt"
    result_file.unlink(missing_ok=True)
    command = [sys.executable, str(Path(__file__).resolve()), "--child", step]
    command.append(json.dumps(args | {"result": str(result_file)}))
    start = time.perf_counter()
    if GNU_TIME.exists():
        code = subprocess.call([str(GNU_TIME), "-f", "%M", "-o", str(memory_file), *command])
        seconds = time.perf_counter() - start
        lines = memory_file.read_text().split()
        peak_kib = int(lines[-1]) if lines and lines[-1].isdigit() else 0
    else:
        process = subprocess.Popen(command)
        _, status, usage = os.wait4(process.pid, 0)
        seconds = time.perf_counter() - start
        process.returncode = code = os.waitstatus_to_exitcode(status)
        peak_kib = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)
    if code != 0 or not result_file.exists():
        raise RuntimeError(f"the {step} step failed (exit {code}); its error is printed above")
    result = json.loads(result_file.read_text(encoding="utf-8"))
    result_file.unlink()
    return result | {"process_seconds": seconds, "peak_mib": peak_kib / 1024}


# ---------------------------------------------------------------- the run


def machine() -> dict[str, Any]:
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:
        cpus = os.cpu_count() or 0
    memory = model = ""
    if Path("/proc/meminfo").exists():
        total = re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text())
        memory = f"{int(total.group(1)) / MIB:.1f} GiB" if total else ""
    if Path("/proc/cpuinfo").exists():
        found = re.search(r"model name\s*:\s*(.+)", Path("/proc/cpuinfo").read_text())
        model = found.group(1).strip() if found else ""

    def version(package: str) -> str:
        try:
            return metadata.version(package)
        except metadata.PackageNotFoundError:
            return "not installed"

    return {
        "nproc": cpus,
        "memory": memory,
        "cpu": model or platform.processor(),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "duckdb": version("duckdb"),
        "polars": version("polars"),
        "peak memory from": "GNU time (%M)" if GNU_TIME.exists() else "os.wait4 ru_maxrss",
    }


def say(message: str) -> None:
    """Progress on stderr, after whatever the tables have printed so far."""
    sys.stdout.flush()
    print(message, file=sys.stderr, flush=True)


def folder_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file()) / MIB


def bench_scale(scale: str, work: Path, args: argparse.Namespace) -> dict[str, Any]:
    work.mkdir(parents=True, exist_ok=True)
    raw, root = work / "raw", work / "warehouse"
    for old in (raw, root):
        shutil.rmtree(old, ignore_errors=True)
    common = {"scale": scale, "raw": str(raw), "seed": args.seed, "as_of": args.as_of}
    say(f"[{scale}] generating ...")
    generated = run_child("generate", common, work)
    say(f"[{scale}] building ...")
    built = run_child("build", common | {"root": str(root)}, work)
    warehouse = Path(built["path"])
    say(f"[{scale}] timing page queries ...")
    queried = run_child(
        "queries",
        {"path": str(warehouse), "repeat": args.repeat, "district": args.district},
        work,
    )
    rows = generated.pop("rows")
    figures: dict[str, Any] = {
        "generate": generated,
        "build": built,
        "raw_mib": folder_mib(raw),
        "raw_files": sum(1 for p in raw.iterdir() if p.is_file()),
        "raw_rows": rows,
        "warehouse_mib": warehouse.stat().st_size / MIB,
        "week": queried["week"],
        "district": args.district,
        "open_ms": queried["open_ms"],
        "query_peak_mib": queried["peak_mib"],
        "queries": queried["queries"],
    }
    if args.profile:
        say(f"[{scale}] profiling generation and build ...")
        raw2, root2 = work / "raw-profile", work / "warehouse-profile"
        again = run_child("generate", common | {"raw": str(raw2), "profile": True}, work)
        rebuilt = run_child(
            "build", common | {"raw": str(raw2), "root": str(root2), "profile": True}, work
        )
        figures["profile"] = {
            "generate": {"seconds": again["seconds"], "steps": again["profile"]},
            "build": {"seconds": rebuilt["seconds"], "steps": rebuilt["profile"]},
        }
    figures["verdicts"] = verdicts(scale, figures)
    return figures


def verdicts(scale: str, f: dict[str, Any]) -> list[dict[str, Any]]:
    """Each budget that applies at this scale, with the figure and OK / OVER."""
    budget = BUDGETS.get(scale, {})
    found = []
    if "gen_build_s" in budget:
        total = f["generate"]["process_seconds"] + f["build"]["process_seconds"]
        found.append(("generation + build (s)", total, budget["gen_build_s"]))
    if "peak_mib" in budget:
        found.append(("generation peak (MiB)", f["generate"]["peak_mib"], budget["peak_mib"]))
        found.append(("build peak (MiB)", f["build"]["peak_mib"], budget["peak_mib"]))
    if "query_p95_ms" in budget:
        for q in f["queries"]:
            found.append((f"{q['label']} p95 (ms)", q["p95_ms"], budget["query_p95_ms"]))
    return [
        {"what": what, "value": value, "budget": limit, "ok": value <= limit}
        for what, value, limit in found
    ]


# ---------------------------------------------------------------- printing


def table(header: list[str], rows: list[list[str]], right: set[int] | None = None) -> str:
    right = right if right is not None else set(range(1, len(header)))
    widths = [max(len(str(r[i])) for r in [header, *rows]) for i in range(len(header))]

    def line(cells: list[str]) -> str:
        return "  ".join(
            str(c).rjust(w) if i in right else str(c).ljust(w)
            for i, (c, w) in enumerate(zip(cells, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(header), rule, *(line(r) for r in rows)])


def mark(value: float, limit: float | None) -> str:
    return "" if limit is None else ("OK" if value <= limit else "OVER")


def print_scale(scale: str, f: dict[str, Any]) -> None:
    budget = BUDGETS.get(scale, {})
    rows_total = sum(f["raw_rows"].values())
    print(f"\n=== {scale} ===")
    steps = [
        [
            "generate",
            f"{f['generate']['seconds']:.2f}",
            f"{f['generate']['process_seconds']:.2f}",
            f"{f['generate']['peak_mib']:.0f}",
            f"raw: {f['raw_mib']:.1f} MiB in {f['raw_files']} files, {rows_total:,} rows",
        ],
        [
            "build",
            f"{f['build']['seconds']:.2f}",
            f"{f['build']['process_seconds']:.2f}",
            f"{f['build']['peak_mib']:.0f}",
            f"warehouse: {f['warehouse_mib']:.1f} MiB",
        ],
    ]
    print(table(["step", "call s", "process s", "peak MiB", "output"], steps, {1, 2, 3}))
    biggest = sorted(f["raw_rows"].items(), key=lambda kv: -kv[1])[:4]
    print("largest raw tables: " + ", ".join(f"{k} {v:,}" for k, v in biggest))
    if "gen_build_s" in budget:
        total = f["generate"]["process_seconds"] + f["build"]["process_seconds"]
        peak = max(f["generate"]["peak_mib"], f["build"]["peak_mib"])
        print(
            f"budget: generation + build {total:.1f} s (≤ {budget['gen_build_s']:.0f} s) "
            f"{mark(total, budget['gen_build_s'])}; peak memory {peak:.0f} MiB "
            f"(≤ {budget['peak_mib']:.0f} MiB) {mark(peak, budget['peak_mib'])}"
        )
    limit = budget.get("query_p95_ms")
    print(
        f"\npage queries, week of {f['week']}, district {f['district']}: warm-up + "
        f"{f['queries'][0]['n']} runs each (connection opened in {f['open_ms']:.0f} ms; "
        f"query process peak {f['query_peak_mib']:.0f} MiB)"
    )
    rows = [
        [
            q["label"],
            f"{q['rows']:,}",
            f"{q['median_ms']:.2f}",
            f"{q['p95_ms']:.2f}",
            f"{q['max_ms']:.2f}",
            f"≤ {limit:.0f}" if limit else "-",
            mark(q["p95_ms"], limit),
        ]
        for q in f["queries"]
    ]
    print(table(["query", "rows", "median ms", "p95 ms", "max ms", "budget", "verdict"], rows))
    if "profile" in f:
        for step in ("generate", "build"):
            p = f["profile"][step]
            ranked = sorted(p["steps"], key=lambda kv: -kv[1])
            print(f"\nprofile of {step} ({p['seconds']:.2f} s in a separate run):")
            print(
                table(
                    ["part", "seconds", "share"],
                    [[k, f"{v:.2f}", f"{v / p['seconds']:.0%}"] for k, v in ranked if v >= 0.005],
                )
            )


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    scales = list(results)

    def row(label: str, value: Any, fmt: str, budget_key: str | None = None) -> list[str]:
        cells = [label]
        limits = []
        for s in scales:
            v = value(results[s])
            limit = BUDGETS.get(s, {}).get(budget_key) if budget_key else None
            cells.append(f"{v:{fmt}}" + (f" {mark(v, limit)}" if limit is not None else ""))
            if limit is not None:
                limits.append(f"{s} ≤ {limit:g}")
        return [*cells, ", ".join(limits)]

    rows = [
        row("generate s (process)", lambda f: f["generate"]["process_seconds"], ".1f"),
        row("build s (process)", lambda f: f["build"]["process_seconds"], ".1f"),
        row(
            "generate + build s",
            lambda f: f["generate"]["process_seconds"] + f["build"]["process_seconds"],
            ".1f",
            "gen_build_s",
        ),
        row("generate peak MiB", lambda f: f["generate"]["peak_mib"], ".0f", "peak_mib"),
        row("build peak MiB", lambda f: f["build"]["peak_mib"], ".0f", "peak_mib"),
        row("raw MiB", lambda f: f["raw_mib"], ".1f"),
        row("warehouse MiB", lambda f: f["warehouse_mib"], ".1f"),
    ]
    labels = [q["label"] for q in results[scales[0]]["queries"]]
    for i, label in enumerate(labels):
        rows.append(
            row(f"{label} p95 ms", lambda f, i=i: f["queries"][i]["p95_ms"], ".2f", "query_p95_ms")
        )
    print("\n=== summary ===")
    print(table(["figure", *scales, "budget"], rows, set(range(1, len(scales) + 1))))
    over = [(s, v) for s, f in results.items() for v in f["verdicts"] if not v["ok"]]
    checked = sum(len(f["verdicts"]) for f in results.values())
    if over:
        print(f"\nOVER budget ({len(over)} of {checked}):")
        for s, v in over:
            print(f"  {s}: {v['what']} {v['value']:.2f} > {v['budget']:g}")
    elif checked:
        print(f"\nall {checked} budget checks OK")


def print_machine(info: dict[str, Any], args: argparse.Namespace) -> None:
    print("=== machine ===")
    for key, value in info.items():
        print(f"{key:>17}: {value}")
    print(f"{'repeat':>17}: {args.repeat}")


# ---------------------------------------------------------------- command line


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python scripts/benchmark.py",
        description=(
            "Time the demo city's generation and build (each in a fresh child process, with its "
            "peak memory), report raw and warehouse sizes, and time every page query on the "
            "built warehouse (median and p95 over --repeat runs, each on a fresh cursor of one "
            "read-only connection, as the app runs them). Budgets: city generation + build "
            "<= 60 s and peak memory <= 4 GiB; every overview query p95 <= 50 ms at city and "
            "<= 200 ms at province; each is marked OK or OVER."
        ),
        epilog="The province scale (10x city) takes minutes and several GB of memory and disk.",
    )
    p.add_argument(
        "--scales",
        nargs="+",
        choices=SCALE_NAMES,
        default=list(SCALE_NAMES),
        metavar="SCALE",
        help="scales to run, in order: small city province (default: all three)",
    )
    p.add_argument(
        "--repeat", type=int, default=50, help="timed runs per query after a warm-up (default 50)"
    )
    p.add_argument("--out-json", type=Path, help="also write every figure to this JSON file")
    p.add_argument(
        "--workdir",
        type=Path,
        help="where raw tables and warehouses go (default: a temporary folder); each scale's "
        "files are removed when it is done unless --keep",
    )
    p.add_argument("--keep", action="store_true", help="keep the generated files")
    p.add_argument(
        "--profile",
        action="store_true",
        help="also time each generated table and each build step (one more run per scale)",
    )
    p.add_argument(
        "--district",
        default=DISTRICT,
        help=f"the unit whose street ranking is timed (default {DISTRICT})",
    )
    p.add_argument("--seed", type=int, help="demo seed (default: the generator's)")
    p.add_argument("--as-of", help="demo as-of date, YYYY-MM-DD (default: the generator's)")
    return p


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["--child"]:
        _child(argv[1], json.loads(argv[2]))
        return 0
    args = parser().parse_args(argv)
    if args.repeat < 1:
        parser().error("--repeat must be at least 1")
    # Fail before any work when a page query has no parameter set (the child checks again).
    query_cases(query_files(), date(2000, 1, 3), args.district)
    info = machine()
    print_machine(info, args)
    workdir = args.workdir or Path(tempfile.mkdtemp(prefix="safetynet-bench-"))
    results: dict[str, dict[str, Any]] = {}
    try:
        for scale in args.scales:
            work = workdir / scale
            try:
                results[scale] = bench_scale(scale, work, args)
            except RuntimeError as error:
                print(f"benchmark: {scale}: {error}", file=sys.stderr)
                return 1
            finally:
                if not args.keep:
                    shutil.rmtree(work, ignore_errors=True)
            print_scale(scale, results[scale])
            if args.out_json:  # written after each scale, so a long run leaves partial figures
                write_json(args.out_json, info, args, results)
        print_summary(results)
    finally:
        if not args.keep and args.workdir is None:
            shutil.rmtree(workdir, ignore_errors=True)
        elif args.keep:
            print(f"\nfiles kept in {workdir}")
    return 0


def write_json(
    path: Path, info: dict[str, Any], args: argparse.Namespace, results: dict[str, Any]
) -> None:
    document = {
        "machine": info,
        "repeat": args.repeat,
        "budgets": BUDGETS,
        "scales": results,
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
