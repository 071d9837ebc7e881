"""One writer at a time, fallbacks that survive killed builds, and a full disk that is a message.

These run the real command in child processes where a kill, a second process or a file-size
limit is what is being tested; the rest call build() in this process.
"""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from safetynet.build import build
from safetynet.warehouse import store
from safetynet.warehouse.checks import BuildError


def _command(data: Path, *args: str, limit: int | None = None) -> subprocess.Popen[str]:
    """`safetynet ARGS` in a child process on the data folder, optionally unable to write
    any file beyond `limit` bytes (the way a full disk fails a write)."""
    env = {**os.environ, "SAFETYNET_DATA": str(data), "PYTHONUNBUFFERED": "1"}

    def cap() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return subprocess.Popen(
        [sys.executable, "-m", "safetynet", *args],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=cap,
    )


def _finish(process: subprocess.Popen[str]) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def _complete(root: Path) -> list[Path]:
    return sorted(root.glob(store.COMPLETE))


def _leftovers(root: Path) -> list[Path]:
    return sorted([*root.glob(store.PARTIAL), *root.glob("*.wal")])


def _wait_for(predicate, what: str, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.02)


# --- one writer at a time ---------------------------------------------------------------------


def test_a_second_build_refuses_or_waits(small_raw: Path, tmp_path: Path) -> None:
    root = tmp_path / "wh"
    with store.lock(root):
        with pytest.raises(BuildError, match=rf"wh/: another build \(process {os.getpid()}\)"):
            build(small_raw, root=root, progress=False, wait=False)
        assert _complete(root) == []

        said: list[str] = []
        built: list[store.Version] = []
        waiting = threading.Thread(
            target=lambda: built.append(
                build(small_raw, root=root, progress=False, on_wait=said.append)
            )
        )
        waiting.start()
        _wait_for(lambda: said, "the waiting build's message")
        time.sleep(0.3)
        assert not built and _complete(root) == []  # it waits: nothing written yet
    waiting.join(timeout=120)
    assert "waiting for it to finish" in said[0]
    assert built and store.current(root) == built[0] and built[0].path.exists()


def test_two_builds_at_once_both_serve_a_file_that_exists(small_raw: Path, tmp_path: Path) -> None:
    """The race that once left CURRENT.json naming a pruned file: a long build and quick ones
    started together in the same data folder, with earlier warehouses there to prune."""
    data = tmp_path / "data"
    root = data / "warehouse"
    for _ in range(store.KEEP):
        build(small_raw, root=root, progress=False)
    first = _command(data, "build", str(small_raw))
    _wait_for(lambda: list(root.glob(store.PARTIAL)), "the first build to start writing")
    second = _command(data, "build", str(small_raw))
    refused = _finish(_command(data, "build", str(small_raw), "--no-wait"))
    results = [_finish(first), _finish(second)]

    assert refused[0] == 2 and "another build" in refused[2] and "Traceback" not in refused[2]
    assert [code for code, _, _ in results] == [0, 0], results
    assert "waiting for it to finish" in results[1][2]
    served = store.current(root)
    assert served is not None and served.path.is_file()
    assert served.name in results[1][1]  # the later build is the one served
    assert len(_complete(root)) == store.KEEP and _leftovers(root) == []


# --- fallbacks --------------------------------------------------------------------------------


def test_killed_builds_never_eat_the_fallbacks(small_raw: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = data / "warehouse"
    good = [build(small_raw, root=root, progress=False) for _ in range(3)]

    for _ in range(2):
        before = set(root.glob(store.PARTIAL))
        process = _command(data, "build", str(small_raw))
        _wait_for(lambda b=before: set(root.glob(store.PARTIAL)) - b, "a new partial file")
        time.sleep(0.5)  # well into the build: staging tables written
        process.send_signal(signal.SIGKILL)
        process.wait(timeout=60)
    # The last kill left its partial file and log (the first one's went when it started).
    assert len(list(root.glob(store.PARTIAL))) == 1 and list(root.glob("*.wal"))

    # Three complete, checked warehouses are still there to fall back to, the newest served.
    assert _complete(root) == [v.path for v in good]
    assert store.current(root).path == good[-1].path

    newest = build(small_raw, root=root, progress=False)
    assert _leftovers(root) == []  # cleaned up at the start of the next build
    assert _complete(root) == [*(v.path for v in good[1:]), newest.path]


def test_publish_refuses_a_file_that_is_not_there(tmp_path: Path) -> None:
    tmp_path.joinpath("safetynet-20260101T000000000000Z.duckdb").touch()
    before = store.publish(tmp_path / "safetynet-20260101T000000000000Z.duckdb")
    with pytest.raises(FileNotFoundError):
        store.publish(tmp_path / "safetynet-20260102T000000000000Z.duckdb")
    assert store.current(tmp_path) == before


# --- a full disk ------------------------------------------------------------------------------


def test_full_disk_during_a_build_is_one_message(small_raw: Path, tmp_path: Path) -> None:
    data = tmp_path / "data"
    root = data / "warehouse"
    before = build(small_raw, root=root, progress=False)

    code, _, err = _finish(_command(data, "build", str(small_raw), limit=4_000_000))

    assert code == 2
    assert "Traceback" not in err
    lines = [line for line in err.splitlines() if line.strip() and "build:" not in line]
    assert lines[0] == "build failed; nothing changed."
    assert "could not write" in lines[1].lower() and "File too large" in lines[1]
    assert lines[2] == f"still serving: {before.name}"
    assert store.current(root) == before
    assert _complete(root) == [before.path] and _leftovers(root) == []


def test_full_disk_during_generation_leaves_no_half_city(tmp_path: Path) -> None:
    out = tmp_path / "raw"
    code, _, err = _finish(_command(tmp_path / "data", "generate", str(out), "--scale", "small",
                                    limit=200_000))  # fmt: skip
    assert code == 2
    assert "Traceback" not in err
    assert [line for line in err.splitlines() if line.startswith("failed:")]
    assert list(out.iterdir()) == []


def test_a_pointer_that_cannot_be_written_changes_nothing(
    small_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = tmp_path / "wh"
    before = build(small_raw, root=root, progress=False)

    def full(path: Path) -> store.Version:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store, "publish", full)
    with pytest.raises(BuildError, match=r"^wh/: cannot be written \(\[Errno 28\] No space"):
        build(small_raw, root=root, progress=False)
    assert store.current(root) == before and _leftovers(root) == []
