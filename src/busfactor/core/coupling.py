"""Logical coupling (code-maat): files that change together, as `coupled` graph edges.

The counting (`cochange.py`) is the analysis's costliest step on a long history: 0.4-0.6 s
for 100,000 commits, mostly one dict entry per pair of files met together. On a big history
it runs in a child process while the analysis builds the rest of the graph (adr/0030).
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from types import TracebackType

import networkx as nx

from busfactor.core import cochange
from busfactor.core.cochange import MIN_DEGREE, MIN_REVS, MIN_SHARED, Pair
from busfactor.core.graph import FILE, node_id

__all__ = ["MIN_DEGREE", "MIN_REVS", "MIN_SHARED", "CouplingJob", "add_coupling"]

# Below this many human changesets the counting takes under 0.1 s: less than a child costs.
CHILD_FROM = 20_000
# Isolated (no PYTHONPATH, user site or current directory: the current directory may be the
# repository scanned, which is not ours to run) and without site-packages, which the child
# does not need; the package's own folder is put on its path by hand, after the standard
# library (installed, that folder is site-packages, where any module may have any name).
_CHILD_CODE = (
    "import sys; sys.path.append(sys.argv[1]); from busfactor.core import cochange; cochange.main()"
)


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux
        return os.cpu_count() or 1


class CouplingJob:
    """The coupled pairs of a history, counted beside the caller's own work.

    Started as soon as the analysis knows who is human and which files it analyses;
    `pairs()` waits for them. On one CPU, on a short history, or when the child cannot run
    or fails, the counting runs in this process instead, with the same result. Use it as a
    context manager: leaving early (a cancelled scan) stops the child."""

    def __init__(
        self,
        changesets: Sequence[tuple[int, tuple[int, ...]]],
        person_of: Sequence[str | None],
        analysed: bytes,
        *,
        child_from: int | None = None,
    ) -> None:
        self._human = [files for who, files in changesets if person_of[who] is not None]
        self._analysed = analysed
        self._child: subprocess.Popen[bytes] | None = None
        least = CHILD_FROM if child_from is None else child_from
        # A frozen build's executable is busfactor itself, not an interpreter to run code.
        runnable = bool(sys.executable) and not getattr(sys, "frozen", False)
        if len(self._human) >= least and _cpus() > 1 and runnable:
            self._child = self._start()

    @property
    def in_child(self) -> bool:
        """Whether a child process is counting (until `pairs` or `close`)."""
        return self._child is not None

    def _start(self) -> subprocess.Popen[bytes] | None:
        root = str(Path(cochange.__file__).resolve().parent.parent.parent)
        command = [sys.executable, "-I", "-S", "-c", _CHILD_CODE, root]
        try:
            child = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
            )
        except OSError:
            return None
        blob = cochange.encode(self._human, self._analysed)
        # Written from a thread: the pipe holds 64 KiB and the child reads only once started.
        threading.Thread(target=_feed, args=(child, blob), daemon=True).start()
        return child

    def pairs(self) -> list[Pair]:
        """The coupled pairs (`cochange.coupled_pairs`), from the child when it has them."""
        child = self._child
        if child is not None:
            found = _collect(child)  # interrupted (Ctrl-C, SIGTERM): the child is `close`'s
            self._child = None
            _close_pipes(child)
            if found is not None:
                return found
        return cochange.coupled_pairs(self._human, self._analysed)

    def close(self) -> None:
        """Stop a child whose pairs nobody will read."""
        child, self._child = self._child, None
        if child is not None:
            child.kill()
            child.wait()
            _close_pipes(child)

    def __enter__(self) -> CouplingJob:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.close()


def _feed(child: subprocess.Popen[bytes], blob: bytes) -> None:
    stdin = child.stdin
    assert stdin is not None
    try:
        stdin.write(blob)
        stdin.close()
    except (OSError, ValueError):  # the child died or was stopped: `pairs` counts here
        pass


def _collect(child: subprocess.Popen[bytes]) -> list[Pair] | None:
    """The child's pairs once it has ended, or None when it failed in any way (the caller
    counts them itself). Its pipes stay open: while the child lives, closing its input would
    wait for the thread writing to it."""
    assert child.stdout is not None
    blob = child.stdout.read()
    if child.wait() != 0:
        return None
    try:
        pairs = pickle.loads(blob)  # our own child wrote it
    except Exception:  # a truncated or garbled answer: counted again, not trusted
        return None
    return pairs if isinstance(pairs, list) else None


def _close_pipes(child: subprocess.Popen[bytes]) -> None:
    for pipe in (child.stdout, child.stdin):
        if pipe is not None:
            with contextlib.suppress(OSError):
                pipe.close()


def add_coupling(graph: nx.DiGraph[str], pairs: Sequence[Pair], paths: Sequence[str]) -> None:
    """Add `coupled` edges (both directions) with `degree` and `shared`."""
    for left, right, degree, together in pairs:
        a, b = node_id(FILE, paths[left]), node_id(FILE, paths[right])
        graph.add_edge(a, b, kind="coupled", degree=degree, shared=together)
        graph.add_edge(b, a, kind="coupled", degree=degree, shared=together)
