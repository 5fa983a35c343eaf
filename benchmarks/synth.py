#!/usr/bin/env python3
"""Generate a deterministic synthetic git repository for benchmarking `busfactor scan`.

The whole history is produced in Python as one `git fast-import` stream and piped into a single
git process (no per-commit git processes), then the working tree is checked out. With the
defaults (50,000 commits, 10,000 files at HEAD, 300 people) it takes well under two minutes.

What the history contains (all of it reproducible from ``--seed``):

* people with Zipf-like activity and limited active windows over ~6 years; a few of them commit
  under several emails/names that a ``.mailmap`` merges; two bots (``dependabot[bot]``,
  ``pre-commit-ci[bot]``) touching dependency / CI files;
* per-author home packages (``src/<pkg>``, ``tests/<pkg>``), a ``docs/`` tree (a few non-ASCII
  and space-containing names), binary files under ``assets/`` and a ``vendor/`` directory that is
  imported and updated in bulk;
* adds, modifications, deletes and re-adds of deleted paths, single-file renames (exact ones,
  and ones with small/moderate edits so that ``git log -M`` pairs them by similarity),
  directory moves (leaf directories and whole packages);
* every ~50 commits a short feature branch (2-5 commits, possibly with renames and deletes)
  while the main line moves on, merged back with a merge commit (so the history is a DAG).

Usage: ``python benchmarks/synth.py [--commits N] [--files N] [--people N] [--seed N] OUTPUT_DIR``
(``--commits`` counts every commit, merges included).
"""

from __future__ import annotations

import argparse
import heapq
import os
import random
import subprocess
import sys
import time
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO

EPOCH0 = 1_546_300_800  # 2019-01-01T00:00:00Z
SPAN = int(6 * 365.25 * 86400)  # ~6 years
MAX_LINES = 160
FLUSH_BYTES = 1 << 20

WORDS = (
    "alpha", "anchor", "atlas", "beacon", "binder", "bridge", "cache", "canvas", "cipher",
    "cluster", "codec", "comet", "config", "cursor", "delta", "digest", "driver", "engine",
    "event", "fabric", "filter", "flux", "forge", "frame", "gamma", "gateway", "graph", "harbor",
    "helper", "index", "kernel", "ledger", "lexer", "matrix", "mesh", "meter", "mirror", "module",
    "nexus", "orbit", "packet", "parser", "pilot", "pipe", "pivot", "planner", "portal", "prism",
    "probe", "pulse", "quartz", "queue", "radar", "relay", "render", "router", "sampler", "schema",
    "sensor", "shard", "signal", "socket", "spark", "spool", "stack", "stream", "switch", "syntax",
    "tensor", "token", "tracer", "vector", "vertex", "widget", "worker", "yield", "zenith",
)  # fmt: skip
FIRST_NAMES = (
    "Ada", "Alan", "Amara", "Anders", "Aoife", "Bea", "Bilal", "Carlos", "Chen", "Dana", "Dmitri",
    "Elena", "Emeka", "Fatima", "Grace", "Hana", "Hiro", "Ines", "Ivan", "Jamal", "José", "Kai",
    "Karin", "Lars", "Leila", "Li", "Lukas", "Łukasz", "Maya", "Mei", "Nadia", "Noah", "Olga",
    "Omar", "Priya", "Quinn", "Rafael", "Rosa", "Sven", "Tariq", "Uma", "Vera", "Wei", "Yuki",
    "Zoë", "Zanele",
)  # fmt: skip
LAST_NAMES = (
    "Abe", "Adeyemi", "Bauer", "Becker", "Costa", "Dubois", "Dvořák", "Eriksen", "Fischer",
    "García", "Gupta", "Haddad", "Hansen", "Ito", "Jensen", "Kim", "Kowalski", "Larsen", "Lee",
    "Mendes", "Meyer", "Müller", "Nakamura", "Nguyen", "Novak", "Okafor", "Olsen", "Park",
    "Petrov", "Quispe", "Rossi", "Sato", "Schmidt", "Silva", "Singh", "Smith", "Tanaka", "Van Dijk",
    "Wagner", "Wang", "Yilmaz", "Zhang",
)  # fmt: skip
DOMAINS = ("example.com", "example.org", "mail.test", "dev.example.net")
BOTS = (
    ("dependabot[bot]", "49699333+dependabot[bot]@users.noreply.github.com"),
    ("pre-commit-ci[bot]", "66853113+pre-commit-ci[bot]@users.noreply.github.com"),
)
VERBS = ("Fix", "Add", "Refactor", "Improve", "Update", "Clean up", "Document", "Speed up", "Test")
PNG_HEADER = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"
REQUIREMENTS = ("requirements/base.txt", "requirements/dev.txt", "requirements/docs.txt")
WORKFLOWS = (".github/workflows/ci.yml", ".github/workflows/release.yml")
PRECOMMIT = ".pre-commit-config.yaml"
CHANGES = "CHANGES.md"

Content = list[str] | bytes


@dataclass
class Person:
    name: str
    emails: list[str]
    names: list[str]  # display name used with each email (aliases may spell it differently)
    weight: float
    start: float  # active window, as fractions of the history
    end: float
    home: str = ""  # area key of the home package ("src/<pkg>")
    bot: bool = False
    commits: int = 0


@dataclass
class Branch:
    """Net effect of an open feature branch relative to the commit it forked from."""

    origin: dict[str, str | None] = field(default_factory=dict)  # current path -> base path
    deleted: list[str] = field(default_factory=list)  # base paths deleted on the branch

    def touch(self, path: str) -> None:
        self.origin.setdefault(path, path)


class IndexedSet:
    """A set with O(1) add, remove and random choice."""

    __slots__ = ("items", "pos")

    def __init__(self) -> None:
        self.items: list[str] = []
        self.pos: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.items)

    def add(self, item: str) -> None:
        if item not in self.pos:
            self.pos[item] = len(self.items)
            self.items.append(item)

    def remove(self, item: str) -> None:
        i = self.pos.pop(item)
        last = self.items.pop()
        if i < len(self.items):
            self.items[i] = last
            self.pos[last] = i

    def pick(self, rng: random.Random, skew: float = 1.0) -> str:
        """A random item; skew > 1 favours the front of the list (older, 'hot' items)."""
        r = rng.random()
        if skew != 1.0:
            r **= skew
        return self.items[int(len(self.items) * r)]


def area_of(path: str) -> str:
    parts = path.split("/", 2)
    return f"{parts[0]}/{parts[1]}" if len(parts) == 3 else parts[0] if len(parts) == 2 else "."


def dir_of(path: str) -> str:
    return path.rpartition("/")[0]


def fi_path(path: str) -> bytes:
    """A path as fast-import wants it (C-style quoted when it contains a space or quote)."""
    if any(c in path for c in ' "\\\n') or path.startswith('"'):
        esc = path.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
        return f'"{esc}"'.encode()
    return path.encode()


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(c for c in ascii_text.lower() if c.isalnum())


class Generator:
    def __init__(self, commits: int, files: int, people: int, seed: int) -> None:
        self.n_commits = commits
        self.n_files = files
        self.rng = random.Random(seed)
        self.counter = 0
        self.mark = 0
        self.emitted = 0
        self.clock = float(EPOCH0)
        self.mean_gap = SPAN / max(commits, 1)
        self.buf: list[bytes] = []
        self.buf_bytes = 0
        self.total_bytes = 0
        self.out: BinaryIO | None = None  # the fast-import stdin
        # repository state (main line plus any open feature branch; they never overlap)
        self.files: dict[str, Content] = {}
        self.all = IndexedSet()
        self.by_area: dict[str, IndexedSet] = {}
        self.by_dir: dict[str, set[str]] = {}
        self.deleted: list[str] = []
        self.protected: set[str] = set()
        self.stats = dict.fromkeys(
            ("merges", "adds", "readds", "modifies", "deletes", "renames", "dirmoves", "bots"), 0
        )
        self._make_layout()
        self._make_people(people)

    # ------------------------------------------------------------------ set-up
    def _name(self, word: str | None = None) -> str:
        self.counter += 1
        return f"{word or self.rng.choice(WORDS)}_{self.counter}"

    def _make_layout(self) -> None:
        rng = self.rng
        n_pkgs = max(3, self.n_files // 400)
        words = list(WORDS)
        rng.shuffle(words)
        self.pkgs = [f"src/{w}" for w in words[:n_pkgs]]
        if n_pkgs > len(words):
            self.pkgs += [f"src/{self._name()}" for _ in range(n_pkgs - len(words))]
        self.topics = [f"docs/{self._name('guide')}" for _ in range(max(2, self.n_files // 2000))]
        self.vendor_libs = ["vendor/libyaml", "vendor/zstd"]

    def _make_people(self, n: int) -> None:
        rng = self.rng
        n_bots = len(BOTS) if n >= 10 else 0
        n_humans = max(1, n - n_bots)
        combos = [(f, la) for f in FIRST_NAMES for la in LAST_NAMES]
        rng.shuffle(combos)
        humans: list[Person] = []
        for rank in range(n_humans):
            first, last = combos[rank % len(combos)]
            name = f"{first} {last}" if rank < len(combos) else f"{first} {last} {rank}"
            email = f"{slug(first)}.{slug(last)}{rank}@{rng.choice(DOMAINS)}"
            core = rank < 5
            start = 0.0 if core else rng.uniform(0.0, 0.9)
            end = 1.0 if core else min(1.0, start + rng.uniform(0.03, 0.6))
            weight = 1.0 / (rank + 1) ** 1.1
            home = self.pkgs[rng.randrange(len(self.pkgs))]
            humans.append(Person(name, [email], [name], weight, start, end, home))
        # a few people commit under several identities; .mailmap merges them
        n_alias = min(n_humans, max(1, n_humans // 40))
        mailmap = ["# Canonical name and email first, then the alias."]
        for p in rng.sample(humans[:60], min(n_alias, len(humans[:60]))):
            first, _, last = p.name.partition(" ")
            variants = [
                (p.name, f"{slug(first)}@corp{rng.randrange(9)}.example"),
                (f"{first[0]}. {last}", f"{slug(first)}{slug(last)}@old.example"),
                (slug(first), f"{slug(first)}@laptop.local"),
            ]
            for alias_name, alias_email in variants[: rng.randint(1, 3)]:
                p.names.append(alias_name)
                p.emails.append(alias_email)
                mailmap.append(f"{p.name} <{p.emails[0]}> {alias_name} <{alias_email}>")
        self.mailmap = mailmap
        self.humans = humans
        self.maintainers = humans[: min(3, len(humans))]
        self.cum_weights: list[float] = []
        total = 0.0
        for p in humans:
            total += p.weight
            self.cum_weights.append(total)
        self.bots = [
            Person(bn, [be], [bn], 0.0, 0.3 + 0.2 * i, 1.0, bot=True)
            for i, (bn, be) in enumerate(BOTS[:n_bots])
        ]
        # everybody commits at least once: a debut no earlier than their window's start
        self.human_debuts = [(int(p.start * self.n_commits), i) for i, p in enumerate(humans)]
        heapq.heapify(self.human_debuts)
        self.bot_debuts = [(int(p.start * self.n_commits), i) for i, p in enumerate(self.bots)]
        heapq.heapify(self.bot_debuts)

    # ------------------------------------------------------------------ content
    def _line(self) -> str:
        rng = self.rng
        a, b = rng.choice(WORDS), rng.choice(WORDS)
        return f"{a}_{rng.getrandbits(32):08x} = {b}({rng.getrandbits(16)})"

    def _text(self, lo: int = 8, hi: int = 60) -> list[str]:
        return [self._line() for _ in range(self.rng.randint(lo, hi))]

    def _binary(self) -> bytes:
        return PNG_HEADER + self.rng.randbytes(self.rng.randint(200, 2000))

    def _mutate(self, lines: list[str], edits: int) -> None:
        rng = self.rng
        for _ in range(edits):
            n = len(lines)
            r = rng.random()
            if r < 0.6 and n:
                lines[rng.randrange(n)] = self._line()
            elif r < 0.9 or n < 6:
                lines.insert(rng.randrange(n + 1), self._line())
            else:
                del lines[rng.randrange(n)]
        while len(lines) > MAX_LINES:
            del lines[rng.randrange(len(lines))]

    @staticmethod
    def _render(content: Content) -> bytes:
        if isinstance(content, bytes):
            return content
        return ("\n".join(content) + "\n").encode()

    # ------------------------------------------------------------------ state
    def _add_state(self, path: str, content: Content) -> None:
        self.files[path] = content
        self.all.add(path)
        self.by_area.setdefault(area_of(path), IndexedSet()).add(path)
        self.by_dir.setdefault(dir_of(path), set()).add(path)

    def _del_state(self, path: str) -> Content:
        content = self.files.pop(path)
        self.all.remove(path)
        self.by_area[area_of(path)].remove(path)
        d = dir_of(path)
        self.by_dir[d].discard(path)
        if not self.by_dir[d]:
            del self.by_dir[d]
        return content

    # ------------------------------------------------------------------ file ops (-> fast-import)
    @staticmethod
    def _op_m(path: str, data: bytes) -> bytes:
        return b"M 100644 inline %s\ndata %d\n%s\n" % (fi_path(path), len(data), data)

    def op_modify(self, path: str, edits: int | None = None) -> bytes:
        content = self.files[path]
        if isinstance(content, bytes):
            content = self.files[path] = self._binary()
        else:
            self._mutate(content, edits or 1 + int(self.rng.expovariate(0.8)))
        self.stats["modifies"] += 1
        return self._op_m(path, self._render(content))

    def op_add(self, path: str, content: Content) -> bytes:
        self._add_state(path, content)
        self.stats["adds"] += 1
        return self._op_m(path, self._render(content))

    def op_delete(self, path: str) -> bytes:
        self._del_state(path)
        self.stats["deletes"] += 1
        return b"D %s\n" % fi_path(path)

    def op_rename(self, old: str, new: str) -> list[bytes]:
        """Rename; most renames also edit the file a little (git -M pairs them by similarity)."""
        content = self._del_state(old)
        self._add_state(new, content)
        self.stats["renames"] += 1
        ops = [b"R %s %s\n" % (fi_path(old), fi_path(new))]
        r = self.rng.random()
        if isinstance(content, list) and r < 0.6:  # else: exact rename (R100)
            edits = 1 + self.rng.randrange(3) if r < 0.45 else max(2, len(content) // 4)
            self._mutate(content, edits)
            ops.append(self._op_m(new, self._render(content)))
        return ops

    # ------------------------------------------------------------------ choices
    def _who(self, index: int) -> Person:
        """Author of a non-merge, non-bot commit: a pending debut, else an active person."""
        rng = self.rng
        while self.human_debuts and self.human_debuts[0][0] <= index:
            _, i = heapq.heappop(self.human_debuts)
            if self.humans[i].commits == 0:
                return self.humans[i]
        frac = index / max(self.n_commits, 1)
        for _ in range(30):
            p = rng.choices(self.humans, cum_weights=self.cum_weights)[0]
            if p.start <= frac <= p.end:
                return p
        return self.maintainers[rng.randrange(len(self.maintainers))]

    def _pick(self, person: Person, exclude: set[str] | dict[str, str | None] | None) -> str | None:
        rng = self.rng
        for _ in range(12):
            r = rng.random()
            if r < 0.5 and len(self.by_area.get(person.home, ())):
                path = self.by_area[person.home].pick(rng, 1.6)
            elif r < 0.62 and len(self.by_area.get("tests/" + person.home[4:], ())):
                path = self.by_area["tests/" + person.home[4:]].pick(rng, 1.6)
            else:
                path = self.all.pick(rng, 1.3)
                if path.startswith("vendor/") and rng.random() < 0.9:
                    continue
            if path != ".mailmap" and (exclude is None or path not in exclude):
                return path
        return None

    def _new_path(self, home: str) -> tuple[str, Content]:
        """Where a new file goes (a re-add of a deleted path now and then), and its content."""
        rng = self.rng
        if self.deleted and rng.random() < 0.15:
            i = rng.randrange(len(self.deleted))
            self.deleted[i], self.deleted[-1] = self.deleted[-1], self.deleted[i]
            path = self.deleted.pop()
            if path not in self.files:
                self.stats["readds"] += 1
                is_bin = path.endswith(".png")
                return path, self._binary() if is_bin else self._text()
        r = rng.random()
        if r < 0.02:
            return f"assets/{rng.choice(('icons', 'img'))}/{self._name()}.png", self._binary()
        if r < 0.12:
            topic = rng.choice(self.topics)
            if rng.random() < 0.03:
                return f"{topic}/guía de uso {self._name('résumé')}.md", self._text()
            return f"{topic}/{self._name()}.md", self._text()
        if r >= 0.75 or home not in self.pkgs:
            home = rng.choice(self.pkgs)
        if r < 0.3:
            return f"tests/{home[4:]}/test_{self._name()}.py", self._text()
        area = self.by_area.get(home)
        if area and len(area):
            d = dir_of(area.pick(rng))
            if len(self.by_dir.get(d, ())) >= 40 or rng.random() < 0.02:
                d = f"{home}/{self._name()}"
        else:
            d = f"{home}/{self._name()}"
        return f"{d}/{self._name()}.py", self._text()

    def _rename_target(self, old: str) -> str:
        rng = self.rng
        base = old.rpartition("/")[2]
        ext = base[base.rfind(".") :] if "." in base else ""
        prefix = "test_" if base.startswith("test_") else ""
        d = dir_of(old)
        if rng.random() < 0.4:  # move to another directory of the same tree
            other = self.by_area.get(rng.choice(self.pkgs))
            if old.startswith("src/") and other and len(other):
                d = dir_of(other.pick(rng))
        return f"{d}/{prefix}{self._name()}{ext}" if d else f"{prefix}{self._name()}{ext}"

    def _movable(self, path: str) -> bool:
        return path not in self.protected and not path.startswith("vendor/")

    # ------------------------------------------------------------------ stream
    def _tick(self) -> int:
        self.clock += self.rng.expovariate(1.0 / self.mean_gap)
        return int(self.clock)

    def _emit(
        self,
        ref: str,
        author: Person,
        when: int,
        msg: str,
        ops: list[bytes],
        committer: Person | None = None,
        commit_time: int | None = None,
        parent: int | None = None,
        merge: int | None = None,
    ) -> int:
        rng = self.rng
        k = rng.randrange(len(author.emails)) if len(author.emails) > 1 else 0
        ident = f"{author.names[k]} <{author.emails[k]}>"
        cident = ident if committer is None else f"{committer.names[0]} <{committer.emails[0]}>"
        author.commits += 1
        self.mark += 1
        self.emitted += 1
        msgb = msg.encode()
        head = (
            f"commit {ref}\nmark :{self.mark}\n"
            f"author {ident} {when} +0000\n"
            f"committer {cident} {commit_time or when} +0000\n"
            f"data {len(msgb)}\n"
        ).encode()
        parts = [head, msgb, b"\n"]
        if parent is not None:
            parts.append(b"from :%d\n" % parent)
        if merge is not None:
            parts.append(b"merge :%d\n" % merge)
        parts.extend(ops)
        parts.append(b"\n")
        chunk = b"".join(parts)
        self.buf.append(chunk)
        self.buf_bytes += len(chunk)
        if self.buf_bytes >= FLUSH_BYTES:
            self.flush()
        return self.mark

    def flush(self) -> None:
        if self.buf and self.out is not None:
            data = b"".join(self.buf)
            self.out.write(data)
            self.total_bytes += len(data)
        self.buf.clear()
        self.buf_bytes = 0

    # ------------------------------------------------------------------ commit kinds
    def _target_files(self) -> int:
        init = self._initial_count()
        return init + (self.n_files - init) * self.emitted // max(self.n_commits, 1)

    def _initial_count(self) -> int:
        return max(20, self.n_files // 20)

    def commit_initial(self) -> None:
        author = self.maintainers[0]
        ops = [
            self.op_add("README.md", self._text(20, 40)),
            self.op_add(CHANGES, ["# Changes", "", *self._text(3, 5)]),
            self.op_add("setup.cfg", self._text(15, 30)),
            self.op_add(".mailmap", self.mailmap),
            self.op_add(PRECOMMIT, self._text(10, 20)),
        ]
        ops += [self.op_add(p, self._text(5, 15)) for p in REQUIREMENTS + WORKFLOWS]
        self.protected = set(self.files)
        i = 0
        while len(self.files) < self._initial_count():
            path, content = self._new_path(self.pkgs[i % len(self.pkgs)])
            i += 1
            if path not in self.files:
                ops.append(self.op_add(path, content))
        t = self._tick()
        self.main_tip = self._emit("refs/heads/main", author, t, "Initial import", ops)

    def commit_regular(
        self,
        ref: str = "refs/heads/main",
        author: Person | None = None,
        when: int | None = None,
        branch: Branch | None = None,
        exclude: dict[str, str | None] | None = None,
        parent: int | None = None,
        structural: bool = True,
    ) -> int:
        """An ordinary commit: a few modifications, maybe adds / a delete / a rename."""
        rng = self.rng
        author = author or self._who(self.emitted)
        touched: dict[str, None] = {}  # insertion-ordered: str hashing is randomised per run
        ops: list[bytes] = []

        def touchable(path: str | None) -> bool:
            return (
                path is not None
                and path not in touched
                and (exclude is None or path not in exclude)
            )

        n_mod = 1
        while n_mod < 8 and rng.random() < 0.45:
            n_mod += 1
        for _ in range(n_mod):
            path = self._pick(author, exclude)
            if path is not None and touchable(path):
                if branch is not None:
                    branch.touch(path)
                touched[path] = None
                ops.append(self.op_modify(path))
        if rng.random() < 0.08 and touchable(CHANGES) and CHANGES in self.files:
            if branch is not None:
                branch.touch(CHANGES)
            touched[CHANGES] = None
            lines = self.files[CHANGES]
            assert isinstance(lines, list)
            lines.insert(2, f"- {rng.choice(VERBS)} {self._line()}")
            del lines[300:]
            ops.append(self._op_m(CHANGES, self._render(lines)))
        deficit = self._target_files() - len(self.files)
        if deficit > 0 and rng.random() < min(1.0, 0.2 + deficit / 20):
            for _ in range(rng.randint(1, min(deficit, 3 + deficit // 20))):
                path, content = self._new_path(author.home)
                if path in self.files or (exclude is not None and path in exclude):
                    continue
                touched[path] = None
                if branch is not None:
                    branch.origin[path] = None
                ops.append(self.op_add(path, content))
        if structural and rng.random() < 0.04:
            path = self._pick(author, exclude)
            if path is not None and touchable(path) and self._movable(path):
                touched[path] = None
                if branch is not None:
                    branch.touch(path)
                    base = branch.origin.pop(path)
                    if base is not None:
                        branch.deleted.append(base)
                else:
                    self.deleted.append(path)
                ops.append(self.op_delete(path))
        p_rename = 0.03 if branch is not None else 0.0065
        if structural and rng.random() < p_rename:
            path = self._pick(author, exclude)
            if path is not None and touchable(path) and self._movable(path):
                new = self._rename_target(path)
                touched[path] = touched[new] = None
                if branch is not None:
                    branch.touch(path)
                    branch.origin[new] = branch.origin.pop(path)
                ops += self.op_rename(path, new)
        while not ops:  # nothing applicable was found: add a file (always conflict-free)
            path, content = self._new_path(author.home)
            if path not in self.files:
                touched[path] = None
                if branch is not None:
                    branch.origin[path] = None
                ops.append(self.op_add(path, content))
        first = next(iter(touched), "things")
        msg = f"{rng.choice(VERBS)} {rng.choice(WORDS)} in {first.rpartition('/')[2]}"
        return self._emit(ref, author, when or self._tick(), msg, ops, parent=parent)

    def commit_bot(self, bot: Person) -> None:
        rng = self.rng
        if bot.name.startswith("dependabot"):
            path = rng.choice(REQUIREMENTS + WORKFLOWS)
            old, new = rng.randrange(30), rng.randrange(30, 60)
            msg = f"Bump {rng.choice(WORDS)} from 1.{old}.0 to 1.{new}.1"
        else:
            path = PRECOMMIT
            msg = "[pre-commit.ci] pre-commit autoupdate"
        ops = [self.op_modify(path, 1 + rng.randrange(2))]
        self.stats["bots"] += 1
        self.main_tip = self._emit("refs/heads/main", bot, self._tick(), msg, ops)

    def commit_vendor(self, lib: str, update: bool) -> None:
        rng = self.rng
        author = self.maintainers[rng.randrange(len(self.maintainers))]
        area = self.by_area.get(lib)
        ops: list[bytes] = []
        if not update or not area or not len(area):
            for _ in range(max(10, self.n_files // 100)):
                sub = rng.choice(("src", "include", "tests", "tools"))
                ext = ".h" if sub == "include" else ".c"
                path = f"{lib}/{sub}/{self._name()}{ext}"
                ops.append(self.op_add(path, self._text(30, 120)))
            msg = f"Vendor {lib.rpartition('/')[2]} {rng.randrange(1, 4)}.{rng.randrange(10)}.0"
        else:
            paths = rng.sample(area.items, max(1, len(area) // 3))
            ops = [self.op_modify(p, 2 + rng.randrange(6)) for p in paths]
            msg = f"Update vendored {lib.rpartition('/')[2]}"
        self.main_tip = self._emit("refs/heads/main", author, self._tick(), msg, ops)

    def commit_dirmove(self) -> None:
        """Rename a leaf directory (within or across packages) or a whole package."""
        rng = self.rng
        author = self.maintainers[rng.randrange(len(self.maintainers))]
        pkgs = [p for p in self.pkgs if len(self.by_area.get(p, ()))]
        if not pkgs:
            self.commit_regular()
            return
        pkg = rng.choice(pkgs)
        if rng.random() < 0.3:  # whole package: src/<a> -> src/<b>
            old, new = pkg, f"src/{self._name()}"
            i = self.pkgs.index(pkg)
            self.pkgs[i] = new
            for p in self.humans:
                if p.home == old:
                    p.home = new
        else:
            old = dir_of(self.by_area[pkg].pick(rng))
            dest_pkg = pkg if rng.random() < 0.6 else rng.choice(self.pkgs)
            new = f"{dest_pkg}/{self._name(old.rpartition('/')[2].partition('_')[0])}"
        prefix = old + "/"
        moved = [
            f for d in list(self.by_dir) if d == old or d.startswith(prefix) for f in self.by_dir[d]
        ]
        for path in sorted(moved):
            self._add_state(new + path[len(old) :], self._del_state(path))
        self.stats["dirmoves"] += 1
        self.stats["renames"] += len(moved)
        ops = [b"R %s %s\n" % (fi_path(old), fi_path(new))]
        msg = f"Move {old} to {new}"
        self.main_tip = self._emit("refs/heads/main", author, self._tick(), msg, ops)

    def feature_block(self, k: int, m: int) -> None:
        """k commits on a topic branch, m on main meanwhile, then a merge commit."""
        rng = self.rng
        fork = self.main_tip
        author = self._who(self.emitted)
        branch = Branch()
        times = sorted(self._tick() for _ in range(k + m))
        feature_slots = set(rng.sample(range(k + m), k))
        f_times = [t for i, t in enumerate(times) if i in feature_slots]
        m_times = [t for i, t in enumerate(times) if i not in feature_slots]
        tip = fork
        for j in range(k):
            tip = self.commit_regular(
                "refs/heads/topic",
                author=author,
                when=f_times[j],
                branch=branch,
                parent=fork if j == 0 else None,
            )
        for j in range(m):
            self.main_tip = self.commit_regular(
                author=self._who(self.emitted),
                when=m_times[j],
                exclude=branch.origin,
                structural=False,
            )
        ops: list[bytes] = []
        for cur, base in branch.origin.items():
            if base is not None and base != cur:
                ops.append(b"R %s %s\n" % (fi_path(base), fi_path(cur)))
        for cur in branch.origin:
            if cur in self.files:
                ops.append(self._op_m(cur, self._render(self.files[cur])))
        ops += [b"D %s\n" % fi_path(base) for base in branch.deleted]
        self.deleted.extend(branch.deleted)
        merger = self.maintainers[rng.randrange(len(self.maintainers))]
        t = self._tick()
        login = slug(author.name.split(" ")[0]) or "user"
        msg = (
            f"Merge pull request #{self.emitted + 1} from {login}/{self._name()}\n\n"
            f"{rng.choice(VERBS)} {rng.choice(WORDS)}"
        )
        self.stats["merges"] += 1
        self.main_tip = self._emit(
            "refs/heads/main", merger, t, msg, ops, committer=merger, commit_time=t, merge=tip
        )

    def commit_final(self) -> None:
        """Last commit: a release, bringing the file count to exactly the target."""
        rng = self.rng
        author = self.maintainers[0]
        ops: list[bytes] = []
        while len(self.files) < self.n_files:
            path, content = self._new_path(author.home)
            if path not in self.files:
                ops.append(self.op_add(path, content))
        candidates = [p for p in self.all.items if self._movable(p)]
        rng.shuffle(candidates)
        while len(self.files) > self.n_files and candidates:
            ops.append(self.op_delete(candidates.pop()))
        lines = self.files[CHANGES]
        assert isinstance(lines, list)
        lines.insert(2, f"## Release {rng.randrange(1, 9)}.{rng.randrange(20)}")
        ops.append(self._op_m(CHANGES, self._render(lines)))
        self.main_tip = self._emit("refs/heads/main", author, self._tick(), "Release", ops)

    # ------------------------------------------------------------------ driver
    def run(self, out: BinaryIO) -> None:
        rng = self.rng
        self.out = out
        n = self.n_commits
        events: list[tuple[int, int, str, str]] = []
        if n >= 200:
            for j, lib in enumerate(self.vendor_libs):
                start = int(n * (0.1 + 0.3 * j))
                events.append((start, len(events), "vendor_import", lib))
                for _ in range(4):
                    events.append(
                        (rng.randrange(start + 1, n - 2), len(events), "vendor_update", lib)
                    )
            for _ in range(max(1, n // 2500)):
                events.append((rng.randrange(n // 10, n - 2), len(events), "dirmove", ""))
        heapq.heapify(events)
        self.commit_initial()
        while self.emitted < n:
            remaining = n - self.emitted
            if remaining == 1:
                self.commit_final()
                break
            if self.bot_debuts and self.bot_debuts[0][0] <= self.emitted:
                self.commit_bot(self.bots[heapq.heappop(self.bot_debuts)[1]])
                continue
            if events and events[0][0] <= self.emitted:
                _, _, kind, arg = heapq.heappop(events)
                if kind == "dirmove":
                    self.commit_dirmove()
                else:
                    self.commit_vendor(arg, update=kind == "vendor_update")
                continue
            r = rng.random()
            k, m = rng.randint(2, 5), rng.choice((0, 1, 1, 2, 3))
            if r < 1 / 45 and remaining > k + m + 2:
                self.feature_block(k, m)
            elif r < 0.04 and self.bots and self.emitted > 0.3 * n:
                self.commit_bot(rng.choice(self.bots))
            else:
                self.main_tip = self.commit_regular()
        self.flush()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], check=True, capture_output=True, text=True
    ).stdout


def generate(out_dir: Path, commits: int, files: int, people: int, seed: int) -> dict[str, object]:
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())):
        raise SystemExit(f"synth.py: {out_dir} exists and is not an empty directory; refusing")
    if commits < 2 or files < 30 or people < 1:
        raise SystemExit("synth.py: need --commits >= 2, --files >= 30, --people >= 1")
    t0 = time.perf_counter()
    out_dir.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", "-b", "main", str(out_dir)], check=True)
    git(out_dir, "config", "gc.auto", "0")
    gen = Generator(commits, files, people, seed)
    # fast-import mallocs and frees a large delta index per object; without these glibc settings
    # it returns the memory to the kernel every time (a third of its run time in brk/page faults)
    env = dict(os.environ, MALLOC_TRIM_THRESHOLD_=str(256 << 20), MALLOC_TOP_PAD_=str(64 << 20))
    proc = subprocess.Popen(
        ["git", "-C", str(out_dir), "fast-import", "--quiet", "--done"],
        stdin=subprocess.PIPE,
        env=env,
    )
    assert proc.stdin is not None
    try:
        gen.run(proc.stdin)
        proc.stdin.write(b"done\n")
        proc.stdin.close()
    except BrokenPipeError:
        pass  # fast-import died; its exit code says why
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    if proc.wait() != 0:
        raise SystemExit(f"synth.py: git fast-import failed with exit code {proc.returncode}")
    t1 = time.perf_counter()
    subprocess.run(["git", "-C", str(out_dir), "update-ref", "-d", "refs/heads/topic"], check=False)
    git(out_dir, "reset", "--hard", "-q", "main")
    t2 = time.perf_counter()
    return {
        "gen": gen,
        "import_s": t1 - t0,
        "checkout_s": t2 - t1,
        "total_s": t2 - t0,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--commits", type=int, default=50_000, help="all commits, merges included")
    ap.add_argument("--files", type=int, default=10_000, help="files at HEAD")
    ap.add_argument("--people", type=int, default=300, help="distinct people, bots included")
    ap.add_argument("--seed", type=int, default=42)
    ap.add_argument("output_dir", type=Path)
    args = ap.parse_args(argv)
    res = generate(args.output_dir, args.commits, args.files, args.people, args.seed)
    gen = res["gen"]
    assert isinstance(gen, Generator)
    st = gen.stats
    active = sum(1 for p in gen.humans + gen.bots if p.commits)
    print(
        f"synth: {gen.emitted} commits ({st['merges']} merges), {len(gen.files)} files at HEAD, "
        f"{active} people ({len(gen.bots)} bots, {len(gen.mailmap) - 1} .mailmap aliases)\n"
        f"synth: {st['adds']} adds ({st['readds']} re-adds), {st['modifies']} modifications, "
        f"{st['deletes']} deletes, {st['renames']} renamed paths ({st['dirmoves']} directory "
        f"moves), {st['bots']} bot commits; stream {gen.total_bytes / 2**20:.1f} MiB\n"
        f"synth: generated {args.output_dir} in {res['total_s']:.1f} s "
        f"(stream + fast-import {res['import_s']:.1f} s, checkout {res['checkout_s']:.1f} s)"
    )
    if active < len(gen.humans) + len(gen.bots):
        print("synth: warning: not every person got a commit (too few commits?)", file=sys.stderr)
    return 0


if __name__ == "__main__":
    os.environ.setdefault("GIT_CONFIG_NOSYSTEM", "1")
    sys.exit(main())
