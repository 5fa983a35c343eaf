"""Pause Python's cyclic garbage collector while a scan builds its big, acyclic structures.

Mining and analysis allocate millions of dicts and tuples that live until the report is done
and form no reference cycles. Every few hundred allocations the collector scans the young
objects, and now and then the whole growing heap, finding nothing to free. Measured with
`gc.callbacks` over a whole `busfactor scan`: 0.35 s of collections on the synthetic
repository and 0.20 s on sympy before, 0.12 s and 0.08 s after (what is left runs during
imports and rendering). The bigger the heap, the more it saves: 15 % of the 20,000-file
analysis benchmark, whose input stays in memory (1.93 s -> 1.64 s, medians of alternating
runs). Reference counting still frees everything as usual; only cycles wait for the
collector, which runs again when the pause ends.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside the block; nesting and other threads are harmless (a
    block re-enables the collector only if it found it enabled)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
