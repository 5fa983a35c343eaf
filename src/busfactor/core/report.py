"""A read-only view of the ownership graph in the shape of the `busfactor.scan/1` contract.

Formats render this view; none of them walks history or recomputes authorship, so JSON,
Markdown, text and the TUI always agree.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import networkx as nx

from busfactor.core.graph import COMPONENT, FILE, PERSON, iso, node_id, node_key
from busfactor.core.settings import Settings


def _round(value: float) -> float:
    return round(value, 4)


@dataclass(frozen=True, slots=True)
class ScanReport:
    """The scan's results, read from the graph."""

    graph: nx.DiGraph[str]
    settings: Settings = field(default_factory=Settings)
    """The settings the scan ran with (policy, thresholds), for the commands built on it."""
    inputs: tuple[Path, ...] = ()
    """Files of the work tree the scan read, or read the committed copy of: its
    configuration, .mailmap, CODEOWNERS, decision records and runbooks. A report written
    over one would destroy what someone wrote (the CLI refuses)."""

    def _nodes(self, kind: str) -> list[dict[str, Any]]:
        return [data for _, data in self.graph.nodes(data=True) if data.get("kind") == kind]

    @property
    def meta(self) -> dict[str, Any]:
        """Repository-wide figures."""
        return dict(self.graph.graph)

    def people(self) -> list[dict[str, Any]]:
        """People, most files authored first, then most commits, then id."""
        people = self._nodes(PERSON)
        return sorted(people, key=lambda p: (-p["files_authored"], -p["commits"], p["id"]))

    def person(self, person_id: str) -> dict[str, Any]:
        """One person's node attributes."""
        data: dict[str, Any] = self.graph.nodes[node_id(PERSON, person_id)]
        return data

    def components(self) -> list[dict[str, Any]]:
        """Components, lowest bus factor first, then most files, then name."""
        nodes = self._nodes(COMPONENT)
        return sorted(nodes, key=lambda c: (c["bus_factor"], -c["files"], c["name"]))

    def decisions(self) -> list[dict[str, Any]]:
        """Decision records in the order they were read (folder, then number)."""
        return self._nodes("decision")

    def runbooks(self) -> list[dict[str, Any]]:
        """Runbooks by path."""
        return sorted(self._nodes("runbook"), key=lambda r: r["path"])

    def findings(self) -> list[dict[str, Any]]:
        """Findings, most severe first."""
        found: list[dict[str, Any]] = self.graph.graph.get("findings", [])
        return found

    def leaving_ids(self) -> list[str]:
        """The person ids `leaving` names; the scan warned of the names matching nobody."""
        from busfactor.core.whatif import resolve_each

        return resolve_each(self.graph, self.settings.leaving)[0] if self.settings.leaving else []

    def leaving(self) -> dict[str, Any] | None:
        """The what-if for the people `leaving` names (None when nobody is)."""
        from busfactor.core.whatif import simulate

        return simulate(self.graph, self.leaving_ids()) if self.settings.leaving else None

    def files(self) -> list[dict[str, Any]]:
        """Analysed files in path order."""
        return sorted(self._nodes(FILE), key=lambda f: f["path"])

    def doa_of(self, path: str) -> dict[str, float]:
        """Every contributor's DOA on one file."""
        # The adjacency itself, not in_edges(): the report asks this for every file.
        return {
            node_key(person): data["doa"]
            for person, data in self.graph.pred[node_id(FILE, path)].items()
            if data.get("kind") == "authorship"
        }

    def to_dict(self, *, file_rows: bool = True) -> dict[str, Any]:
        """The documented JSON contract (docs/json-contract.md). Without `file_rows`, "files"
        is left empty for a writer that renders `file_table` itself."""
        meta = self.meta
        tf = meta["truck_factor"]
        return {
            "schema": meta["schema"],
            "repository": {
                "path": meta["repository"],
                "revision": meta["revision"],
                "commits": meta["commits"],
                "files": meta["files"],
                "excluded": meta["excluded"],
                "shallow": meta["shallow"],
                "partial": meta.get("partial", False),
            },
            "model": {
                "history": meta["history"],
                "authorship": "doa",
                "truck_factor": "greedy",
                "scope": meta["scope"],
                "since": meta["since"],
                "activity_days": meta["activity_days"],
                "thresholds": meta["thresholds"],
            },
            "truck_factor": {
                "value": tf["value"],
                "authors": tf["authors"],
                "coverage": _round(tf["coverage"]),
            },
            "people": [
                {
                    "id": p["id"],
                    "name": p["name"],
                    "email": p["email"],
                    "aliases": p["aliases"],
                    "commits": p["commits"],
                    "first_commit": iso(p["first_commit"]) if p["commits"] else None,
                    "last_commit": iso(p["last_commit"]) if p["commits"] else None,
                    "active": p["active"],
                    "files_authored": p["files_authored"],
                }
                for p in self.people()
            ],
            "bots": meta["bots"],
            "components": [
                {
                    "name": c["name"],
                    "files": c["files"],
                    "bus_factor": c["bus_factor"],
                    "bus_factor_authors": c["bus_factor_authors"],
                    "coverage": _round(c["coverage"]),
                    "authors": c["authors"],
                    "files_lost": c["files_lost"],
                    "runbook": c.get("runbook"),
                    "runbook_status": c.get("runbook_status", "missing"),
                    "decisions": c.get("decisions", []),
                    "documents_only": bool(c.get("documents_only")),
                    "needs_runbook": bool(c.get("needs_runbook", True)),
                }
                for c in self.components()
            ],
            "decisions": [
                {
                    "id": d["id"],
                    "title": d["title"],
                    "status": d["status"],
                    "status_raw": d["status_raw"],
                    "date": d["date"],
                    "path": d["path"],
                    "supersedes": d["supersedes"],
                    "superseded_by": d["superseded_by"],
                    "deciders": d["deciders"],
                    "authors": d["authors"],
                    "components": d["components"],
                }
                for d in self.decisions()
            ],
            "runbooks": [
                {
                    "path": r["path"],
                    "components": r["components"],
                    "status": r["status"],
                    "problems": r["problems"],
                    "authors": r["authors"],
                    "sources": r["sources"],
                }
                for r in self.runbooks()
            ],
            "findings": self.findings(),
            "leaving": self.leaving(),
            "files": self._file_rows() if file_rows else [],
            "warnings": meta["warnings"],
        }

    def file_table(self) -> Iterator[tuple[str, int, list[str], list[tuple[str, float]]]]:
        """Per file in path order: path, commits, authors, and (person node, rounded DOA) for
        every contributor in node order.

        One pass over every edge, not a view per file: `graph.pred[file]` answers each edge
        through two mapping views and cost as much as writing its JSON. Only person nodes
        have authorship edges, and every person's node name is the same prefix before its
        key, so node names sort as the keys do.
        """
        shares: dict[str, list[tuple[str, float]]] = {}
        for person, file, edge in self.graph.in_edges(data=True):
            if edge.get("kind") == "authorship":
                entry = (person, round(edge["doa"], 4))  # _round: 38,000 calls
                if file in shares:
                    shares[file].append(entry)
                else:
                    shares[file] = [entry]
        for f in self.files():
            doa = shares.get(node_id(FILE, f["path"]), [])
            doa.sort()  # people differ, so the DOA values are never compared
            yield f["path"], f["commits"], f["authors"], doa

    def _file_rows(self) -> list[dict[str, Any]]:
        """The report's largest part, a row per file."""
        return [
            {
                "path": path,
                "commits": commits,
                "authors": authors,
                "doa": {node_key(person): value for person, value in doa},
            }
            for path, commits, authors, doa in self.file_table()
        ]
