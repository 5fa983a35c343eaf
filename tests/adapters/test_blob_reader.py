"""BlobReader follows symbolic links to files of the same tree, and nothing else."""

from __future__ import annotations

import os

import pytest
from hypothesis import given
from hypothesis import strategies as st

from builders import RepoBuilder
from busfactor.adapters.blobs import _WANTED, BlobReader, document_candidate
from busfactor.adapters.git import GitRepository
from busfactor.cli import main

RUNBOOK = """# Pay runbook

## Overview
The pay service charges cards.

## Alerts
- PayErrorsHigh: page the on-call.

## Procedures
Restart with `systemctl restart pay`.

## Escalation
Call the payments team lead.
"""


def _link(builder: RepoBuilder, path: str, target: str) -> None:
    where = builder.path / path
    where.parent.mkdir(parents=True, exist_ok=True)
    os.symlink(target, where)


@pytest.fixture
def linked(builder: RepoBuilder) -> RepoBuilder:
    builder.commit("ada", write={"ops/pay.md": RUNBOOK, "src/pay/a.py": "a\n", "ops/x/y.md": "y"})
    _link(builder, "src/pay/RUNBOOK.md", "../../ops/pay.md")  # into the tree
    _link(builder, "src/two.md", "pay/RUNBOOK.md")  # a link to a link
    _link(builder, "src/out.md", "../../outside.md")  # out of the tree
    _link(builder, "src/abs.md", "/etc/passwd")  # absolute
    _link(builder, "src/loop.md", "loop.md")  # itself
    _link(builder, "src/dir.md", "../ops/x")  # a directory
    builder.repo.git.add("-A")
    builder.commit("bob")
    return builder


def test_links_lead_to_files_of_the_tree_only(linked: RepoBuilder) -> None:
    with GitRepository(linked.path) as repo:
        sha, _ = repo.resolve("HEAD")
        reader = BlobReader(repo, repo.tree(sha))
        reader.prefetch_documents(["src/two.md", "src/out.md"])
        assert reader("src/pay/RUNBOOK.md") == RUNBOOK.encode()
        assert reader("src/two.md") == RUNBOOK.encode()
        assert reader.resolve("src/two.md") == "ops/pay.md"
        for nowhere in ("src/out.md", "src/abs.md", "src/loop.md", "src/dir.md"):
            assert reader(nowhere) is None
            assert reader.resolve(nowhere) is None
        assert reader("src/pay/a.py") == b"a\n"


def test_a_linked_runbook_is_checked_as_the_file_it_links_to(
    linked: RepoBuilder, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["runbook", "list", str(linked.path), "--format", "json"]) == 0
    out = capsys.readouterr().out
    assert '"path": "src/pay/RUNBOOK.md"' in out
    assert '"status": "ok"' in out
    assert "missing sections" not in out


@given(
    st.lists(
        st.sampled_from(
            ["adr", "ADRs", "decisions", "runbooks", "playbooks", "docs", "a", ".github", "x.md"]
        ),
        max_size=3,
    ),
    st.sampled_from(
        [
            "0001-use-x.md",
            "README.MARKDOWN",
            "RUNBOOK.md",
            "runbook.markdown",
            "CODEOWNERS",
            "codeowners",
            ".adr-dir",
            ".log4brains.yml",
            "catalog-info.YAML",
            "opslevel.yml",
            "cortex.yaml",
            "notes.txt",
            "x.mdx",
            "a.yml.bak",
            "md",
            "runbook.md.orig",
            "x.Md",
        ]
    ),
)
def test_the_quick_ending_test_never_drops_a_document(folders: list[str], name: str) -> None:
    """The ending check in front of the regex only spares it work: same answer for all."""
    path = "/".join([*folders, name])
    assert document_candidate(path) == (_WANTED.search(path) is not None)
