"""Tests for busfactor.adapters.adr: finding ADR folders and reading every format, in memory."""

from __future__ import annotations

from collections.abc import Sequence

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from busfactor.adapters.adr import ADR_DIR_CANDIDATES, find_adr_dirs, read_decisions
from busfactor.core.decisions import Decision, link_targets

Files = dict[str, bytes]


def scan(
    files: Files, configured: Sequence[str] = ()
) -> tuple[list[str], list[Decision], list[str]]:
    """Find the ADR folders of an in-memory repository and read them."""
    dirs = find_adr_dirs(files, files.get, configured)
    decisions, warnings = read_decisions(dirs, files, files.get)
    return dirs, decisions, warnings


def by_id(decisions: list[Decision]) -> dict[str, Decision]:
    """Decisions keyed by id."""
    return {d.id: d for d in decisions}


def text(source: str) -> bytes:
    """A file's bytes from an indented literal."""
    return source.lstrip("\n").encode()


ADR_TOOLS: Files = {
    "doc/adr/0001-record-architecture-decisions.md": text("""
# 1. Record architecture decisions

Date: 2023-02-01

## Status

Accepted

## Context

We need to record the architectural decisions made on this project.

## Decision

We will use Architecture Decision Records, as [described by Michael Nygard](http://thinkrelevance.com/blog/2011/11/15/documenting-architecture-decisions).
"""),
    "doc/adr/0002-use-sqlite-for-storage.md": text("""
# 2. Use SQLite for storage

Date: 2023-02-10

## Status

Superceded by [3. Use PostgreSQL](0003-use-postgresql.md)

## Context

The store keeps its state in `services/store/`, next to
[the schema](../../services/store/schema.sql).
"""),
    "doc/adr/0003-use-postgresql.md": text("""
# 3. Use PostgreSQL

Date: 2024-05-01

## Status

Accepted

Supercedes [2. Use SQLite for storage](0002-use-sqlite-for-storage.md)

Amended by [4. Pool connections](0004-pool-connections.md)

## Decision

`services/store/db.py` talks to PostgreSQL 16.
"""),
    "doc/adr/0004-pool-connections.md": text("""
# 4. Pool connections

Date: 2024-06-12

## Status

Accepted

Amends [3. Use PostgreSQL](0003-use-postgresql.md)
"""),
    "services/store/db.py": b"",
    "services/store/schema.sql": b"",
}


def test_adr_tools_records_with_supercedes_links() -> None:
    """adr-tools records give number, title, date, status and both spellings of the links."""
    dirs, decisions, warnings = scan(ADR_TOOLS)
    assert dirs == ["doc/adr"]
    assert warnings == []
    assert [d.id for d in decisions] == ["1", "2", "3", "4"]
    found = by_id(decisions)
    assert found["1"].title == "Record architecture decisions"
    assert (found["1"].status, found["1"].status_raw, found["1"].date) == (
        "accepted",
        "Accepted",
        "2023-02-01",
    )
    assert (found["2"].status, found["2"].status_raw) == ("superseded", "")
    assert found["2"].superseded_by == ("3",)
    assert found["3"].supersedes == ("2",)
    assert found["3"].status == "accepted"
    assert found["4"].supersedes == found["4"].superseded_by == found["3"].superseded_by == ()


def test_a_record_superseded_by_one_that_is_gone_stays_superseded() -> None:
    """adr-tools writes "Superseded by" in place of the status: when that record was
    deleted, the link is reported and the status stays superseded, not unknown."""
    files = dict(ADR_TOOLS)
    del files["doc/adr/0003-use-postgresql.md"]
    _, decisions, warnings = scan(files)
    found = by_id(decisions)
    assert found["2"].status == "superseded"
    assert found["2"].superseded_by == ()
    assert warnings == [
        "doc/adr/0002-use-sqlite-for-storage.md: "
        "unresolved supersession link '0003-use-postgresql.md'"
    ]


def test_mentions_come_from_code_spans_relative_links_and_text() -> None:
    """Code spans and relative links become repository paths; URLs and ADR links do not."""
    found = by_id(scan(ADR_TOOLS)[1])
    assert found["2"].mentions == ("services/store/", "services/store/schema.sql")
    assert found["3"].mentions == ("services/store/db.py",)
    assert found["1"].mentions == ()
    assert link_targets(found["2"].mentions, ADR_TOOLS, ["services/store"])[0] == [
        "services/store/db.py",
        "services/store/schema.sql",
    ]


MADR2: Files = {
    "docs/adr/0001-use-markdown-architectural-decision-records.md": text("""
# Use Markdown Architectural Decision Records

* Status: accepted
* Deciders: Ada Lovelace, Bob Builder <bob@example.test>
* Date: 2020-11-04

Technical Story: [#12](https://example.test/issues/12)

## Context and Problem Statement

We want to record architectural decisions made in this project.
"""),
    "docs/adr/0002-use-rest.md": text("""
# Use REST between services

* Status: superseded by [ADR-0003](0003-use-grpc.md)
* Deciders: Ada Lovelace
* Date: 2021-01-15

## Decision Outcome

Chosen option: "REST", because `api/openapi.yaml` already exists.
"""),
    "docs/adr/0003-use-grpc.md": text("""
# Use gRPC between services

* Status: accepted <!-- optional -->
* Deciders: [list everyone involved in the decision] <!-- optional -->
* Date: 2022-03-01

## Decision Outcome

Interfaces live in `api/proto/*.proto`.
"""),
    "docs/adr/index.md": b"# Decision log\n\n* [ADR-0001](0001-x.md)\n",
    "api/openapi.yaml": b"",
    "api/proto/search.proto": b"",
}


def test_madr2_bullets() -> None:
    """MADR 2 bullets under the H1 give status, deciders, date and superseded-by links."""
    dirs, decisions, warnings = scan(MADR2)
    assert (dirs, warnings) == (["docs/adr"], [])
    found = by_id(decisions)
    assert set(found) == {"1", "2", "3"}
    assert found["1"].deciders == ("Ada Lovelace", "Bob Builder <bob@example.test>")
    assert found["1"].date == "2020-11-04"
    assert (found["2"].status, found["2"].status_raw) == ("superseded", "superseded by ADR-0003")
    assert found["2"].superseded_by == ("3",)
    assert found["3"].supersedes == ("2",)
    assert found["3"].deciders == ()
    assert found["3"].status_raw == "accepted"
    assert found["3"].mentions == ("api/proto/*.proto",)
    assert link_targets(found["3"].mentions, MADR2, ())[0] == ["api/proto/search.proto"]


MADR3: Files = {
    "docs/decisions/0000-use-markdown-any-decision-records.md": text("""
---
status: accepted
date: 2022-09-26
deciders: Ada, Cy
---
# Use Markdown Any Decision Records

## Context and Problem Statement
"""),
    "docs/decisions/0001-use-keycloak.md": text("""
---
status: proposed
date: 2023-01-10
deciders:
  - Ada
  - Dee
---
# Use Keycloak for authentication
"""),
    "docs/decisions/adr-template.md": text("""
---
status: "{proposed | rejected | accepted | deprecated}"
---
# {short title of solved problem and solution}
"""),
    "docs/decisions/README.md": b"# Decisions\n",
}


def test_madr3_front_matter_with_deciders() -> None:
    """MADR 3 front matter gives status, date and deciders (string or list); 0000 is id 0."""
    dirs, decisions, warnings = scan(MADR3)
    assert (dirs, warnings) == (["docs/decisions"], [])
    assert [(d.id, d.status, d.date, d.deciders) for d in decisions] == [
        ("0", "accepted", "2022-09-26", ("Ada", "Cy")),
        ("1", "proposed", "2023-01-10", ("Ada", "Dee")),
    ]


MADR4: Files = {
    "docs/decisions/0004-use-redis-for-sessions.md": text("""
---
status: "superseded by ADR-0005"
date: 2024-05-01
decision-makers: Ada, Bob
consulted: Cy
informed: [Dee, Eve]
---
# Use Redis for sessions

## Context and Problem Statement

Sessions live in `web/session.ts`.
"""),
    "docs/decisions/0005-use-signed-cookies.md": text("""
---
status: "accepted"
date: 2024-09-17
decision-makers: Bob
---
# Use signed cookies for sessions
"""),
}


def test_madr4_front_matter_with_decision_makers() -> None:
    """MADR 4 gives decision-makers, consulted, informed and "superseded by ADR-0005"."""
    _, decisions, warnings = scan(MADR4)
    assert warnings == []
    found = by_id(decisions)
    old = found["4"]
    assert (old.status, old.status_raw, old.date) == (
        "superseded",
        "superseded by ADR-0005",
        "2024-05-01",
    )
    assert (old.deciders, old.consulted, old.informed) == (("Ada", "Bob"), ("Cy",), ("Dee", "Eve"))
    assert old.superseded_by == ("5",)
    assert found["5"].supersedes == ("4",)
    assert old.mentions == ("web/session.ts",)


LOG4BRAINS: Files = {
    ".log4brains.yml": text("""
---
project:
  name: shop
  tz: Europe/Paris
  adrFolder: ./docs/architecture
  packages:
    - name: payments
      path: ./packages/payments
      adrFolder: ./packages/payments/adr
"""),
    "docs/architecture/20240105-use-log4brains.md": text("""
# Use Log4brains to manage the ADRs

- Status: accepted
- Date: 2024-01-05
- Tags: doc

## Context and Problem Statement
"""),
    "docs/architecture/20240301-use-kafka.md": text("""
# Use Kafka for events

- Deciders: Ada, Bob

## Decision Outcome

Producers live in `packages/payments/src/events.ts`.
"""),
    "docs/architecture/20240601-use-nats.md": text("""
# Use NATS for events

- Status: proposed
- Date: 2024-06-01

## Links

- Supersedes [20240301-use-kafka](20240301-use-kafka.md)
"""),
    "packages/payments/adr/20240410-use-stripe.md": text("""
# Use Stripe

- Status: maybe later
"""),
    "packages/payments/src/events.ts": b"",
    "docs/adr/0001-ignored.md": b"# 1. Not read: log4brains names the folders\n",
}


def test_log4brains_folders_slugs_and_default_statuses() -> None:
    """log4brains: folders from .log4brains.yml, slugs as ids, no status is accepted, an
    unknown status is draft, and "## Links" supersedes items are read."""
    dirs, decisions, warnings = scan(LOG4BRAINS)
    assert dirs == ["docs/architecture", "packages/payments/adr"]
    assert warnings == []
    found = by_id(decisions)
    assert list(found) == [
        "20240105-use-log4brains",
        "20240301-use-kafka",
        "20240601-use-nats",
        "20240410-use-stripe",
    ]
    kafka = found["20240301-use-kafka"]
    assert (kafka.status, kafka.status_raw, kafka.deciders) == ("accepted", "", ("Ada", "Bob"))
    assert kafka.date == "2024-03-01"
    assert kafka.superseded_by == ("20240601-use-nats",)
    assert found["20240601-use-nats"].supersedes == ("20240301-use-kafka",)
    stripe = found["20240410-use-stripe"]
    assert (stripe.status, stripe.status_raw) == ("draft", "maybe later")


def test_broken_log4brains_config_means_the_default_folder() -> None:
    """An unreadable .log4brains.yml still says log4brains: its default ./docs/adr is used.
    It speaks for web/ only (adr/0027): web/decisions is not probed, the top's is."""
    files = {
        "web/.log4brains.yml": b"project: [unclosed\n",
        "web/docs/adr/20240105-use-vite.md": b"# Use Vite\n",
        "web/decisions/0001-ignored.md": b"# 1. Ignored\n",
        "decisions/0001-read.md": b"# 1. Read\n",
    }
    dirs, decisions, warnings = scan(files)
    assert dirs == ["decisions", "web/docs/adr"]
    assert [(d.id, d.status) for d in decisions] == [
        ("1", "unknown"),
        ("20240105-use-vite", "accepted"),
    ]
    assert warnings == []


def test_status_headings_and_links_inside_status_text() -> None:
    """Status headings ("## Status: X"), linked front matter statuses and "supersedes" links
    inside a status text are read."""
    files = {
        "docs/decisions/0004-a.md": text("""
---
status: "superseded by [ADR-0005](0005-b.md)"
---
# A
"""),
        "docs/decisions/0005-b.md": b"# B\n\n## Status: Accepted\n\n## Context\n\nNone.\n",
        "docs/decisions/0006-c.md": text("""
# ADR-0006: C

* Status: accepted, supersedes [ADR-4](0004-a.md)
"""),
    }
    _, decisions, warnings = scan(files)
    assert warnings == []
    assert [(d.id, d.title, d.status, d.supersedes, d.superseded_by) for d in decisions] == [
        ("4", "A", "superseded", (), ("5", "6")),
        ("5", "B", "accepted", ("4",), ()),
        ("6", "C", "accepted", ("4",), ()),
    ]


DECREE: Files = {
    "doc/adr/0001-record-architecture-decisions.md": text("""
# 1: Record architecture decisions

Date: 2024-01-02

Status: Accepted
"""),
    "doc/adr/0002-use-json-logs.md": text("""
# 2: Use JSON logs

Date: 2024-02-03

Status: Superseded
Is superseded by: 0003
"""),
    "doc/adr/0003-use-otel-logs.md": text("""
# 3: Use OpenTelemetry logs

Date: 2024-03-04

Status: Accepted
Supersedes: 0002
"""),
}


def test_decree_status_and_supersedes_lines() -> None:
    """decree's "N: Title", "Status:" lines and "Supersedes:" / "Is superseded by:" lines."""
    _, decisions, warnings = scan(DECREE)
    assert warnings == []
    assert [(d.id, d.title, d.status, d.date) for d in decisions] == [
        ("1", "Record architecture decisions", "accepted", "2024-01-02"),
        ("2", "Use JSON logs", "superseded", "2024-02-03"),
        ("3", "Use OpenTelemetry logs", "accepted", "2024-03-04"),
    ]
    assert (decisions[1].superseded_by, decisions[2].supersedes) == (("3",), ("2",))


MONOREPO: Files = {
    "services/billing/docs/adr/0001-use-stripe.md": b"# 1. Use Stripe\n\n## Status\n\nAccepted\n",
    "services/billing/docs/adr/0002-use-adyen.md": text("""
# 2. Use Adyen

## Status

Accepted

Supercedes [1. Use Stripe](0001-use-stripe.md)
"""),
    "services/search/docs/adr/0001-use-opensearch.md": b"# 1. Use OpenSearch\n\nStatus: Accepted\n",
    "services/search/docs/adr/0002-shard-by-tenant.md": b"# 2. Shard by tenant\n\nStatus: Draft\n",
    "tools/decisions/use-bazel.md": b"# Use Bazel\n\nStatus: rejected\n",
    "node_modules/pkg/docs/adr/0001-vendored.md": b"# 1. Vendored\n",
}


def test_monorepo_folders_are_all_found_and_clashing_ids_qualified() -> None:
    """Each service's docs/adr is found; folders sharing numbers get "<folder>:<n>" ids."""
    dirs, decisions, warnings = scan(MONOREPO)
    assert dirs == ["services/billing/docs/adr", "services/search/docs/adr", "tools/decisions"]
    assert warnings == []
    assert [d.id for d in decisions] == [
        "services/billing/docs/adr:1",
        "services/billing/docs/adr:2",
        "services/search/docs/adr:1",
        "services/search/docs/adr:2",
        "use-bazel",
    ]
    found = by_id(decisions)
    assert found["services/billing/docs/adr:1"].superseded_by == ("services/billing/docs/adr:2",)
    assert found["services/search/docs/adr:1"].superseded_by == ()
    assert found["services/search/docs/adr:2"].status == "draft"
    assert found["use-bazel"].folder == "tools/decisions"


def test_candidates_are_probed_at_the_root() -> None:
    """Every candidate folder name is probed at the repository root."""
    for candidate in ADR_DIR_CANDIDATES:
        files = {f"{candidate}/0001-a.md": b"# 1. A\n", "src/main.py": b""}
        assert find_adr_dirs(files, files.get) == [candidate]


def test_adr_dir_file_wins_over_probing() -> None:
    """An .adr-dir file names the folder relative to itself; probed folders are then ignored."""
    files = {
        "platform/.adr-dir": b"../architecture/./records\n",
        "architecture/records/0001-use-go.md": b"# 1. Use Go\n\n## Status\n\nAccepted\n",
        "docs/adr/0001-old.md": b"# 1. Old\n",
    }
    dirs, decisions, _ = scan(files)
    assert dirs == ["architecture/records"]
    assert [(d.id, d.folder) for d in decisions] == [("1", "architecture/records")]


def test_a_package_adr_dir_leaves_the_rest_of_the_repository_probed() -> None:
    """A monorepo package's `.adr-dir` speaks for the package: the repository's own
    docs/adr was not read at all once a package declared its folder."""
    files = {
        "services/pay/.adr-dir": b"doc/adr\n",
        "services/pay/doc/adr/0001-use-stripe.md": b"# 1. Use Stripe\n\n## Status\n\nAccepted\n",
        "services/pay/docs/adr/0001-stale.md": b"# 1. Stale\n",
        "docs/adr/0001-use-go.md": b"# 1. Use Go\n\n## Status\n\nAccepted\n",
    }
    dirs, decisions, _ = scan(files)
    assert dirs == ["docs/adr", "services/pay/doc/adr"]
    assert [d.title for d in decisions] == ["Use Go", "Use Stripe"]


def test_configured_dirs_win_over_everything() -> None:
    """Configured folders are used alone; ones without an ADR file are dropped."""
    files = {
        ".adr-dir": b"doc/adr\n",
        "doc/adr/0001-a.md": b"# 1. A\n",
        "design/records/0001-b.md": b"# 1. B\n",
        "empty/notes.txt": b"",
    }
    assert find_adr_dirs(files, files.get, ["./design/records/", "empty", "missing"]) == [
        "design/records"
    ]
    assert find_adr_dirs(files, files.get) == ["doc/adr"]


def test_templates_indexes_and_readmes_are_skipped_and_categories_read() -> None:
    """Template, index, README and backlog files and templates/ are skipped; MADR category
    subfolders are read, and their local numbers are told apart by path."""
    files = {
        "docs/decisions/template.md": b"# NUMBER. TITLE\n",
        "docs/decisions/adr-template-bare.md": b"# Title\n",
        "docs/decisions/INDEX.md": b"# Index\n",
        "docs/decisions/Readme.markdown": b"# Readme\n",
        "docs/decisions/backlog.md": b"# Backlog\n",
        "docs/decisions/templates/custom.md": b"# Custom\n",
        "docs/decisions/backend/0001-use-java.md": b"# Use Java\n",
        "docs/decisions/frontend/0001-use-react.md": b"# Use React\n",
        "docs/decisions/0002-monorepo.md": b"# Monorepo\n",
        "docs/decisions/diagram.png": b"\x89PNG",
    }
    _, decisions, warnings = scan(files)
    assert warnings == []
    assert [d.id for d in decisions] == ["2", "backend/0001-use-java", "frontend/0001-use-react"]


def test_duplicate_numbers_in_one_directory_are_kept_and_reported() -> None:
    """Two files with one number in one directory both stay, with a warning."""
    files = {
        "adr/0007-use-kafka.md": b"# 7. Use Kafka\n",
        "adr/0007-use-nats.md": b"# 7. Use NATS\n",
        "adr/0008-x.md": b"# 8. X\n\nSupersedes: 0007-use-nats.md\n",
    }
    _, decisions, warnings = scan(files)
    assert [d.id for d in decisions] == ["8", "0007-use-kafka", "0007-use-nats"]
    assert warnings == ["adr/0007-use-nats.md: decision id 7 is also used by adr/0007-use-kafka.md"]
    assert by_id(decisions)["0007-use-nats"].superseded_by == ("8",)


def test_broken_front_matter_warns_and_the_body_is_still_read() -> None:
    """Broken YAML front matter is one warning naming the file; title and status come from
    the body."""
    files = {
        "docs/adr/0001-broken.md": text("""
---
status: [accepted
date: 2024-05-01
---
# Use a broken header

## Status

Accepted
"""),
        "docs/adr/0002-list.md": b"---\n- just\n- a list\n---\n# A list\n",
        "docs/adr/0003-fine.md": b"---\nstatus: rejected\n---\n# Fine\n",
    }
    _, decisions, warnings = scan(files)
    assert [(d.id, d.title, d.status) for d in decisions] == [
        ("1", "Use a broken header", "accepted"),
        ("2", "A list", "unknown"),
        ("3", "Fine", "rejected"),
    ]
    assert len(warnings) == 2
    assert warnings[0].startswith("docs/adr/0001-broken.md: invalid front matter (")
    assert warnings[1] == "docs/adr/0002-list.md: invalid front matter (a list, not a mapping)"
    assert all("\n" not in warning for warning in warnings)


def test_binary_junk_is_skipped_with_a_warning_and_the_rest_read() -> None:
    """NUL bytes, bytes that are not UTF-8 and oversized files are warnings, not crashes."""
    files = {
        "doc/adr/0001-junk.md": b"\x00\x01\x02PK\x03\x04",
        "doc/adr/0002-latin1.md": "# 2. Café\n".encode("latin-1"),
        "doc/adr/0003-huge.md": b"# 3. Huge\n" + b"x" * (1 << 20),
        "doc/adr/0004-fine.md": "\ufeff# 4. Fine\r\n\r\nStatus: Accepted\r\n".encode(),
    }
    _, decisions, warnings = scan(files)
    assert [(d.id, d.title, d.status) for d in decisions] == [("4", "Fine", "accepted")]
    assert warnings == [
        "doc/adr/0001-junk.md: skipped: binary content (NUL byte)",
        "doc/adr/0002-latin1.md: skipped: not UTF-8 (invalid byte at offset 8)",
        f"doc/adr/0003-huge.md: skipped: larger than 1 MiB ({(1 << 20) + 10} bytes)",
    ]


def test_a_file_without_a_title_is_skipped_with_a_warning() -> None:
    """A record with no H1 is left out with a "no title" warning; the others are read."""
    files = {
        "doc/adr/0001-untitled.md": b"## Status\n\nAccepted\n",
        "doc/adr/0002-number-only.md": b"# 2.\n",
        "doc/adr/0003-titled.md": b"Use tabs\n========\n",
    }
    _, decisions, warnings = scan(files)
    assert [(d.id, d.title) for d in decisions] == [("3", "Use tabs")]
    assert warnings == [
        "doc/adr/0001-untitled.md: no title",
        "doc/adr/0002-number-only.md: no title",
    ]


def test_unresolved_links_are_reported() -> None:
    """A supersession link naming no decision is dropped with a warning."""
    files = {"adr/0002-b.md": b"# 2. B\n\n## Status\n\nSupercedes [1. A](0001-a.md)\n"}
    _, decisions, warnings = scan(files)
    assert decisions[0].supersedes == ()
    assert warnings == ["adr/0002-b.md: unresolved supersession link '0001-a.md'"]


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(content=st.one_of(st.binary(max_size=600), st.text(max_size=600).map(str.encode)))
def test_arbitrary_content_never_raises(content: bytes) -> None:
    """Whatever bytes an ADR file holds, reading returns decisions and warnings, never raises."""
    files = {
        "docs/adr/0001-fuzzed.md": content,
        "docs/adr/0002-fine.md": b"---\nstatus: accepted\n---\n# Fine\n",
    }
    decisions, warnings = read_decisions(["docs/adr"], files, files.get)
    assert "2" in {d.id for d in decisions}
    assert all("\n" not in warning for warning in warnings)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(
    lines=st.lists(
        st.sampled_from(
            [
                "---",
                "status: accepted",
                "date: 2024-13-45",
                "# 1. Title",
                "## Status",
                "Superceded by [2. X](0002-x.md)",
                "* Status: superseded by [ADR-0005](0005-x.md)",
                "- Deciders: [a], b; c",
                "Supersedes: 0001",
                "`services/*`",
                "[x](../../../../etc)",
                "&amp; <b>",
                "> > > - [",
                "    code",
                "```",
            ]
        ),
        max_size=25,
    )
)
def test_arbitrary_markdown_structure_never_raises(lines: list[str]) -> None:
    """Shuffled ADR fragments (front matter, statuses, links) never make reading raise."""
    files = {"docs/adr/0001-mix.md": "\n".join(lines).encode(), "docs/adr/0002-x.md": b"# X\n"}
    decisions, warnings = read_decisions(["docs/adr"], files, files.get)
    assert "2" in {d.id for d in decisions}
    assert all("\n" not in warning for warning in warnings)


def test_placeholder_deciders_name_nobody() -> None:
    """What `adr new` writes when no one was named ("unknown"), and templates' braces, are
    not people: `adr list` showed a decider called "unknown"."""
    files: Files = {
        "docs/adr/0001-record-architecture-decisions.md": text("""
---
status: accepted
decision-makers: unknown
---
# Record architecture decisions
"""),
        "docs/adr/0002-use-queues.md": text("""
---
status: accepted
decision-makers: ["{list everyone involved in the decision}", Ada, TBD]
---
# Use queues
"""),
    }
    found = by_id(scan(files)[1])
    assert found["1"].deciders == ()
    assert found["2"].deciders == ("Ada",)
