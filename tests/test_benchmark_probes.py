"""The benchmarks' measuring probes still see what they measure.

The memory probe of `bench_analysis.py --scan` reported nothing for a while: it read the peak
at `atexit`, and a headless command now ends with `os._exit`, which runs no exit handler.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from builders import RepoBuilder

BENCHMARKS = Path(__file__).parents[1] / "benchmarks"


def test_the_memory_probe_measures_a_headless_scan(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch
) -> None:
    builder.commit("alice", write={"a.py": "x = 1\n", "README.md": "hello\n"})
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import bench_analysis

    lines = bench_analysis.scan_memory(str(builder.path), 1, lambda _: None)

    assert len(lines) == 1
    assert re.match(r"full scan of .*: wall median [\d.]+ s; peak RSS: python process", lines[0])
    assert "PASS" in lines[0]


def test_the_side_parent_probe_agrees_with_gits_separate_diffs(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """adr/0020's probe: on merges where a listed path equals the side parent's version and
    where it differs from both parents (an evil merge, a path only the merge has), the
    lookups give the separate diffs' verdicts, and it counts the paths the side lacks."""
    builder.commit("alice", write={"a.py": "a = 1\n", "b.py": "b = 1\n"})
    builder.branch("topic")
    builder.commit("alice", write={"main.py": "m = 1\n"})
    builder.checkout("topic")
    builder.commit("bob", write={"a.py": "a = 2\n"})
    builder.checkout("main")
    builder.merge("alice", "topic")  # a.py comes unchanged from the side parent
    builder.checkout("topic")
    builder.commit("bob", write={"b.py": "b = 2\n"})
    builder.checkout("main")
    builder.commit("alice", write={"main.py": "m = 2\n"})
    builder.merge("carol", "topic", write={"b.py": "b = 3\n", "new.py": "n = 1\n"})
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import probe_side_parents

    monkeypatch.setattr("sys.argv", ["probe_side_parents.py", str(builder.path)])
    probe_side_parents.main()
    out = capsys.readouterr().out
    assert "2 two-parent merges (0 octopus); 3 lookups" in out
    assert "1 missing in P2" in out  # new.py: only the merge has it
    assert "verdicts: 3 agree, 0 differ, 0 not comparable" in out


def test_the_side_diff_check_agrees_and_catches_a_lost_rename(
    builder: RepoBuilder, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """adr/0021's check: a merge whose side renamed nothing, one that needs a side rename
    (main renamed a.py, the side edited it) and an octopus merge agree with git's separate
    diffs; rebuilt side diffs that drop their renames are reported, exit 1."""
    lines = "".join(f"line {n}\n" for n in range(20))
    builder.commit("alice", write={"a.py": lines, "b.py": "b\n", "c.py": "c\n"})
    builder.branch("side")
    builder.branch("other")
    builder.commit("alice", move={"a.py": "moved.py"})
    builder.checkout("side")
    builder.commit("bob", write={"a.py": lines + "more\n"})
    builder.checkout("main")
    builder.merge("carol", "side")
    builder.checkout("other")
    first = builder.commit("dan", write={"b.py": "b2\n"})
    builder.branch("third", "other~1")
    builder.checkout("third")
    second = builder.commit("eve", write={"c.py": "c2\n"})
    builder.checkout("main")
    builder.branch("result")
    builder.checkout("result")
    builder.commit("eve", write={"b.py": "b2\n", "c.py": "c2\n"})  # only its tree is used
    builder.checkout("main")
    builder.merge_with_tree("carol", [first, second], tree_from="result")
    monkeypatch.syspath_prepend(str(BENCHMARKS))
    import check_side_diffs

    assert check_side_diffs.main([str(builder.path)]) == 0
    out = capsys.readouterr().out
    assert "2 merges, " in out
    assert "1 side renames: agree" in out

    monkeypatch.setattr(
        "busfactor.adapters.merge_sides._renames", lambda side_diff: {}, raising=True
    )
    assert check_side_diffs.main([str(builder.path)]) == 1
    assert "side renames differ" in capsys.readouterr().out
