"""A realistic, deterministic demo repository that tells busfactor's whole story.

`make_demo(path)` writes two years of history of a small monorepo (about 400 commits by a dozen
people, a bot, feature branches merged back) through one `git fast-import` process, then checks
out the working tree. Scanning it shows: `services/payments` with a bus factor of 1 and an
announced departure, `services/search` shared by two active people, `services/legacy-billing`
written by people who left long ago, a `.mailmap`-merged identity, `dependabot[bot]`, MADR 4
decisions (one orphaned, one superseded, one proposed), a good and a weak runbook, and a
CODEOWNERS line naming someone who left. Same seed, same commits, same HEAD sha.
"""

from __future__ import annotations

import os
import random
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from busfactor.errors import RepositoryError, UsageError

__all__ = ["make_demo"]

DAY = 86_400
END = 1_793_448_000  # 2026-10-31T12:00:00Z, the last commit
START = END - 730 * DAY  # two years earlier
EMAIL = "acme.example"

PAYMENTS = "services/payments"
SEARCH = "services/search"
LEGACY = "services/legacy-billing"
WEB = "web"
COMMON = "libs/common"
DOCS = "docs"
ROOT = "(root)"


@dataclass(frozen=True)
class Person:
    """A demo author: identity, active window (days from START) and how work is spread."""

    name: str
    email: str
    start: int
    end: int
    commits: int
    areas: tuple[tuple[str, float], ...]
    alias: tuple[str, str] | None = None  # (name, email) used for early commits, .mailmap'ed

    @property
    def ident(self) -> str:
        return f"{self.name} <{self.email}>"


def _p(
    name: str,
    start: int,
    end: int,
    commits: int,
    areas: tuple[tuple[str, float], ...],
    alias: tuple[str, str] | None = None,
) -> Person:
    email = name.lower().replace(" ", ".") + "@" + EMAIL
    return Person(name, email, start, end, commits, areas, alias)


PRIYA = _p("Priya Natarajan", 20, 730, 80, ((PAYMENTS, 0.9), (COMMON, 0.1)))
OMAR = _p("Omar Haddad", 90, 730, 38, ((SEARCH, 0.85), (COMMON, 0.1), (ROOT, 0.05)))
MEI = _p(
    "Mei Tanaka",
    100,
    728,
    36,
    ((SEARCH, 0.85), (DOCS, 0.15)),
    alias=("mtanaka", "mtanaka@users.noreply.example.org"),
)
LARS = _p("Lars Eriksen", 2, 300, 30, ((LEGACY, 0.9), (ROOT, 0.1)))
ROSA = _p("Rosa Costa", 10, 290, 22, ((LEGACY, 0.85), (COMMON, 0.15)))
SVEN = _p("Sven Bauer", 0, 250, 12, ((ROOT, 0.4), (COMMON, 0.4), (DOCS, 0.2)))
IVAN = _p("Ivan Petrov", 30, 729, 40, ((WEB, 0.9), (ROOT, 0.1)))
GRACE = _p("Grace Okafor", 60, 726, 34, ((WEB, 0.9), (DOCS, 0.1)))
KAI = _p("Kai Nguyen", 15, 470, 26, ((WEB, 0.8), (SEARCH, 0.05), (COMMON, 0.15)))
HANA = _p("Hana Ito", 40, 480, 20, ((WEB, 0.5), (COMMON, 0.5)))
ELENA = _p("Elena Rossi", 50, 725, 26, ((COMMON, 0.8), (WEB, 0.1), (ROOT, 0.1)))
JAMAL = _p("Jamal Singh", 70, 727, 22, ((DOCS, 0.6), (COMMON, 0.2), (ROOT, 0.2)))
NOAH = _p("Noah Fischer", 560, 729, 14, ((WEB, 0.7), (COMMON, 0.3)))
PEOPLE = (PRIYA, OMAR, MEI, LARS, ROSA, SVEN, IVAN, GRACE, KAI, HANA, ELENA, JAMAL, NOAH)
BOT = Person("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com", 0, 730, 0, ())

MODULES: dict[str, tuple[str, ...]] = {
    PAYMENTS: tuple(
        f"{PAYMENTS}/payments/{m}.py"
        for m in ("ledger", "gateway", "refunds", "webhooks", "fraud", "currency", "api", "payouts")
    ),
    SEARCH: tuple(
        f"{SEARCH}/search/{m}.py"
        for m in ("indexer", "query", "ranking", "synonyms", "api", "suggest", "filters")
    ),
    LEGACY: tuple(
        f"{LEGACY}/billing/{m}.py"
        for m in ("invoices", "tax", "dunning", "export", "models", "statements", "proration")
    ),
    WEB: (
        f"{WEB}/src/components/Cart.tsx",
        f"{WEB}/src/components/Header.tsx",
        f"{WEB}/src/api/client.ts",
        f"{WEB}/src/components/Checkout.tsx",
        f"{WEB}/src/components/SearchBox.tsx",
        f"{WEB}/src/hooks/useSearch.ts",
        f"{WEB}/src/components/Footer.tsx",
        f"{WEB}/src/hooks/useCart.ts",
        f"{WEB}/src/pages/Orders.tsx",
        f"{WEB}/src/pages/Account.tsx",
        f"{WEB}/src/format.ts",
    ),
    COMMON: tuple(
        f"{COMMON}/common/{m}.py" for m in ("retry", "logging", "config", "money", "ids", "clock")
    ),
    DOCS: tuple(f"{DOCS}/{m}.md" for m in ("architecture", "onboarding", "glossary", "deploying")),
    ROOT: ("README.md", "pyproject.toml"),
}
NOUNS = (
    "batch", "charge", "token", "order", "invoice", "account", "session", "cursor", "index",
    "shard", "query", "result", "payload", "event", "receipt", "customer", "limit", "window",
)  # fmt: skip
VERBS = ("load", "build", "apply", "check", "parse", "render", "merge", "resolve", "sync", "emit")
FIXES = ("Fix", "Tidy", "Harden", "Speed up", "Simplify", "Log errors in", "Validate input of")

# A document is (kind, units); a unit is (name, variant). Text files are ("raw", ((text, 0),)).
Unit = tuple[str, int]
Doc = tuple[str, tuple[Unit, ...]]


def _camel(name: str) -> str:
    first, *rest = name.split("_")
    return first + "".join(word.title() for word in rest)


def _render_unit(kind: str, path: str, unit: Unit) -> str:
    name, v = unit
    noun = name.rsplit("_", 1)[-1]
    if kind == "py":
        return (
            f"def {name}({noun}_id: str, *, limit: int = {10 + v * 5}) -> dict[str, object]:\n"
            f'    """{name.replace("_", " ").capitalize()} (revision {v})."""\n'
            f'    log.debug("{name} %s", {noun}_id)\n'
            + (
                f'    if not {noun}_id:\n        raise ValueError("empty {noun} id")\n'
                if v % 2
                else ""
            )
            + f'    return {{"{noun}": {noun}_id, "limit": limit, "attempt": {v % 4 + 1}}}\n'
        )
    if kind == "ts":
        fn = _camel(name)
        return (
            f"export function {fn}(input: string, limit = {10 + v * 5}): string {{\n"
            f"  // revision {v}\n"
            + (f"  if (!input) throw new Error('empty {noun}');\n" if v % 2 else "")
            + f"  return `{noun}:${{input.trim()}}:${{limit}}`;\n}}\n"
        )
    if kind == "tsx":
        comp = _camel(name)
        comp = comp[0].upper() + comp[1:]
        return (
            f"export function {comp}({{ title }}: {{ title: string }}) {{\n"
            f'  return <section className="{noun}-{v}">{{title}}</section>;\n}}\n'
        )
    title = name.replace("_", " ").capitalize()
    return f"## {title}\n\nRevision {v}: how we {name.replace('_', ' ')} in practice.\n"


def _render(path: str, doc: Doc) -> bytes:
    kind, units = doc
    if kind == "raw":
        return units[0][0].encode()
    body = ("\n\n" if kind == "py" else "\n").join(_render_unit(kind, path, u) for u in units)
    stem = path.rsplit("/", 1)[-1].split(".")[0]
    if kind == "py":
        head = (
            f'"""{stem.replace("_", " ").capitalize()}."""\n\n'
            "from __future__ import annotations\n\n"
            "import logging\n\nlog = logging.getLogger(__name__)\n\n\n"
        )
        return (head + body).encode()
    if kind == "ts":
        return (f"// {stem}\n\n" + body).encode()
    if kind == "tsx":
        return ('import React from "react";\n\n' + body).encode()
    return (f"# {stem.replace('-', ' ').capitalize()}\n\n" + body).encode()


def _kind(path: str) -> str:
    return {"py": "py", "ts": "ts", "tsx": "tsx", "md": "md"}.get(path.rsplit(".", 1)[-1], "raw")


class _Builder:
    """Writes the fast-import stream while keeping the tree of the main line in memory."""

    def __init__(self, out: IO[bytes], seed: int) -> None:
        self.out = out
        self.rng = random.Random(seed)
        self.mark = 0
        self.tip = 0
        self.clock = START
        self.state: dict[str, Doc] = {}
        self.fixed: set[str] = set()  # scripted files that random commits never touch
        self.removed: set[str] = set()  # paths deleted on purpose: never recreated at random
        self.prs = 100
        self.moved: dict[str, str] = {}  # directory renames already made: old prefix -> new

    # -- low level -----------------------------------------------------------------------------
    def _time(self, when: int) -> int:
        self.clock = max(when, self.clock + 600)
        return self.clock

    def emit(
        self,
        person: Person,
        when: int,
        msg: str,
        ops: list[bytes],
        *,
        ref: str = "refs/heads/main",
        parent: int | None = None,
        merge: int | None = None,
        ident: str | None = None,
    ) -> int:
        self.mark += 1
        who = ident or person.ident
        stamp = self._time(when)
        data = msg.encode()
        parts = [
            f"commit {ref}\nmark :{self.mark}\nauthor {who} {stamp} +0000\n"
            f"committer {who} {stamp} +0000\ndata {len(data)}\n".encode(),
            data,
            b"\n",
        ]
        base = self.tip if parent is None else parent
        if base:
            parts.append(b"from :%d\n" % base)
        if merge is not None:
            parts.append(b"merge :%d\n" % merge)
        parts.extend(ops)
        parts.append(b"\n")
        self.out.write(b"".join(parts))
        if ref == "refs/heads/main":
            self.tip = self.mark
        return self.mark

    def put(self, state: dict[str, Doc], path: str, doc: Doc) -> bytes:
        state[path] = doc
        data = _render(path, doc)
        return b"M 100644 inline %s\ndata %d\n%s\n" % (path.encode(), len(data), data)

    def raw(self, path: str, text: str) -> bytes:
        self.fixed.add(path)
        return self.put(self.state, path, ("raw", ((text, 0),)))

    def ident_of(self, person: Person, when: int) -> str | None:
        if person.alias and when < START + 260 * DAY and self.rng.random() < 0.4:
            return f"{person.alias[0]} <{person.alias[1]}>"
        return None

    # -- random work ---------------------------------------------------------------------------
    def _area_files(self, state: dict[str, Doc], area: str) -> list[str]:
        prefix = "" if area == ROOT else area + "/"
        return sorted(
            p
            for p in state
            if p not in self.fixed
            and (("/" not in p) if area == ROOT else p.startswith(prefix))
            and not p.endswith((".json", ".lock"))
        )

    def _moved(self, path: str) -> str:
        for old, new in self.moved.items():
            if path.startswith(old):
                return new + path[len(old) :]
        return path

    def _new_unit(self) -> Unit:
        return (f"{self.rng.choice(VERBS)}_{self.rng.choice(NOUNS)}", 0)

    def work(self, state: dict[str, Doc], area: str) -> tuple[list[bytes], str]:
        """Ops and a message for one ordinary change in `area` of `state`."""
        rng = self.rng
        files = self._area_files(state, area)
        todo = [self._moved(p) for p in MODULES[area]]
        todo = [p for p in todo if p not in state and p not in self.removed]
        todo = [p for p in todo if not any(q.endswith(p.rsplit("/", 1)[-1]) for q in state)]
        if todo and (len(files) < 3 or rng.random() < 0.12):
            path = todo[0]
            doc: Doc = (_kind(path), tuple(self._new_unit() for _ in range(rng.randint(2, 4))))
            if doc[0] == "raw":
                doc = ("raw", ((f"# {path}\n", 0),))
            return [self.put(state, path, doc)], f"Add {path.rsplit('/', 1)[-1]}"
        ops: list[bytes] = []
        messages: list[str] = []
        for path in sorted(set(rng.sample(files, min(len(files), rng.choice((1, 1, 1, 2)))))):
            kind, units = state[path]
            if kind == "raw":
                text = units[0][0]
                ops.append(self.put(state, path, ("raw", ((text + "\n", 0),))))
                messages.append(f"Tidy {path.rsplit('/', 1)[-1]}")
                continue
            listed = list(units)
            r = rng.random()
            file = path.rsplit("/", 1)[-1]
            if r < 0.2 or len(listed) < 2:
                unit = self._new_unit()
                listed.insert(rng.randrange(len(listed) + 1), unit)
                what = f"Add {unit[0]} to {file}"
            elif r < 0.28 and len(listed) > 3:
                unit = listed.pop(rng.randrange(len(listed)))
                what = f"Remove unused {unit[0]} from {file}"
            else:
                i = rng.randrange(len(listed))
                listed[i] = (listed[i][0], listed[i][1] + 1)
                what = f"{rng.choice(FIXES)} {listed[i][0]} in {file}"
            messages.append(what)
            ops.append(self.put(state, path, (kind, tuple(listed))))
        return ops, "; ".join(messages[:1]) + (
            " (and a related change)" if len(messages) > 1 else ""
        )

    def regular(self, person: Person, when: int, areas: tuple[str, ...] = ()) -> None:
        choices = [(a, w) for a, w in person.areas if not areas or a in areas]
        if not choices:
            return
        area = self.rng.choices([a for a, _ in choices], [w for _, w in choices])[0]
        ops, msg = self.work(self.state, area)
        if ops:
            self.emit(person, when, msg, ops, ident=self.ident_of(person, when))

    def feature(self, person: Person, when: int, area: str, other: Person, slug: str) -> None:
        """A topic branch of a few commits, the main line moving on meanwhile, then a merge."""
        fork = self.tip
        branch = dict(self.state)
        tip = fork
        for i in range(self.rng.randint(2, 4)):
            ops, msg = self.work(branch, area)
            tip = self.emit(person, when + i * 3600, msg, ops, ref="refs/heads/topic", parent=tip)
        other_area = next(a for a, _ in other.areas if a != area)
        self.regular(other, when + 2 * 3600, (other_area,))
        ops = []
        for path in sorted(branch):
            if self.state.get(path) != branch[path]:
                ops.append(self.put(self.state, path, branch[path]))
        self.prs += 1
        msg = f"Merge pull request #{self.prs} from acme/{slug}\n\n{slug.replace('-', ' ')}"
        self.emit(person, when + 6 * 3600, msg, ops, merge=tip)

    # -- scripted events -----------------------------------------------------------------------
    def rename(self, person: Person, when: int, pairs: list[tuple[str, str]], msg: str) -> None:
        ops = []
        for old, new in pairs:
            self.state[new] = self.state.pop(old)
            ops.append(f"R {old} {new}\n".encode())
        self.emit(person, when, msg, ops)

    def delete(self, person: Person, when: int, path: str, msg: str) -> None:
        del self.state[path]
        self.removed.add(path)
        self.emit(person, when, msg, [f"D {path}\n".encode()])

    def readd(self, person: Person, when: int, path: str, msg: str) -> None:
        units = (("retry_call", 3), ("backoff_delay", 1), ("jitter_window", 0))
        self.emit(person, when, msg, [self.put(self.state, path, ("py", units))])

    def text(self, person: Person, when: int, msg: str, files: dict[str, str]) -> None:
        self.emit(person, when, msg, [self.raw(p, t) for p, t in files.items()])

    def bump(self, n: int, when: int) -> None:
        pkg, old, new = BUMPS[n % len(BUMPS)]
        minor = n // len(BUMPS)
        old, new = f"{old}.{minor}", f"{new}.{minor}"
        if n % 2:
            path = f"{WEB}/package-lock.json"
            msg = f"Bump {pkg} from {old} to {new} in /web"
        else:
            path = "poetry.lock"
            msg = f"Bump {pkg} from {old} to {new}"
        text = _lock(path, n)
        body = f"{msg}\n\nBumps {pkg} from {old} to {new}.\n\nSigned-off-by: dependabot[bot]"
        self.emit(BOT, when, body, [self.raw(path, text)])


BUMPS = (("axios", "1.7", "1.8"), ("requests", "2.31", "2.32"), ("vite", "5.2", "5.3"))


def _lock(path: str, n: int) -> str:
    if path.endswith(".json"):
        deps = ",\n".join(
            f'    "node_modules/{name}": {{ "version": "{major}.{n % 9}.{i}" }}'
            for i, (name, major) in enumerate((("axios", 1), ("react", 18), ("vite", 5)))
        )
        return (
            f'{{\n  "name": "web",\n  "lockfileVersion": 3,\n  "packages": {{\n{deps}\n  }}\n}}\n'
        )
    return "".join(
        f'[[package]]\nname = "{name}"\nversion = "{major}.{n % 7}.{i}"\n\n'
        for i, (name, major) in enumerate((("requests", 2), ("pydantic", 2), ("sqlalchemy", 2)))
    )


# --- scripted file contents --------------------------------------------------------------------

README = """# acme-shop

The Acme shop monorepo: `services/payments` (card payments and refunds), `services/search`
(catalogue search), `services/legacy-billing` (the old invoicing system, still running),
`web` (the storefront) and `libs/common` (shared helpers).

Run `make dev` to start everything locally.
"""

PYPROJECT = """[project]
name = "acme-shop"
version = "{version}"
requires-python = ">=3.11"
dependencies = ["requests>=2.31", "pydantic>=2", "sqlalchemy>=2"]
"""

GITIGNORE = "__pycache__/\nnode_modules/\n.venv/\ndist/\n"

MAILMAP = """# One person, two addresses (an old laptop's git config).
<mei.tanaka@acme.example> <mtanaka@users.noreply.example.org>
"""

CODEOWNERS_V1 = """# Who reviews what.
/services/legacy-billing/  @lars-eriksen
/services/payments/        @priya-n
"""

CODEOWNERS_V2 = (
    "*                          @jamal-singh\n"
    + CODEOWNERS_V1
    + """/services/search/          @omar-haddad @mei-tanaka
/web/                      @ivan-petrov @grace-okafor
/libs/common/              @elena-rossi
/docs/                     @jamal-singh
"""
)

BUSFACTOR_TOML = """# busfactor configuration for the demo repository.
leaving = ["priya.natarajan@acme.example"]   # Priya announced she is leaving in December

[owners]
"@lars-eriksen" = "lars.eriksen@acme.example"
"@priya-n" = "priya.natarajan@acme.example"
"@omar-haddad" = "omar.haddad@acme.example"
"@mei-tanaka" = "mei.tanaka@acme.example"
"@ivan-petrov" = "ivan.petrov@acme.example"
"@grace-okafor" = "grace.okafor@acme.example"
"@elena-rossi" = "elena.rossi@acme.example"
"@jamal-singh" = "jamal.singh@acme.example"
"""


def _adr(status: str, date: str, makers: str, title: str, body: str) -> str:
    return (
        f'---\nstatus: "{status}"\ndate: {date}\ndecision-makers: {makers}\n---\n\n# {title}\n\n'
        + body
    )


ADR1 = _adr(
    "accepted",
    "2025-01-14",
    "Sven Bauer, Lars Eriksen",
    "Keep invoices in PostgreSQL with a nightly export",
    """## Context and Problem Statement

`services/legacy-billing` writes invoices to flat files; finance needs queries and audit trails.

## Considered Options

* PostgreSQL with a nightly CSV export
* Keep flat files

## Decision Outcome

Chosen option: "PostgreSQL with a nightly CSV export", because finance already reads CSV.
The export lives in `services/legacy-billing/billing/export.py`.
""",
)

ADR2_BODY = """## Context and Problem Statement

`services/search` needs full-text search over the catalogue with typo tolerance.

## Decision Outcome

Chosen option: "Elasticsearch", because the team knows it.
"""


def _adr2(status: str) -> str:
    return _adr(status, "2025-03-05", "Kai Nguyen, Omar Haddad", "Use Elasticsearch", ADR2_BODY)


ADR3 = _adr(
    "accepted",
    "2025-08-20",
    "Priya Natarajan, Elena Rossi",
    "Idempotency keys for every payment call",
    """## Context and Problem Statement

Retries in `services/payments` sometimes charged a card twice.

## Decision Outcome

Chosen option: "client-supplied idempotency keys", stored by `services/payments/payments/ledger.py`
for 24 hours; `libs/common` generates them.
""",
)

ADR4 = _adr(
    "accepted",
    "2026-03-10",
    "Omar Haddad, Mei Tanaka",
    "Move search to OpenSearch",
    """## Context and Problem Statement

The Elasticsearch licence changed; `services/search` must move (supersedes ADR-0002).

## Decision Outcome

Chosen option: "OpenSearch", a drop-in replacement for our queries in
`services/search/search/query.py`.
""",
)

ADR5 = _adr(
    "proposed",
    "2026-10-02",
    "Grace Okafor, Ivan Petrov",
    "Shared design tokens for the storefront",
    """## Context and Problem Statement

Every component in `web/src/ui` hard-codes colours and spacing.

## Considered Options

* A design-token package in `web`
* A CSS framework

## Decision Outcome

Proposed: a design-token package, pending a spike.
""",
)

SEARCH_RUNBOOK = """---
owner: search team
last_reviewed: {reviewed}
---

# Search runbook

## Overview

`services/search` serves catalogue queries from an OpenSearch cluster fed by the indexer.

## Alerts

* **SearchLatencyHigh**: p95 above 400 ms for 10 minutes. Check the cluster's heap first.
* **IndexerLagging**: the indexer is more than 15 minutes behind the catalogue.

## Procedures

### Reindex the catalogue

1. Pause the indexer: `make -C services/search pause-indexer`.
2. Run `python -m search.indexing.indexer --full`.
3. Resume the indexer and watch IndexerLagging clear.

### Roll back a bad synonyms file

Revert the commit touching `services/search/search/synonyms.py` and redeploy.

## Escalation

Page the search on-call (Omar Haddad, then Mei Tanaka) via the #search-oncall channel.
"""

PAYMENTS_RUNBOOK = """# Payments runbook

## Overview

`services/payments` talks to the card gateway and owns the ledger.

## Alerts

* **GatewayErrors**: more than 2% of authorisations fail for 5 minutes.

## Procedures

Restart the payments workers with `make -C services/payments restart`.

TODO: document how to replay refunds after a gateway outage.
"""


def _events(rng: random.Random) -> list[tuple[int, int, str, object]]:
    """Regular commits at random times in each person's window, sorted with scripted events."""
    events: list[tuple[int, int, str, object]] = []
    for person in PEOPLE:
        for _ in range(person.commits):
            day = rng.uniform(person.start, person.end)
            events.append((START + int(day * DAY), len(events), "work", person))
    return events


def _script() -> list[tuple[int, str, tuple[object, ...]]]:
    """(day, what, arguments) of everything that is not an ordinary change."""
    feats = [
        (150, PRIYA, PAYMENTS, OMAR, "payments-3ds"),
        (210, LARS, LEGACY, IVAN, "billing-vat-rules"),
        (330, OMAR, SEARCH, GRACE, "search-facets"),
        (420, KAI, WEB, ELENA, "web-dark-mode"),
        (520, MEI, SEARCH, PRIYA, "search-suggestions"),
        (610, PRIYA, PAYMENTS, IVAN, "payments-payouts"),
        (690, GRACE, WEB, OMAR, "web-orders-page"),
    ]
    script: list[tuple[int, str, tuple[object, ...]]] = [
        (d, "feature", (who, area, other, slug)) for d, who, area, other, slug in feats
    ]
    script += [(200 + 38 * n, "bump", (n,)) for n in range(14)]
    return script


def _run(out: IO[bytes], seed: int) -> None:
    b = _Builder(out, seed)
    b.text(
        SVEN,
        START + 3600,
        "Initial commit",
        {
            "README.md": README,
            "pyproject.toml": PYPROJECT.format(version="0.1.0"),
            ".gitignore": GITIGNORE,
            "poetry.lock": _lock("poetry.lock", 0),
        },
    )
    # README and pyproject change with ordinary work too
    b.fixed -= {"README.md", "pyproject.toml"}
    b.state["README.md"] = ("md", (("getting_started", 0), ("deploy_services", 0)))
    b.state["pyproject.toml"] = ("raw", ((PYPROJECT.format(version="0.1.0"), 0),))

    timeline: list[tuple[int, int, str, object]] = _events(b.rng)
    n = len(timeline)
    for day, what, args in _script():
        timeline.append((START + day * DAY + 5400, n, what, args))
        n += 1
    once: list[tuple[int, str, object]] = [
        (40, "adr1", None),
        (55, "codeowners1", None),
        (60, "web-lock", None),
        (120, "adr2", None),
        (205, "runbook-search", None),
        (240, "search-move", None),
        (300, "adr3", None),
        (340, "retry-delete", None),
        (400, "runbook-payments", None),
        (455, "retry-readd", None),
        (500, "web-rename", None),
        (555, "adr4", None),
        (580, "codeowners2", None),
        (650, "mailmap", None),
        (690, "adr5", None),
        (700, "busfactor-toml", None),
        (712, "runbook-review", None),
    ]
    for day, what, arg in once:
        timeline.append((START + day * DAY + 7200, n, what, arg))
        n += 1
    timeline.sort(key=lambda e: (e[0], e[1]))

    decisions = "docs/decisions"
    for when, _, what, arg in timeline:
        if when >= END - 3600:
            continue
        if what == "work":
            assert isinstance(arg, Person)
            b.regular(arg, when)
        elif what == "feature":
            assert isinstance(arg, tuple)
            who, area, other, slug = arg
            if b._area_files(b.state, area):
                b.feature(who, when, area, other, slug)
        elif what == "bump":
            assert isinstance(arg, tuple)
            b.bump(arg[0], when)
        elif what == "adr1":
            path = f"{decisions}/0001-keep-invoices-in-postgresql.md"
            b.text(SVEN, when, "ADR-0001: keep invoices in PostgreSQL", {path: ADR1})
        elif what == "adr2":
            path = f"{decisions}/0002-use-elasticsearch.md"
            b.text(KAI, when, "ADR-0002: use Elasticsearch", {path: _adr2("accepted")})
        elif what == "adr3":
            path = f"{decisions}/0003-idempotency-keys.md"
            b.text(PRIYA, when, "ADR-0003: idempotency keys for payments", {path: ADR3})
        elif what == "adr4":
            files = {
                f"{decisions}/0004-move-search-to-opensearch.md": ADR4,
                f"{decisions}/0002-use-elasticsearch.md": _adr2("superseded by ADR-0004"),
            }
            b.text(OMAR, when, "ADR-0004: move search to OpenSearch (supersedes ADR-0002)", files)
        elif what == "adr5":
            path = f"{decisions}/0005-shared-design-tokens.md"
            b.text(GRACE, when, "ADR-0005 (proposed): shared design tokens", {path: ADR5})
        elif what == "codeowners1":
            b.text(SVEN, when, "Add CODEOWNERS", {".github/CODEOWNERS": CODEOWNERS_V1})
        elif what == "codeowners2":
            msg = "CODEOWNERS: add search, web, common and docs"
            b.text(IVAN, when, msg, {".github/CODEOWNERS": CODEOWNERS_V2})
        elif what == "web-lock":
            files = {f"{WEB}/package-lock.json": _lock(f"{WEB}/package-lock.json", 0)}
            b.text(IVAN, when, "Add the storefront's lock file", files)
        elif what == "runbook-search":
            text = SEARCH_RUNBOOK.format(reviewed="2025-07-25")
            b.text(OMAR, when, "Add a search runbook", {"docs/runbooks/search.md": text})
        elif what == "runbook-review":
            text = SEARCH_RUNBOOK.format(reviewed="2026-10-13")
            b.text(MEI, when, "Review the search runbook", {"docs/runbooks/search.md": text})
        elif what == "runbook-payments":
            path = f"{PAYMENTS}/RUNBOOK.md"
            b.text(PRIYA, when, "Start a payments runbook", {path: PAYMENTS_RUNBOOK})
        elif what == "search-move":
            old = f"{SEARCH}/search/indexer.py"
            if old in b.state:
                new = f"{SEARCH}/search/indexing/indexer.py"
                b.rename(OMAR, when, [(old, new)], "Move the indexer into search.indexing")
        elif what == "retry-delete":
            path = f"{COMMON}/common/retry.py"
            if path in b.state:
                b.delete(ELENA, when, path, "Remove common.retry in favour of tenacity")
        elif what == "retry-readd":
            path = f"{COMMON}/common/retry.py"
            if path not in b.state:
                b.readd(ELENA, when, path, "Bring back common.retry (tenacity is too heavy)")
        elif what == "web-rename":
            old = f"{WEB}/src/components/"
            pairs = [(p, f"{WEB}/src/ui/" + p[len(old) :]) for p in sorted(b.state)]
            pairs = [(o, n) for o, n in pairs if o.startswith(old)]
            b.moved[old] = f"{WEB}/src/ui/"
            if pairs:
                b.rename(GRACE, when, pairs, "Rename web/src/components to web/src/ui")
        elif what == "mailmap":
            b.text(MEI, when, "Add .mailmap for my old address", {".mailmap": MAILMAP})
        elif what == "busfactor-toml":
            b.text(JAMAL, when, "Configure busfactor", {".busfactor.toml": BUSFACTOR_TOML})
    version = {"pyproject.toml": PYPROJECT.format(version="2.4.0")}
    b.fixed.add("pyproject.toml")
    b.emit(PRIYA, END, "Release 2.4.0", [b.raw(p, t) for p, t in version.items()])


_LOCAL_ENV = ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY")


def _env() -> dict[str, str]:
    """The environment without variables that would point git at another repository."""
    return {k: v for k, v in os.environ.items() if k not in _LOCAL_ENV}


def _git(path: Path, *args: str) -> None:
    try:
        subprocess.run(["git", "-C", str(path), *args], check=True, capture_output=True, env=_env())
    except FileNotFoundError:
        raise RepositoryError("git is not installed or not on PATH") from None
    except subprocess.CalledProcessError as error:
        detail = error.stderr.decode("utf-8", "replace").strip().splitlines()
        raise RepositoryError(f"git {args[0]} failed: {detail[-1] if detail else error}") from None


def make_demo(path: Path, *, seed: int = 7) -> Path:
    """Create the demo repository at `path` (absent or an empty directory); return its path."""
    path = Path(path)
    if path.exists() and not path.is_dir():
        raise UsageError(f"{path} is a file, not a directory for the demo repository")
    if path.exists() and any(path.iterdir()):
        raise UsageError(f"{path} already exists and is not an empty directory")
    path.mkdir(parents=True, exist_ok=True)
    _git(path, "init", "-q", "-b", "main")
    _git(path, "config", "gc.auto", "0")
    try:
        proc = subprocess.Popen(
            ["git", "-C", str(path), "fast-import", "--quiet", "--done"],
            stdin=subprocess.PIPE,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env=_env(),
        )
    except FileNotFoundError:
        raise RepositoryError("git is not installed or not on PATH") from None
    with proc:
        assert proc.stdin is not None
        assert proc.stderr is not None
        try:
            _run(proc.stdin, seed)
            proc.stdin.write(b"done\n")
            proc.stdin.close()
        except BrokenPipeError:
            pass  # fast-import died; its exit code and stderr say why
        except BaseException:
            proc.kill()
            raise
        err = proc.stderr.read().decode("utf-8", "replace").strip()
        code = proc.wait()
    if code != 0:
        last = err.splitlines()[-1] if err else f"exit code {code}"
        raise RepositoryError(f"git fast-import failed: {last}")
    _git(path, "update-ref", "-d", "refs/heads/topic")
    _git(path, "reset", "--hard", "-q", "main")
    return path
