"""Every report lists findings most severe first (docs/json-contract.md), CODEOWNERS ones
included: they were added after the sort, so on requests two errors came after every
warning and the text summary cut them off behind "... 4 more"."""

from __future__ import annotations

import json

from builders import RepoBuilder
from busfactor.core.findings import RULES, SEVERITIES
from busfactor.formats.json import render_json
from busfactor.pipeline import scan


def test_codeowners_errors_come_before_every_warning(builder: RepoBuilder) -> None:
    # api/ has one author (warnings); CODEOWNERS covers web/ only, and api/ is at bus factor 1,
    # so it is an uncovered component: an error.
    builder.commit(
        "ada",
        write={
            "api/a.py": "a\n",
            "api/b.py": "b\n",
            "web/w.py": "w\n",
            ".github/CODEOWNERS": "/web/ ada@example.test\n",
        },
    )
    findings = json.loads(render_json(scan(builder.path, overrides={"cache": False})))["findings"]
    severities = [f["severity"] for f in findings]
    assert "error" in severities
    assert any(f["rule"].startswith("codeowners") for f in findings)
    rank = [list(reversed(SEVERITIES)).index(s) for s in severities]
    assert rank == sorted(rank)
    within = [(rank[i], RULES.index(f["rule"])) for i, f in enumerate(findings)]
    assert within == sorted(within)
