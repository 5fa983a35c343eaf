"""Tests for busfactor.core.components: default and configured components."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from busfactor.core.components import (
    CONTAINER_DIRS,
    ROOT_COMPONENT,
    assign_components,
    default_component,
)


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("README.md", "(root)"),
        (".gitignore", "(root)"),
        ("docs/guide.md", "docs"),
        ("docs/api/index.md", "docs"),
        ("src/payments/api.py", "src/payments"),
        ("src/payments/deep/er/x.py", "src/payments"),
        ("src/main.py", "src"),
        ("packages/ui/index.ts", "packages/ui"),
        ("services/billing/app.go", "services/billing"),
        ("cmd/busfactor/main.go", "cmd/busfactor"),
        ("lib/src/x.py", "lib"),
        ("tests/src/x.py", "tests"),
    ],
)
def test_default_component(path: str, component: str) -> None:
    """Top-level directory; one level deeper under container dirs; root files form (root)."""
    assert default_component(path) == component


@pytest.mark.parametrize("container", sorted(CONTAINER_DIRS))
def test_every_container_dir_splits_one_level_down(container: str) -> None:
    """Each container directory (src, packages, ...) names its components by the next level."""
    assert default_component(f"{container}/alpha/beta.txt") == f"{container}/alpha"


def test_root_component_name() -> None:
    """Files at the top level belong to the component called "(root)"."""
    assert ROOT_COMPONENT == "(root)"


def test_defaults_only_without_configuration() -> None:
    """Without configured components every file gets its default one; names sorted."""
    paths = ["src/b/x.py", "README.md", "docs/a.md", "src/a/y.py", "src/a/z.py"]
    assert assign_components(paths, ()) == {
        "(root)": ["README.md"],
        "docs": ["docs/a.md"],
        "src/a": ["src/a/y.py", "src/a/z.py"],
        "src/b": ["src/b/x.py"],
    }


def test_configured_components_come_first_in_config_order() -> None:
    """Configured components keep their configured order, before the sorted defaults."""
    paths = ["web/app.ts", "api/server.py", "README.md"]
    configured = [("web", ("web/**",)), ("api", ("api/**",))]
    assert list(assign_components(paths, configured)) == ["web", "api", "(root)"]


def test_a_file_may_belong_to_several_configured_components() -> None:
    """A file matched by two configured components is in both and in no default."""
    paths = ["src/billing/models.py", "src/billing/views.py", "src/auth/views.py"]
    configured = [("billing", ("src/billing/**",)), ("views", ("*views.py",))]
    members = assign_components(paths, configured)
    assert members == {
        "billing": ["src/billing/models.py", "src/billing/views.py"],
        "views": ["src/auth/views.py", "src/billing/views.py"],
    }


def test_unmatched_files_fall_back_to_their_default_component() -> None:
    """Files no configured glob claims go to their default component."""
    paths = ["services/pay/a.py", "services/pay/b.py", "docs/x.md", "Makefile"]
    members = assign_components(paths, [("payments", ("services/pay/a.py",))])
    assert members == {
        "payments": ["services/pay/a.py"],
        "(root)": ["Makefile"],
        "docs": ["docs/x.md"],
        "services/pay": ["services/pay/b.py"],
    }


def test_glob_without_slash_matches_basenames_anywhere() -> None:
    """A glob without "/" matches the file name at any depth, as in .gitignore."""
    members = assign_components(["a/b/Dockerfile", "Dockerfile", "a/x"], [("ops", ("Dockerfile",))])
    assert members["ops"] == ["Dockerfile", "a/b/Dockerfile"]


def test_a_component_with_several_globs_matches_any() -> None:
    """A file matching any one of a component's globs belongs to it, once."""
    members = assign_components(["a.md", "b.rst", "c.py"], [("docs", ("*.md", "*.rst", "*.md"))])
    assert members["docs"] == ["a.md", "b.rst"]
    assert members["(root)"] == ["c.py"]


def test_configured_component_matching_nothing_is_kept_empty() -> None:
    """A configured component that matches no file is present with no files."""
    members = assign_components(["a.py"], [("ghost", ("nowhere/**",))])
    assert members == {"ghost": [], "(root)": ["a.py"]}


def test_component_files_are_sorted_when_a_default_shares_a_configured_name() -> None:
    """Files of every component are sorted, even when a default component joins a configured one."""
    members = assign_components(["docs/a.txt", "z.md"], [("docs", ("z.md",))])
    assert members["docs"] == ["docs/a.txt", "z.md"]


@given(
    st.lists(
        st.lists(
            st.sampled_from(["src", "docs", "a", "b", "x.py", "y.md"]), min_size=1, max_size=4
        ),
        max_size=15,
    ),
    st.lists(st.sampled_from(["*.py", "src/**", "docs/*", "a/**", "*.md"]), max_size=3),
)
def test_every_file_lands_somewhere(parts: list[list[str]], globs: list[str]) -> None:
    """Every path is in at least one component, defaults only hold unclaimed paths."""
    paths = sorted({"/".join(p) for p in parts})
    configured = [(f"c{i}", (glob,)) for i, glob in enumerate(globs)]
    members = assign_components(paths, configured)
    configured_names = {name for name, _ in configured}
    claimed = {p for name in configured_names for p in members[name]}
    for path in paths:
        holders = [name for name, files in members.items() if path in files]
        assert holders
        if path not in claimed:
            assert holders == [default_component(path)]
