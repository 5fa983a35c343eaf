"""The collector pause restores what it found, also on errors and when nested."""

from __future__ import annotations

import gc

import pytest

from busfactor.core.gc_pause import paused_gc


def test_pauses_and_restores() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()  # the inner block found it paused: still paused
    assert gc.isenabled()


def test_restores_after_an_error() -> None:
    with pytest.raises(KeyError), paused_gc():
        raise KeyError("x")
    assert gc.isenabled()


def test_leaves_a_collector_someone_else_disabled_alone() -> None:
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_works_as_a_decorator() -> None:
    @paused_gc()
    def inside() -> bool:
        return gc.isenabled()

    assert inside() is False
    assert gc.isenabled()
