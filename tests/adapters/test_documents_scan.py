"""ADRs and runbooks through a whole scan: graph nodes, JSON fields and findings on a real repo."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from builders import RepoBuilder
from busfactor.cli import main
from busfactor.core.settings import Settings
from busfactor.pipeline import scan

GOLDEN = Path(__file__).parent.parent / "golden" / "documents_findings.json"

RUNBOOK_OK = """---
last_reviewed: 2025-06-01
---
# Search runbook
## Overview
Serves product search.
## Alerts
### SearchLatencyHigh
Check the index size.
## Procedures
Restart the indexer with `make restart`.
## Escalation
Page the search on-call rotation.
"""

RUNBOOK_WEAK = """# Billing runbook
## Overview
Charges customers. TODO: describe the nightly job.
## Alerts
None yet.
"""

ADR_ACCEPTED = """# 1. Use Elasticsearch for services/search

Date: 2023-01-10

## Status

Accepted

## Context

`services/search/index.py` needs full-text queries.
"""

ADR_PROPOSED = """---
status: proposed
date: 2025-06-10
decision-makers: Ada
---
# Split the billing ledger

Touches nothing we can name yet.
"""


def _history(builder: RepoBuilder) -> None:
    """Carol (gone since 2023) wrote search and its ADR; Ada owns billing; Bob joins search."""
    old = datetime(2023, 1, 1, tzinfo=UTC)
    builder.commit(
        "carol",
        write={"services/search/index.py": "a\n", "docs/adr/0001-use-elasticsearch.md": ""},
        when=old,
    )
    builder.commit(
        "carol", write={"docs/adr/0001-use-elasticsearch.md": ADR_ACCEPTED}, when=old + timedelta(1)
    )
    now = datetime(2025, 6, 1, tzinfo=UTC)
    for day in range(25):
        builder.commit(
            "ada",
            write={f"services/billing/b{day % 3}.py": f"{day}\n"},
            when=now + timedelta(days=day),
        )
    builder.commit(
        "ada",
        write={
            "services/billing/RUNBOOK.md": RUNBOOK_WEAK,
            "docs/adr/0002-split-ledger.md": ADR_PROPOSED,
        },
        when=now + timedelta(days=26),
    )
    for day in range(3):
        builder.commit(
            "bob",
            write={"services/search/query.py": f"{day}\n", "docs/runbooks/search.md": RUNBOOK_OK},
            when=now + timedelta(days=27 + day),
        )


@pytest.fixture
def documents_repo(builder: RepoBuilder) -> Path:
    """The story above, as a real repository."""
    _history(builder)
    return builder.path


def _findings(data: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        {key: f[key] for key in ("rule", "severity", "component", "path") if key in f}
        for f in data["findings"]
    ]


def test_decisions_are_read_with_authors_and_links(documents_repo: Path) -> None:
    """Both ADRs are read; the accepted one is Carol's and mentions services/search."""
    data = scan(documents_repo, settings=Settings()).to_dict()
    by_id = {d["id"]: d for d in data["decisions"]}
    assert by_id["1"]["status"] == "accepted"
    assert by_id["1"]["authors"] == ["carol@example.test"]
    assert by_id["1"]["components"] == ["services/search"]
    assert by_id["2"]["status"] == "proposed"
    assert by_id["2"]["deciders"] == ["Ada"]
    assert by_id["2"]["components"] == []
    search = next(c for c in data["components"] if c["name"] == "services/search")
    assert search["decisions"] == ["1"]


def test_runbooks_are_found_and_judged(documents_repo: Path) -> None:
    """search's runbook is complete and fresh; billing's lacks sections and keeps a TODO."""
    data = scan(documents_repo, settings=Settings()).to_dict()
    runbooks = {r["path"]: r for r in data["runbooks"]}
    assert runbooks["docs/runbooks/search.md"]["status"] == "ok"
    assert runbooks["docs/runbooks/search.md"]["authors"] == ["bob@example.test"]
    weak = runbooks["services/billing/RUNBOOK.md"]
    assert weak["status"] == "weak"
    assert any("escalation" in problem for problem in weak["problems"])
    assert any("TODO" in problem for problem in weak["problems"])
    components = {c["name"]: c for c in data["components"]}
    assert components["services/billing"]["runbook"] == "services/billing/RUNBOOK.md"
    assert components["services/billing"]["runbook_status"] == "weak"
    assert components["docs"]["runbook_status"] == "missing"


def test_findings_match_the_golden_file(documents_repo: Path) -> None:
    """The findings of this story are exactly the recorded ones (rule, severity, location)."""
    data = scan(documents_repo, settings=Settings()).to_dict()
    found = _findings(data)
    if os.environ.get("BUSFACTOR_UPDATE_GOLDEN"):  # review the diff like any golden file
        GOLDEN.write_text(json.dumps(found, indent=2) + "\n", encoding="utf-8")
    assert found == json.loads(GOLDEN.read_text(encoding="utf-8"))


def test_findings_tell_the_story(documents_repo: Path) -> None:
    """Carol's accepted ADR is orphaned; billing is a weak-runbook, single-owner hotspot."""
    data = scan(documents_repo, settings=Settings()).to_dict()
    rules = {(f["rule"], f.get("component") or f.get("path")) for f in data["findings"]}
    assert ("orphaned-decision", "docs/adr/0001-use-elasticsearch.md") in rules
    assert ("weak-runbook", "services/billing") in rules
    assert ("single-owner", "services/billing") in rules
    assert ("undocumented-hotspot", "services/billing") in rules
    assert ("missing-runbook", "docs") not in rules  # records and runbooks alone need none
    assert ("missing-runbook", "services/search") not in rules
    assert ("undocumented-hotspot", "services/search") not in rules


def test_hotspot_threshold_comes_from_config(documents_repo: Path) -> None:
    """With hotspot_min_commits above billing's 26 recent commits it is no longer a hotspot."""
    data = scan(documents_repo, settings=Settings(hotspot_min_commits=100)).to_dict()
    assert not [f for f in data["findings"] if f["rule"] == "undocumented-hotspot"]


def test_list_commands(documents_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`adr list` and `runbook list` print the decisions and the runbook status per component."""
    assert main(["adr", "list", str(documents_repo), "--format", "json"]) == 0
    decisions = json.loads(capsys.readouterr().out)
    assert [d["id"] for d in decisions["decisions"]] == ["1", "2"]
    assert main(["runbook", "list", str(documents_repo)]) == 0
    text = capsys.readouterr().out
    assert "services/billing" in text
    assert "weak" in text
    assert "docs/runbooks/search.md" in text


def test_monorepo_with_two_adr_folders_and_a_catalog_runbook(builder: RepoBuilder) -> None:
    """Two services' ADR folders are both read (ids qualified), a catalog link is a runbook."""
    catalog = (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: billing\n"
        "  links:\n    - url: https://wiki.example.test/billing\n      type: runbook\n"
    )
    builder.commit(
        "ada",
        write={
            "services/billing/app.py": "x\n",
            "services/billing/catalog-info.yaml": catalog,
            "services/billing/docs/adr/0001-use-stripe.md": "# 1. Use Stripe\n\n"
            "## Status\n\nAccepted\n",
            "services/search/app.py": "y\n",
            "services/search/docs/adr/0001-use-solr.md": "# 1. Use Solr\n\n## Status\n\n"
            "Superseded by [2. Use Elasticsearch](0002-use-elasticsearch.md)\n",
            "services/search/docs/adr/0002-use-elasticsearch.md": "# 2. Use Elasticsearch\n\n"
            "## Status\n\nAccepted\n\nSupercedes [1. Use Solr](0001-use-solr.md)\n",
        },
    )
    data = scan(builder.path, settings=Settings()).to_dict()
    ids = {d["id"]: d for d in data["decisions"]}
    assert set(ids) == {
        "services/billing/docs/adr:1",
        "services/search/docs/adr:1",
        "services/search/docs/adr:2",
    }
    assert ids["services/search/docs/adr:1"]["status"] == "superseded"
    assert ids["services/search/docs/adr:1"]["superseded_by"] == ["services/search/docs/adr:2"]
    assert ids["services/search/docs/adr:2"]["supersedes"] == ["services/search/docs/adr:1"]
    billing = next(c for c in data["components"] if c["name"] == "services/billing")
    assert billing["runbook"] == "https://wiki.example.test/billing"
    assert billing["runbook_status"] == "unverified"


def test_a_runbook_whose_authors_all_left_is_weak(builder: RepoBuilder) -> None:
    """A complete, reviewed runbook written only by someone inactive is still a risk."""
    old = datetime(2022, 1, 1, tzinfo=UTC)
    builder.commit("carol", write={"api/RUNBOOK.md": RUNBOOK_OK, "api/a.py": "a\n"}, when=old)
    builder.commit("ada", write={"api/a.py": "b\n"}, when=datetime(2025, 6, 1, tzinfo=UTC))
    data = scan(builder.path, settings=Settings()).to_dict()
    (runbook,) = data["runbooks"]
    assert runbook["status"] == "weak"
    assert any("every author is inactive (Carol)" in p for p in runbook["problems"])
