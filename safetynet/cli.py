"""The `safetynet` command: generate the demo city, build warehouses, say what is served, serve."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path

from safetynet.briefing.formats import FORMATS, LAYOUTS
from safetynet.demo.facts import SCALES
from safetynet.demo.generate import DEFAULT_AS_OF, DEFAULT_SEED, fingerprint, generate
from safetynet.warehouse import store
from safetynet.warehouse.checks import BuildError, failure, one_line
from safetynet.warehouse.manifest import DEMO

APP = Path(__file__).resolve().parents[1] / "app.py"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return args.run(args)
    except BuildError as error:
        served = store.current()
        print(f"build failed; nothing changed.\n{error}", file=sys.stderr)
        print(f"still serving: {served.name if served else 'no warehouse yet'}", file=sys.stderr)
        return 2
    except OSError as error:  # the disk or a folder, outside a build (generate, info)
        print(f"failed: {one_line(error)}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:  # what was half-written is removed on the way out
        print("interrupted; nothing changed.", file=sys.stderr)
        return 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="safetynet", description="SafetyNet (安全网) dashboard tools"
    )
    sub = parser.add_subparsers(required=True, metavar="COMMAND")

    gen = sub.add_parser("generate", help="write the demo city's raw tables to a folder")
    gen.add_argument("out_dir", type=Path)
    _demo_options(gen)
    gen.set_defaults(run=_generate)

    build = sub.add_parser(
        "build", help="build a warehouse from raw files (or the demo) and serve it"
    )
    build.add_argument("raw_dir", type=Path, nargs="?", help="folder of raw Parquet files")
    build.add_argument(
        "--demo", action="store_true", help="generate the demo city and build from it"
    )
    _demo_options(build)
    build.add_argument(
        "--no-wait", action="store_true", help="fail at once if another build is running"
    )
    build.set_defaults(run=_build)

    _data_commands(sub)

    info = sub.add_parser("info", help="print, as JSON, what the served warehouse holds")
    info.set_defaults(run=_info)

    serve = sub.add_parser(
        "serve", help="start the dashboard (building the demo warehouse if none)"
    )
    serve.add_argument("--port", type=int, default=8501)
    serve.set_defaults(run=_serve)

    brief = sub.add_parser(
        "briefing",
        aliases=["capture"],
        help="capture the weekly briefing (headless Chromium, offline) as PNG, PDF or PowerPoint",
    )
    brief.add_argument("--week", default=None, help="ISO week, e.g. 2026-W48 (default: latest)")
    places = brief.add_mutually_exclusive_group()
    places.add_argument(
        "--district",
        action="append",
        default=[],
        help="a unit's code, or city; repeat it for several in one run (default: city)",
    )
    places.add_argument("--all", action="store_true", help="the city and each of its units")
    brief.add_argument("--format", choices=FORMATS, default="png")
    brief.add_argument("--layout", choices=sorted(LAYOUTS), default="desktop")
    brief.add_argument("--lang", choices=("zh", "en"), default="zh")
    brief.add_argument(
        "--url", default=None, help="a running dashboard to use (default: start one)"
    )
    brief.add_argument("--out", type=Path, required=True, help="folder to write into")
    brief.set_defaults(run=_briefing)
    return parser


def _data_commands(sub: argparse._SubParsersAction) -> None:
    """import, versions, rollback, template, export: a city's own data in and out."""
    imp = sub.add_parser(
        "import",
        help="validate office files (Excel, CSV, Parquet) and, if all is well, build and serve them",
    )
    imp.add_argument("paths", type=Path, nargs="+", help="files, or folders of files")
    imp.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")
    imp.add_argument(
        "--replace", action="append", default=[], metavar="TABLE",
        help="reload this table whole instead of adding to it (repeatable)",
    )  # fmt: skip
    imp.add_argument(
        "--drop-personal", action="store_true",
        help="drop columns holding personal data (names, phones, ID numbers) instead of refusing",
    )  # fmt: skip
    imp.set_defaults(run=_import)

    versions = sub.add_parser("versions", help="list the kept warehouse versions and their data")
    versions.set_defaults(run=_versions)

    back = sub.add_parser("rollback", help="serve an earlier warehouse version again")
    back.add_argument(
        "version", nargs="?", default=None,
        help="a warehouse file or raw version (v0003); default: the one before the served one",
    )  # fmt: skip
    back.set_defaults(run=_rollback)

    template = sub.add_parser("template", help="write one Excel template per table")
    template.add_argument("--out", type=Path, required=True)
    template.set_defaults(run=_template)

    export = sub.add_parser("export", help="write the served data as filled-in templates")
    export.add_argument("--out", type=Path, required=True)
    export.set_defaults(run=_export)


def _demo_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--scale", choices=sorted(SCALES), default="city")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--as-of", type=date.fromisoformat, default=None, help="YYYY-MM-DD")


def _generate(args: argparse.Namespace) -> int:
    counts = generate(args.out_dir, args.scale, args.seed, args.as_of or DEFAULT_AS_OF)
    print(json.dumps(counts, indent=2))
    return 0


def _build(args: argparse.Namespace) -> int:
    from safetynet.build import build  # imports duckdb; keep `--help` quick

    if args.demo == (args.raw_dir is not None):
        print("give either RAW_DIR or --demo", file=sys.stderr)
        return 2
    raw_dir = args.raw_dir or demo_raw(args.scale, args.seed, args.as_of or DEFAULT_AS_OF)
    version = build(raw_dir, as_of=None if args.demo else args.as_of, wait=not args.no_wait)
    print(f"serving {version.name}")
    return 0


def demo_raw(scale: str, seed: int, as_of: date) -> Path:
    """The demo's raw folder, generated on first use (generation is deterministic; the folder
    name carries the generator's fingerprint, so a changed generator writes a new one)."""
    name = f"demo-{scale}-{seed}-{as_of.isoformat()}-{fingerprint()}"
    raw_dir = store.data_dir() / "raw" / name
    if (raw_dir / DEMO).exists():
        return raw_dir
    # Generated aside and renamed, so two first builds at once never write one folder.
    aside = raw_dir.with_name(f".{name}.{os.getpid()}")
    try:
        generate(aside, scale, seed, as_of)
        aside.rename(raw_dir)
    except OSError as error:
        if raw_dir.exists():  # the other build finished first: its folder is the same
            return raw_dir
        raise failure(f"demo {scale}", f"could not be generated ({one_line(error)})") from None
    finally:
        shutil.rmtree(aside, ignore_errors=True)
    return raw_dir


def _import(args: argparse.Namespace) -> int:
    from safetynet.ingest import report
    from safetynet.ingest.run import run

    outcome = run(args.paths, args.as_of, args.replace, args.drop_personal, progress=True)
    saved = report.save(outcome, args.paths)
    print(report.terminal(outcome, saved), file=sys.stdout if outcome.ok else sys.stderr)
    return 0 if outcome.ok else 1


def _versions(args: argparse.Namespace) -> int:
    from safetynet.ingest.history import warehouses

    kept = [w.describe() for w in warehouses()]
    if not kept:
        print(
            "no warehouse yet: run `safetynet build --demo` or `safetynet import`", file=sys.stderr
        )
        return 1
    for line in kept:
        print("  ".join(str(v) for v in line.values()))
    return 0


def _rollback(args: argparse.Namespace) -> int:
    from safetynet.ingest.history import rollback

    print(f"serving {rollback(args.version).name}")
    return 0


def _template(args: argparse.Namespace) -> int:
    from safetynet.ingest.templates import write_templates

    print("\n".join(str(p) for p in write_templates(args.out, _served_tables(3))))
    return 0


def _export(args: argparse.Namespace) -> int:
    from safetynet.ingest.templates import export

    print("\n".join(str(p) for p in export(_served_tables(), args.out)))
    return 0


def _served_tables(limit: int | None = None) -> dict:
    """The served warehouse's staged raw tables (the first `limit` rows of each), or none."""
    from safetynet.warehouse import runner
    from safetynet.warehouse.schema import TABLES

    version = store.current()
    if version is None:
        return {}
    head = f" LIMIT {int(limit)}" if limit else ""
    with runner.open_readonly(version.path) as con:
        return {
            t.name: con.sql(f"SELECT * EXCLUDE (_row) FROM stg_{t.name} ORDER BY _row{head}").pl()
            for t in TABLES
        }


def _info(args: argparse.Namespace) -> int:
    from safetynet.warehouse.info import describe

    version = store.current()
    if version is None:
        print("no warehouse yet: run `safetynet build --demo`", file=sys.stderr)
        return 1
    print(json.dumps(describe(version), ensure_ascii=False, indent=2, default=str))
    return 0


def _serve(args: argparse.Namespace) -> int:
    if store.current() is None:
        from safetynet.build import build

        build(demo_raw("city", DEFAULT_SEED, DEFAULT_AS_OF))
    command = [sys.executable, "-m", "streamlit", "run", str(APP), "--server.port", str(args.port)]
    return subprocess.call(command, env=os.environ.copy())


def _briefing(args: argparse.Namespace) -> int:
    from safetynet.briefing.capture import CaptureError  # imports playwright
    from safetynet.briefing.run import Request, brief

    request = Request(
        args.week, tuple(args.district), args.all, args.format, args.layout, args.lang
    )
    try:
        written = brief(request, args.out, args.url)
    except CaptureError as error:
        print(f"briefing failed: {error}", file=sys.stderr)
        return 1
    print("\n".join(str(path) for path in written))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
