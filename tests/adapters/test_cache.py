"""The incremental history cache: correct under change, damage, interruption and concurrency."""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import threading
import zlib
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builders import RepoBuilder
from busfactor import pipeline
from busfactor.adapters import cache as cache_module
from busfactor.adapters import cache_codec, mining
from busfactor.adapters.cache import (
    APPLICATION_ID,
    SCHEMA_VERSION,
    CacheCorrupt,
    CacheUnavailable,
    HistoryCache,
)
from busfactor.core.history import HistoryCounter
from busfactor.formats.json import render_json
from busfactor.pipeline import scan
from cache_check import cache_file, drop_snapshots, mine, plain
from history_generator import Generator


def grow(builder: RepoBuilder, start: int, count: int, who: str = "bob") -> None:
    for n in range(start, start + count):
        builder.commit(who, write={f"src/m{n % 7}.py": f"version {n}\n"})


@pytest.fixture
def repo(builder: RepoBuilder) -> RepoBuilder:
    builder.commit("ada", write={"src/a.py": "a\n", "src/b.py": "b\n", "README.md": "# r\n"})
    grow(builder, 0, 10, "ada")
    return builder


@pytest.fixture
def extended(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Every call of the cache's fast path (extending a snapshot) during the test."""
    calls: list[object] = []
    original = mining.extend

    def spy(*args: Any) -> Any:
        calls.append(args)
        return original(*args)

    monkeypatch.setattr(mining, "extend", spy)
    return calls


def table(path: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(cache_file(path)) as db:
        return db.execute(sql).fetchall()


def report_json(path: Path, **overrides: Any) -> str:
    return render_json(scan(path, overrides=overrides))


class TestRescan:
    def test_rescan_reads_only_the_new_commits(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        grow(repo, 10, 5, "cy")
        warm = mine(repo.path)
        assert plain(warm) == plain(mine(repo.path, cached=False))
        segments = table(repo.path, "SELECT seg, commits, base IS NULL FROM segments ORDER BY seg")
        assert segments == [(0, 11, 1), (1, 5, 0)]

    def test_commits_on_top_extend_the_snapshot_instead_of_replaying(
        self, repo: RepoBuilder, extended: list[object]
    ) -> None:
        mine(repo.path)
        repo.commit("cy", move={"src/a.py": "lib/a.py"}, write={"new.txt": "n\n"})
        repo.commit("dan", write={"src/b.py": "b2\n"}, delete=["README.md"])
        cold = plain(mine(repo.path, cached=False))
        assert plain(mine(repo.path)) == cold
        assert len(extended) == 1

    @pytest.mark.parametrize("newcomer", ["aaron", "cyd", "zoe"])
    def test_newcomers_sorted_among_the_cached_people_renumber_exactly(
        self, builder: RepoBuilder, extended: list[object], newcomer: str
    ) -> None:
        """Someone new sorts before, between or after the cached identities: files counted
        only by identities below the newcomer keep their counts, the others are renumbered."""
        builder.commit("bob", write={"a.py": "a\n", "b.py": "b\n", "c.py": "c\n"})
        builder.commit("dan", write={"b.py": "b2\n", "d.py": "d\n"})
        builder.commit("eve", write={"c.py": "c2\n", "e.py": "e\n"})
        mine(builder.path)
        builder.commit(newcomer, write={"a.py": "a3\n", "f.py": "f\n"})
        builder.commit("dan", write={"e.py": "e3\n"})
        warm = mine(builder.path)
        assert extended, "the snapshot was extended, not replayed"
        assert plain(warm) == plain(mine(builder.path, cached=False))

    @pytest.mark.parametrize("mainline_touches_it", [False, True])
    def test_pull_request_forked_below_the_tip_extends_the_snapshot(
        self, repo: RepoBuilder, extended: list[object], mainline_touches_it: bool
    ) -> None:
        """Exact either way: when the mainline touched the branch's file since the fork, the
        short lockstep catch-up (core/catch_up.py) finds what the cached counts miss."""
        repo.branch("topic", "HEAD~3")
        if mainline_touches_it:
            repo.commit("ada", write={"src/b.py": "mainline edit\n"})
        mine(repo.path)
        repo.checkout("topic")
        repo.commit("dan", write={"src/b.py": "topic edit\n"})
        repo.commit("dan", write={"src/topic.py": "topic file\n"})
        repo.checkout("main")
        repo.commit("eve", write={"src/m3.py": "on main\n"})
        if mainline_touches_it:
            repo.merge("eve", "topic", write={"src/b.py": "topic edit\n"})
        else:
            repo.merge("eve", "topic")
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))
        assert len(extended) == 1

    def test_shared_history_renumbered_in_another_order_lists_recent_files_alike(
        self, builder: RepoBuilder, extended: list[object]
    ) -> None:
        """a.txt's old commits count for two files (a branch renamed it to b.txt, the merge
        kept both). Above the cached tip b.txt becomes 0.txt, which sorts first: the old
        commits' recent-file lists must come out as a cold walk lists them."""
        builder.commit("ada", write={"a.txt": "1\n", "c.txt": "c\n"})
        builder.commit("bob", write={"a.txt": "2\n"})
        builder.branch("topic")
        builder.checkout("topic")
        builder.commit("cy", move={"a.txt": "b.txt"})
        builder.checkout("main")
        builder.commit("dan", write={"a.txt": "3\n"})
        builder.merge("eve", "topic", write={"a.txt": "3\n", "b.txt": "2\n"})
        mine(builder.path)
        builder.commit("ada", move={"b.txt": "0.txt"})
        cold = plain(mine(builder.path, cached=False))
        assert plain(mine(builder.path)) == cold
        assert len(extended) == 1

    def test_path_readded_above_the_tip_reads_the_cached_history(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        repo.commit("ada", delete=["src/b.py"])
        mine(repo.path)
        repo.commit("eve", write={"src/b.py": "back\n"})
        read = []
        original = HistoryCache.chunks

        def spy(self: HistoryCache, *args: Any) -> Any:
            read.append(args)
            return original(self, *args)

        monkeypatch.setattr(HistoryCache, "chunks", spy)
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))
        assert read  # the old b.py's history is not in the snapshot: walked again

    @pytest.mark.parametrize("new_files", [2, 40])
    def test_readded_path_among_many_new_ones_is_found(
        self, repo: RepoBuilder, new_files: int
    ) -> None:
        """Past a dozen new paths, the cached output is searched through the set of its
        tokens instead of once per path: the re-added path is found either way."""
        repo.commit("ada", delete=["src/b.py"])
        mine(repo.path)
        repo.commit("eve", write={f"new/n{i}.py": f"{i}\n" for i in range(new_files)})
        repo.commit("eve", write={"src/b.py": "back\n"})
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))

    def test_unchanged_tip_is_answered_from_the_snapshot(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        assert table(repo.path, "SELECT count(*) FROM snapshots") == [(1,)]
        drop_snapshots(repo.path)
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))
        assert table(repo.path, "SELECT count(*) FROM segments") == [(1,)]

    def test_branch_merged_from_before_the_cached_tip(self, repo: RepoBuilder) -> None:
        repo.branch("topic", "HEAD~5")
        mine(repo.path)
        repo.checkout("topic")
        repo.commit("dan", move={"src/a.py": "src/alpha.py"})
        repo.commit("dan", write={"src/m1.py": "topic version\n"})
        repo.checkout("main")
        grow(repo, 20, 2, "eve")
        repo.merge("eve", "topic", write={"src/m1.py": "merged\n"})
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))

    def test_rewritten_history_falls_back_to_a_full_scan(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        repo.repo.git.reset("--hard", "HEAD~3")
        grow(repo, 30, 2, "dan")
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))
        segments = table(repo.path, "SELECT seg, commits, base IS NULL FROM segments")
        assert segments == [(0, 10, 1)]

    def test_older_revision_is_a_full_scan_of_its_own(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        assert plain(mine(repo.path, "HEAD~4")) == plain(mine(repo.path, "HEAD~4", cached=False))

    def test_mailmap_change_invalidates_what_git_printed(self, repo: RepoBuilder) -> None:
        before = mine(repo.path)
        (repo.path / ".mailmap").write_text("Ada Lovelace <ada@example.test>\n")
        after = mine(repo.path)
        assert plain(after) == plain(mine(repo.path, cached=False))
        assert {i.name for i in after.identities} != {i.name for i in before.identities}
        assert table(repo.path, "SELECT count(*) FROM streams") == [(2,)]

    def test_a_mailmap_turned_into_a_symbolic_link_invalidates(self, repo: RepoBuilder) -> None:
        """git does not follow an in-tree `.mailmap` link: the same bytes behind a link are
        no mailmap at all, so what git printed before must not be reused."""
        (repo.path / ".mailmap").write_text("Ada Lovelace <ada@example.test>\n")
        merged = mine(repo.path)
        assert "Ada Lovelace" in {i.name for i in merged.identities}
        (repo.path / "people.mailmap").write_text("Ada Lovelace <ada@example.test>\n")
        (repo.path / ".mailmap").unlink()
        (repo.path / ".mailmap").symlink_to("people.mailmap")
        linked = mine(repo.path)
        assert plain(linked) == plain(mine(repo.path, cached=False))
        assert "Ada Lovelace" not in {i.name for i in linked.identities}
        assert any(".mailmap is a symbolic link" in w for w in linked.warnings)

    def test_configured_mailmap_file_and_blob_invalidate_too(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        """`mailmap.file` and `mailmap.blob` (read with one `git config`) key the stream."""
        mine(repo.path)
        outside = tmp_path / "people.mailmap"
        outside.write_text("Ada L. <ada@example.test>\n")
        repo.repo.git.config("mailmap.file", str(outside))
        renamed = mine(repo.path)
        assert plain(renamed) == plain(mine(repo.path, cached=False))
        assert "Ada L." in {i.name for i in renamed.identities}
        outside.write_text("Ada Byron <ada@example.test>\n")
        assert "Ada Byron" in {i.name for i in mine(repo.path).identities}
        repo.commit("ada", write={"team.mailmap": "Countess <ada@example.test>\n"})
        repo.repo.git.config("--unset", "mailmap.file")
        repo.repo.git.config("mailmap.blob", "HEAD:team.mailmap")
        blob = mine(repo.path)
        assert plain(blob) == plain(mine(repo.path, cached=False))
        assert "Countess" in {i.name for i in blob.identities}
        assert table(repo.path, "SELECT count(*) FROM streams") == [(4,)]

    def test_history_model_and_merge_renames_get_their_own_streams(self, repo: RepoBuilder) -> None:
        for options in ({}, {"merge_renames": "inexact"}, {"history": "linear"}):
            assert plain(mine(repo.path, **options)) == plain(
                mine(repo.path, cached=False, **options)
            )
        assert table(repo.path, "SELECT count(*) FROM streams") == [(3,)]

    def test_shallow_clones_and_since_are_never_cached(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        clone = repo.shallow_clone(tmp_path / "clone", depth=3)
        scan(clone)
        scan(repo.path, overrides={"since": "2024-01-05"})
        assert not cache_file(clone).exists()
        assert not cache_file(repo.path).exists()
        mine(clone)  # the miner, handed a cache anyway, stores nothing
        assert table(clone, "SELECT count(*) FROM streams") == [(0,)]


class TestDamage:
    def test_garbage_file_is_set_aside_and_rebuilt(self, repo: RepoBuilder) -> None:
        cold = report_json(repo.path, cache=False)
        path = cache_file(repo.path)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"this is not a database\n" * 100)
        report = scan(repo.path)
        assert any("moved to cache.sqlite.broken-" in w for w in report.graph.graph["warnings"])
        aside = list(path.parent.glob("cache.sqlite.broken-*"))
        assert [p.read_bytes() for p in aside if not p.name.endswith(("-wal", "-shm"))] == [
            b"this is not a database\n" * 100
        ]
        assert report_json(repo.path) == cold

    def test_foreign_sqlite_file_is_set_aside(self, repo: RepoBuilder) -> None:
        path = cache_file(repo.path)
        path.parent.mkdir(parents=True)
        with sqlite3.connect(path) as db:
            db.execute("CREATE TABLE notes (text TEXT)")
            db.execute("INSERT INTO notes VALUES ('mine')")
        cache = HistoryCache(path)
        cache.close()
        assert "not a busfactor cache" in cache.warnings[0]
        (aside,) = [p for p in path.parent.glob("*.broken-*") if p.suffix != ".sqlite-wal"]
        with sqlite3.connect(aside) as db:
            assert db.execute("SELECT text FROM notes").fetchall() == [("mine",)]
        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA application_id").fetchone() == (APPLICATION_ID,)

    def test_tampered_chunk_fails_its_checksum(self, repo: RepoBuilder) -> None:
        cold = plain(mine(repo.path, cached=False))
        mine(repo.path)
        drop_snapshots(repo.path)
        with sqlite3.connect(cache_file(repo.path)) as db:
            db.execute("UPDATE chunks SET data = substr(data, 1, 40) WHERE kind = 0")
        assert plain(mine(repo.path)) == cold
        assert list(cache_file(repo.path).parent.glob("*.broken-*"))

    def test_tampered_snapshot_fails_its_checksum(self, repo: RepoBuilder) -> None:
        cold = plain(mine(repo.path, cached=False))
        mine(repo.path)
        with sqlite3.connect(cache_file(repo.path)) as db:
            db.execute("UPDATE snapshots SET data = x'00'")
        assert plain(mine(repo.path)) == cold

    @pytest.mark.parametrize("table_name", ["snapshots", "classifications"])
    def test_a_stored_value_turned_to_text_is_set_aside_once(
        self, repo: RepoBuilder, table_name: str
    ) -> None:
        """A damaged record header can turn a stored blob into text that is not UTF-8. That
        was a warning quoting raw bytes on every scan (and, for a snapshot, every scan cold);
        it is damage: set aside, rebuilt, warned about once."""
        cold = report_json(repo.path, cache=False)
        scan(repo.path)
        with sqlite3.connect(cache_file(repo.path)) as db:
            db.execute(f"UPDATE {table_name} SET data = CAST(x'ff' || data AS TEXT)")
        warnings = scan(repo.path).graph.graph["warnings"]
        assert len(warnings) == 1
        assert "unreadable (a stored value is not what was written)" in warnings[0]
        assert "moved to cache.sqlite.broken-" in warnings[0]
        assert report_json(repo.path) == cold  # and the next scan is clean

    def test_damage_found_by_the_verdict_reads_is_set_aside(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cold = report_json(repo.path, cache=False)
        scan(repo.path)

        def malformed(self: HistoryCache, rules: int) -> dict[str, int]:
            raise CacheCorrupt("unreadable (database disk image is malformed)")

        monkeypatch.setattr(HistoryCache, "verdicts", malformed)
        warnings = scan(repo.path).graph.graph["warnings"]
        assert len(warnings) == 1
        assert "moved to cache.sqlite.broken-" in warnings[0]
        monkeypatch.undo()
        assert report_json(repo.path) == cold

    def test_older_schema_is_rebuilt_without_a_warning(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        with sqlite3.connect(cache_file(repo.path)) as db:
            db.execute("PRAGMA user_version = 0")
        cache = HistoryCache(cache_file(repo.path))
        cache.close()
        assert cache.warnings == []
        assert table(repo.path, "SELECT count(*) FROM streams") == [(0,)]

    def test_unusable_cache_directory_warns_and_scans(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        blocker = tmp_path / "not-a-dir"
        blocker.write_text("a file where the cache directory should be\n")
        report = scan(repo.path, overrides={"cache_dir": str(blocker / "sub")})
        assert report.graph.graph["warnings"] == [
            f"cache disabled: {blocker / 'sub'}: Not a directory"
        ]
        assert blocker.read_text() == "a file where the cache directory should be\n"

    def test_a_file_as_cache_directory_says_not_a_directory(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        blocker = tmp_path / "cache"
        blocker.write_text("a file named as the cache directory\n")
        report = scan(repo.path, overrides={"cache_dir": str(blocker)})
        assert report.graph.graph["warnings"] == [f"cache disabled: {blocker}: Not a directory"]
        assert blocker.read_text() == "a file named as the cache directory\n"

    def test_read_only_cache_warns_and_scans(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """A cache SQLite cannot write (a read-only mount; root ignores chmod, so simulated)."""
        cold = report_json(repo.path, cache=False)

        def read_only(self: HistoryCache) -> None:
            raise CacheUnavailable("attempt to write a readonly database")

        monkeypatch.setattr(HistoryCache, "_open", read_only)
        report = scan(repo.path)
        warning = f"cache disabled: {cache_file(repo.path)}: attempt to write a readonly database"
        assert report.graph.graph["warnings"] == [warning]
        assert report_json(repo.path) == cold.replace(
            '"warnings": []', '"warnings": [\n    ' + json.dumps(warning) + "\n  ]"
        )

    def test_store_failure_keeps_the_result(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        cold = plain(mine(repo.path, cached=False))

        def full_disk(*args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(cache_module, "_insert_segment", full_disk)
        assert plain(mine(repo.path)) == cold
        assert table(repo.path, "SELECT count(*) FROM streams") == [(0,)]


class TestWritesBesideTheAnalysis:
    """A scan's cache writes are made in a thread while the analysis runs, and are done
    (the file closed) when `scan` returns."""

    def test_the_history_is_written_while_the_analysis_runs(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        import busfactor.core.analysis as analysis

        analysing = threading.Event()
        writers: list[str] = []
        original_analysis, original_store = analysis.build_ownership_graph, HistoryCache._store_scan

        def build(*args: Any, **kwargs: Any) -> Any:
            analysing.set()
            return original_analysis(*args, **kwargs)

        def store(self: HistoryCache, *args: Any) -> bool:
            # Made before the analysis (as it used to be), this would wait in vain.
            writers.append(threading.current_thread().name if analysing.wait(30) else "before")
            return original_store(self, *args)

        monkeypatch.setattr(analysis, "build_ownership_graph", build)
        monkeypatch.setattr(HistoryCache, "_store_scan", store)
        threads = threading.active_count()
        report = render_json(scan(repo.path))
        assert writers == ["cache-writes"]
        assert threading.active_count() == threads
        assert table(repo.path, "SELECT count(*) FROM streams") == [(1,)]
        monkeypatch.undo()
        assert report == report_json(repo.path) == report_json(repo.path, cache=False)

    def test_the_gil_changes_hands_quickly_only_while_the_writes_run(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Each SQLite call gives the GIL back; at Python's 5 ms switch interval, getting it
        again behind the analysis made sympy's writes three times slower."""
        during: list[float] = []
        original = HistoryCache._store_scan

        def store(self: HistoryCache, *args: Any) -> bool:
            during.append(sys.getswitchinterval())
            return original(self, *args)

        monkeypatch.setattr(HistoryCache, "_store_scan", store)
        before = sys.getswitchinterval()
        scan(repo.path)
        assert during == [min(before, 0.0005)]
        assert sys.getswitchinterval() == before

    def test_rows_and_checksums_are_written_as_one_at_a_time_would(self, tmp_path: Path) -> None:
        """Chunks go in a few rows per statement, their checksums in slices: what is read
        back is what went in, with zlib's checksum of each whole chunk."""
        pieces = [os.urandom(n) for n in (1, 4095, 4097, 1_100_000)] * 20  # 20 rows: 2 INSERTs
        cache = HistoryCache(tmp_path / "cache.sqlite")
        segment = cache_module.NewSegment(None, list(pieces), [b"m" * 10], 3)
        assert cache.store("fp", "a" * 40, segment, None)
        stream = cache.stream("fp")
        assert stream is not None
        main = list(cache.chunks(stream.id, 0, cache_module.MAIN))
        cache.close()
        assert len(main) == 20
        assert b"".join(main) == b"".join(pieces)
        with sqlite3.connect(tmp_path / "cache.sqlite") as db:
            rows = db.execute("SELECT crc, data FROM chunks ORDER BY kind, seq").fetchall()
        assert [crc for crc, _ in rows] == [zlib.crc32(data) for _, data in rows]

    def test_a_failed_write_is_a_warning_after_the_cache_s_other_warnings(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        path = cache_file(repo.path)
        path.parent.mkdir(parents=True)
        path.write_bytes(b"this is not a database\n" * 100)

        def full_disk(*args: object) -> None:
            raise sqlite3.OperationalError("database or disk is full")

        monkeypatch.setattr(cache_module, "_insert_segment", full_disk)
        warnings = scan(repo.path).graph.graph["warnings"]
        assert len(warnings) == 2
        assert "moved to cache.sqlite.broken-" in warnings[0]
        assert warnings[1] == f"cache {path}: not updated (database or disk is full)"
        assert table(repo.path, "SELECT count(*) FROM streams") == [(0,)]

    @pytest.mark.parametrize("failing", ["the analysis", "the pseudonyms before it"])
    def test_a_failed_analysis_still_waits_for_the_writes(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch, failing: str
    ) -> None:
        import busfactor.core.analysis as analysis
        from busfactor import pipeline

        def broken(*args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"{failing} failed")

        if failing == "the analysis":
            monkeypatch.setattr(analysis, "build_ownership_graph", broken)
        else:
            monkeypatch.setattr(pipeline, "_pseudonymize", broken)
        threads = threading.active_count()
        with pytest.raises(RuntimeError, match="failed"):
            scan(repo.path, overrides={"anonymize": True})
        assert threading.active_count() == threads
        assert table(repo.path, "SELECT count(*) FROM streams") == [(1,)]

    def test_ctrl_c_while_waiting_for_the_writes_leaves_them_running_to_their_end(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The interrupt reaches the caller at once; the writing thread stays a live thread
        the interpreter waits for at exit. (A `Thread.join` that Ctrl-C interrupts marked it
        finished while it still wrote, and the CLI exited under it.)"""
        import signal

        writing, release = threading.Event(), threading.Event()
        original = HistoryCache._store_scan

        def slow_store(self: HistoryCache, *args: Any) -> bool:
            writing.set()
            release.wait(30)
            return original(self, *args)

        def ctrl_c() -> None:
            writing.wait(30)
            threading.Event().wait(0.3)  # the scan's thread is waiting for the writes by now
            os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C: wakes a blocked wait, as a key does

        monkeypatch.setattr(HistoryCache, "_store_scan", slow_store)
        threading.Thread(target=ctrl_c).start()
        with pytest.raises(KeyboardInterrupt):
            scan(repo.path)
        writers = [t for t in threading.enumerate() if t.name == "cache-writes"]
        assert [t.is_alive() for t in writers] == [True]
        release.set()
        writers[0].join(30)
        assert table(repo.path, "SELECT count(*) FROM streams") == [(1,)]

    def test_an_error_in_the_writes_reaches_the_scan_s_caller(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """Raised again in the scan's thread (the CLI turns it into one line), never a
        thread's traceback on stderr; the file is closed all the same."""
        unhandled: list[object] = []
        monkeypatch.setattr(threading, "excepthook", unhandled.append)

        def broken(self: HistoryCache, *args: Any) -> bool:
            raise MemoryError("no room for the history")

        monkeypatch.setattr(HistoryCache, "_store_scan", broken)
        threads = threading.active_count()
        with pytest.raises(MemoryError, match="no room for the history"):
            scan(repo.path)
        assert unhandled == []
        assert threading.active_count() == threads
        monkeypatch.undo()
        assert report_json(repo.path) == report_json(repo.path, cache=False)


def fingerprint_rows(path: Path) -> str:
    rows = table(path, "SELECT * FROM streams") + table(path, "SELECT * FROM segments")
    rows += table(path, "SELECT stream, seg, kind, seq, crc FROM chunks ORDER BY 1, 2, 3, 4")
    rows += table(path, "SELECT stream, tip, key, crc FROM snapshots ORDER BY 1, 2, 3")
    return hashlib.sha256(repr(rows).encode()).hexdigest()


class TestInterruptionAndConcurrency:
    def test_interrupted_scan_leaves_the_cache_as_it_was(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        mine(repo.path)
        before = fingerprint_rows(repo.path)
        grow(repo, 40, 4, "eve")
        calls = 0
        original = HistoryCounter.commit

        def interrupted(self: HistoryCounter, *args: Any) -> None:
            nonlocal calls
            calls += 1
            if calls == 3:
                raise KeyboardInterrupt
            original(self, *args)

        monkeypatch.setattr(HistoryCounter, "commit", interrupted)
        with pytest.raises(KeyboardInterrupt):
            mine(repo.path)
        monkeypatch.undo()
        assert fingerprint_rows(repo.path) == before
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))

    def test_a_scan_interrupted_after_the_tree_was_judged_writes_nothing(
        self, repo: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        """The file verdicts judged beside the walk are not kept either: a scan stopped once
        they were made left them in the cache (found by QA with SIGTERM on sympy)."""
        report_json(repo.path)
        everything = "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name"
        tables = [name for (name,) in table(repo.path, everything)]
        assert {"verdicts", "classifications"} <= set(tables)

        def dump() -> list[list[tuple[Any, ...]]]:
            return [sorted(table(repo.path, f"SELECT * FROM {name}")) for name in tables]

        before = dump()
        grow(repo, 40, 4, "eve")
        repo.commit("eve", write={"data.bin": b"\0\1\2" * 50, "new.py": "print()\n"})
        judged = threading.Event()
        beside = pipeline._beside_history

        def judge(*args: Any) -> Any:
            try:
                return beside(*args)
            finally:
                judged.set()

        def interrupted(self: HistoryCounter, *args: Any) -> None:
            assert judged.wait(30)
            raise KeyboardInterrupt

        monkeypatch.setattr(pipeline, "_beside_history", judge)
        monkeypatch.setattr(HistoryCounter, "commit", interrupted)
        with pytest.raises(KeyboardInterrupt):
            report_json(repo.path)
        monkeypatch.undo()
        assert judged.is_set()
        assert dump() == before
        assert report_json(repo.path) == report_json(repo.path, cache=False)

    def test_two_scans_at_once_agree_and_keep_the_cache_sound(self, repo: RepoBuilder) -> None:
        mine(repo.path)
        grow(repo, 50, 6, "cy")
        command = [sys.executable, "-m", "busfactor", "scan", str(repo.path), "--format", "json"]
        runs = [subprocess.Popen(command, stdout=subprocess.PIPE) for _ in range(3)]
        outputs = [run.communicate(timeout=120)[0] for run in runs]
        assert [run.returncode for run in runs] == [0, 0, 0]
        assert outputs[0] == outputs[1] == outputs[2]
        assert outputs[0].decode() == report_json(repo.path, cache=False)
        assert table(repo.path, "PRAGMA integrity_check") == [("ok",)]
        assert plain(mine(repo.path)) == plain(mine(repo.path, cached=False))

    @pytest.mark.parametrize("start", ["new", "older schema"])
    def test_scans_opening_one_cache_together_never_call_it_foreign(
        self, tmp_path: Path, start: str
    ) -> None:
        """Scans that create (or rebuild) one cache file at the same moment: each reads the
        file's identity in one transaction, so none sees another's half-made file, calls it
        foreign and sets it aside. (Read one pragma at a time, about one round in eight of
        two threads did.)"""
        for round_ in range(40):
            path = tmp_path / f"round-{round_}" / "cache.sqlite"
            if start == "older schema":
                HistoryCache(path).close()
                with sqlite3.connect(path) as db:
                    db.execute("PRAGMA user_version = 1")
            gate = threading.Barrier(4)

            def open_cache(path: Path = path, gate: threading.Barrier = gate) -> list[str]:
                gate.wait()
                cache = HistoryCache(path)
                cache.close()
                return cache.warnings

            with ThreadPoolExecutor(max_workers=4) as pool:
                warnings = list(pool.map(lambda _: open_cache(), range(4)))
            assert warnings == [[], [], [], []]
            assert sorted(p.name for p in path.parent.iterdir() if "broken" in p.name) == []
            with sqlite3.connect(path) as db:
                assert db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
                assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
                assert db.execute("SELECT count(*) FROM streams").fetchone() == (0,)


class TestCommandLine:
    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "busfactor", *args], capture_output=True, text=True, check=False
        )

    def test_no_cache_writes_nothing(self, repo: RepoBuilder) -> None:
        result = self.run("scan", str(repo.path), "--no-cache", "--format", "json")
        assert result.returncode == 0, result.stderr
        assert not cache_file(repo.path).parent.exists()

    def test_cache_dir_holds_one_file_per_repository(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        caches = tmp_path / "caches"
        result = self.run("scan", str(repo.path), "--cache-dir", str(caches))
        assert result.returncode == 0, result.stderr
        (made,) = caches.iterdir()
        assert made.name.startswith("repo-")
        assert made.suffix == ".sqlite"
        assert not cache_file(repo.path).exists()

    def test_config_keeps_the_cache_inside_the_repository(
        self, repo: RepoBuilder, tmp_path: Path
    ) -> None:
        """`[cache] dir` comes with the repository: it may name a folder inside it, but not
        lead out through a committed symbolic link (the scan made folders and files there)."""
        outside = tmp_path / "outside"
        outside.mkdir()
        (repo.path / "cache").symlink_to(outside)
        repo.commit("ada", write={".busfactor.toml": '[cache]\ndir = "cache/bf"\n'})
        result = self.run("scan", str(repo.path), "--format", "json")
        assert result.returncode == 0, result.stderr
        assert "cache disabled: cache/bf (cache.dir) leads out of the repository" in result.stderr
        assert list(outside.iterdir()) == []
        repo.commit("ada", write={".busfactor.toml": '[cache]\ndir = ".cache/bf"\n'})
        result = self.run("scan", str(repo.path), "--format", "json")
        assert result.returncode == 0, result.stderr
        (made,) = (repo.path / ".cache" / "bf").iterdir()
        assert made.suffix == ".sqlite"

    def test_config_can_switch_the_cache_off(self, repo: RepoBuilder) -> None:
        repo.commit("ada", write={".busfactor.toml": "[cache]\nenabled = false\n"})
        assert self.run("scan", str(repo.path)).returncode == 0
        assert not cache_file(repo.path).exists()


def stored_snapshot(path: Path) -> tuple[bytes, list[bytes]]:
    """The stored snapshot and the paths of the tree it counted."""
    mine(path)
    ((blob,),) = table(path, "SELECT data FROM snapshots")
    return blob, [os.fsencode(p) for p in mine(path, cached=False).paths]


class TestSnapshotCodec:
    def test_round_trip_is_exact(self, repo: RepoBuilder) -> None:
        blob, paths = stored_snapshot(repo.path)
        snapshot = cache_codec.decode(blob, paths)
        assert snapshot.paths == paths
        assert cache_codec.encode(snapshot.counts, snapshot.paths) == blob

    def test_snapshot_of_another_tree_is_refused(self, repo: RepoBuilder) -> None:
        blob, paths = stored_snapshot(repo.path)
        with pytest.raises(CacheCorrupt):
            cache_codec.decode(blob, [*paths, b"new.txt"])
        with pytest.raises(CacheCorrupt):
            cache_codec.decode(blob, paths[::-1])

    @given(data=st.binary(max_size=300))
    def test_arbitrary_bytes_never_escape_as_anything_but_corruption(self, data: bytes) -> None:
        with pytest.raises(CacheCorrupt):
            cache_codec.decode(data, [b"a", b"b"])

    @settings(suppress_health_check=[HealthCheck.function_scoped_fixture], max_examples=60)
    @given(cut=st.integers(0, 10_000), flip=st.integers(1, 255))
    def test_damaged_snapshot_decodes_to_the_same_shape_or_is_corruption(
        self, repo: RepoBuilder, cut: int, flip: int
    ) -> None:
        blob, paths = stored_snapshot(repo.path)
        raw = bytearray(zlib.decompress(blob))
        raw[cut % len(raw)] ^= flip
        try:
            decoded = cache_codec.decode(zlib.compress(bytes(raw)), paths)
        except CacheCorrupt:
            return
        assert len(decoded.counts.files) == len(paths)  # a value changed, the shape holds


@settings(
    max_examples=6,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(seed=st.integers(0, 10**6), steps=st.lists(st.integers(1, 25), min_size=2, max_size=4))
def test_random_appends_keep_warm_equal_to_cold(
    tmp_path_factory: pytest.TempPathFactory, seed: int, steps: list[int]
) -> None:
    """Random DAG growth (branches, syncs, merges, re-adds) scanned after every step."""
    with RepoBuilder(tmp_path_factory.mktemp("appends") / "repo") as builder:
        generator = Generator(builder, seed)
        generator.start()
        size = 20
        generator.grow(size)
        mine(builder.path)
        for step in steps:
            size += step
            generator.grow(size)
            warm = plain(mine(builder.path))
            assert warm == plain(mine(builder.path, cached=False)), f"after {size} commits"


class TestRenameLimit:
    """git skips rename detection with edits in a commit that adds and deletes more files
    than its rename limit, and says so on stderr only. The scan says so too, and a cached
    history keeps saying it."""

    WARNING = "git skipped rename detection in commits that add and delete more than 3 files"

    @staticmethod
    def big_move(builder: RepoBuilder, count: int) -> None:
        """Ada writes `count` files; Bob moves them all and edits each a little."""
        body = {
            f"old/f{n}.txt": "".join(f"line {k} of {n}\n" for k in range(20)) for n in range(count)
        }
        builder.commit("ada", write=body)
        edited = {
            path.replace("old/f", "new/g"): text + "one more\n" for path, text in body.items()
        }
        builder.commit("bob", write=edited, delete=list(body))

    @staticmethod
    def creators(path: Path, **overrides: Any) -> tuple[list[str], list[str]]:
        report = json.loads(report_json(path, **overrides))
        authors = next(f["authors"] for f in report["files"] if f["path"] == "new/g1.txt")
        return authors, [w for w in report["warnings"] if w.startswith("git skipped rename")]

    def test_within_the_limit_renames_are_followed(self, builder: RepoBuilder) -> None:
        self.big_move(builder, 4)
        authors, warned = self.creators(builder.path, cache_dir=None)
        assert "ada@example.test" in authors
        assert warned == []

    def test_over_the_limit_the_scan_says_so_cold_warm_and_reopened(
        self, builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr("busfactor.adapters.git.RENAME_LIMIT", "3")
        self.big_move(builder, 4)
        for _ in range(2):  # filling the cache, then reopening its snapshot
            authors, warned = self.creators(builder.path)
            assert authors == ["bob@example.test"]  # the move made the files: git's reading
            assert len(warned) == 1
            assert warned[0].startswith(self.WARNING)
            assert "(they needed a limit of 4)" in warned[0]
        grow(builder, 0, 2, "cy")  # a warm rescan reads only these from git
        assert self.creators(builder.path)[1] == warned
        drop_snapshots(builder.path)  # a replay of the stored segments
        assert self.creators(builder.path)[1] == warned
        assert self.creators(builder.path, history="linear")[1] == warned
        notes = "SELECT count(*) FROM chunks WHERE kind = 2 GROUP BY stream"
        assert table(builder.path, notes) == [(1,), (1,)]  # one per history model's stream
