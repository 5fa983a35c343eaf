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
