"""The one entry point both front ends call: read a repository, return its ScanReport."""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import importlib
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from busfactor.adapters.blobs import BlobReader
from busfactor.adapters.cache import (
    CacheCorrupt,
    CacheUnavailable,
    HistoryCache,
    default_cache_file,
)
from busfactor.adapters.config import MAX_CONFIG_BYTES, load_settings
from busfactor.adapters.files import excluded_files, rules_key
from busfactor.adapters.git import GitRepository
from busfactor.adapters.mining import mine_history
from busfactor.core.filters import CONTENT_RULES
from busfactor.core.gc_pause import paused_gc
from busfactor.core.identity import bot_test
from busfactor.core.mailmap import mailmap_aliases
from busfactor.core.model import MiningResult, Progress
from busfactor.core.privacy import (
    pseudonymize_email,
    pseudonymize_emails_in,
    pseudonymize_handle,
    pseudonymize_identities,
    pseudonymize_name,
)
from busfactor.core.settings import Settings
from busfactor.core.wording import counted, utc_minute
from busfactor.errors import ConfigError, RepositoryError

if TYPE_CHECKING:
    from busfactor.adapters.files import Classification
    from busfactor.adapters.git import TreeEntry
    from busfactor.core.codeowners import CodeOwners
    from busfactor.core.decisions import Decision
    from busfactor.core.report import ScanReport
    from busfactor.core.runbooks import Runbook

_T = TypeVar("_T")

AFTER_HISTORY = (
    "busfactor.adapters.adr",
    "busfactor.adapters.runbooks",
    "busfactor.core.analysis",
    "busfactor.core.codeowners",
    "busfactor.core.report",
)
"""Modules needed only once history is read (networkx: a third of start-up). A thread
imports them from the start of the scan, while the main thread lists the tree and reads
history, and mostly waits for git; the analysis's own imports then find them loaded, or
wait on Python's import lock for the one still loading. Once they were held back until git
printed history, lest they hold the GIL while the main thread still had to spawn git; with
quick GIL switches (`_quick_switches`) while they load, starting at once made a warm rescan
of the synthetic repository about 0.2 s faster and cold scans no slower (adr/0019).
markdown-it and YAML load later still, on the first decision record or runbook parsed
(adapters.adr_formats.commonmark)."""


class _Gate:
    """Holds the classification and the documents back until git prints history. Started at
    once, they and the imports held the GIL while the main thread still had to spawn git: on
    the synthetic repository git's start came about 0.08 s later (adr/0010; the imports now
    start at once, with quick GIL switches, adr/0019). Work still waiting when the walk fails
    or is cancelled is dropped, so a cancel does not wait for it."""

    def __init__(self) -> None:
        self.opened = threading.Event()
        self._dropped = False

    def run(self, work: Callable[..., _T], *args: Any) -> _T | None:
        """`work(*args)` once the gate opens; None if it was dropped."""
        self.opened.wait()
        return None if self._dropped else work(*args)

    def drop(self) -> None:
        self._dropped = True
        self.opened.set()


_SWITCH_INTERVAL = 0.0005
"""The GIL switch interval while cache writes or the later imports run beside the main
thread (Python's is 5 ms)."""
_switching = threading.Lock()
_writers = 0
_interval_before = 0.0


def _quick_switches(on: bool) -> None:
    """Hand the GIL over sooner while any cache writes or later imports run. The writer's
    SQLite calls let go of the GIL over a hundred times (each statement's prepare, step and
    finalize), and at the default interval each return waited up to 5 ms for the analysis
    to yield it: sympy's writes took 0.9 s instead of 0.35. The same holds for the main
    thread's every return from git while the imports run. The first one lowers the
    interval, the last one restores it."""
    global _writers, _interval_before
    with _switching:
        if on:
            if _writers == 0:
                _interval_before = sys.getswitchinterval()
                sys.setswitchinterval(min(_interval_before, _SWITCH_INTERVAL))
            _writers += 1
        else:
            _writers -= 1
            if _writers == 0:
                sys.setswitchinterval(_interval_before)


class _CacheWrites:
    """The cache's held writes and its close, in a thread beside the analysis (see
    HistoryCache.hold_writes); `finish` waits for them and gives their warnings."""

    def __init__(self, cache: HistoryCache) -> None:
        self._cache = cache
        self._seen = len(cache.warnings)
        self._error: BaseException | None = None
        self._done = threading.Event()
        self._thread = threading.Thread(target=self._run, name="cache-writes")
        _quick_switches(True)
        self._thread.start()

    def _run(self) -> None:
        try:
            self._cache.write_held()
        except BaseException as error:  # raised again in the scan's thread, by `finish`
            self._error = error
        finally:
            self._cache.close()
            _quick_switches(False)
            self._done.set()

    def finish(self) -> list[str]:
        """Wait for the writes. An event, not `Thread.join`: a join that Ctrl-C interrupts
        marks the thread finished in Python 3.11 while it still writes, and the CLI then
        exited under it instead of letting it end (its transaction was lost, not the file)."""
        self._done.wait()
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._cache.warnings[self._seen :]


def _import_later_modules() -> None:
    """`AFTER_HISTORY`, in a thread of its own from the start of a scan (see there)."""

    def run() -> None:
        try:
            for name in AFTER_HISTORY:
                with contextlib.suppress(Exception):  # the scan's own import raises it again
                    importlib.import_module(name)
        finally:
            _quick_switches(False)

    if all(name in sys.modules for name in AFTER_HISTORY):  # a second scan in one process
        return
    _quick_switches(True)
    try:
        threading.Thread(target=run, name="imports", daemon=True).start()
    except RuntimeError:  # no thread to be had: the scan imports them itself, as it goes
        _quick_switches(False)


@dataclasses.dataclass(frozen=True, slots=True)
class _Documents:
    """What the tree alone says besides its files: decision records, CODEOWNERS, the
    mailmaps' aliases, and a reader holding every runbook candidate's text."""

    reader: BlobReader
    decisions: list[Decision]
    warnings: list[str]
    codeowners: CodeOwners | None
    mailmap: dict[str, tuple[str, ...]]


def _read_documents(
    repo: GitRepository, entries: list[TreeEntry], settings: Settings
) -> _Documents:
    """Decision records, CODEOWNERS and the mailmaps, read and parsed. Nothing here needs
    history, so it runs beside the walk: after git is done, it cost 0.15 s of the synthetic
    repository's cold scan (one path matched per file), where now Python mostly waits."""
    from busfactor.adapters.adr import find_adr_dirs, read_decisions
    from busfactor.core.codeowners import detect_flavour, find_codeowners, parse_codeowners

    reader = BlobReader(repo, entries)
    reader.prefetch_documents(link for _, link in settings.runbooks.links)
    paths = reader.paths
    declared: list[str] = []  # an `.adr-dir` leading outside the repository
    adr_dirs = find_adr_dirs(paths, reader, settings.adr.dirs, declared)
    reader.prefetch(p for p in paths if any(p.startswith(d + "/") for d in adr_dirs))
    decisions, warnings = read_decisions(adr_dirs, paths, reader)
    warnings = declared + warnings
    salt = settings.privacy_salt
    if settings.anonymize or settings.redact_emails:
        hide = pseudonymize_name if settings.anonymize else pseudonymize_emails_in
        decisions = [
            dataclasses.replace(
                d,
                title=pseudonymize_emails_in(d.title, salt),
                deciders=tuple(hide(n, salt) for n in d.deciders),
            )
            for d in decisions
        ]
    codeowners = None
    located = find_codeowners(paths)
    if located is not None:
        text = (reader(located[0]) or b"").decode("utf-8", "replace")
        flavour = detect_flavour(located[0], text)
        codeowners = parse_codeowners(text, path=located[0], flavour=flavour)
        if codeowners is not None and (settings.anonymize or settings.redact_emails):
            codeowners = _pseudonymous_emails(codeowners, salt)
    mailmap = mailmap_aliases(repo.mailmap_text())
    return _Documents(reader, decisions, warnings, codeowners, mailmap)


def _pseudonymous_emails(codeowners: CodeOwners, salt: str) -> CodeOwners:
    """Email owners as the pseudonyms their commits get, so they still match their people;
    handles (`@login`, no address) stay: under --anonymize the findings replace them."""
    rules = tuple(
        dataclasses.replace(
            rule, owners=tuple(pseudonymize_emails_in(owner, salt) for owner in rule.owners)
        )
        for rule in codeowners.rules
    )
    return dataclasses.replace(codeowners, rules=rules)


def _beside_history(
    repo: GitRepository,
    entries: list[TreeEntry],
    settings: Settings,
    earlier: tuple[dict[str, int], bytes | None],
) -> tuple[Classification, _Documents]:
    """Everything read from the tree alone, one `git cat-file` at a time: which files count
    (mostly waiting on git for blob heads), then the documents. `earlier`: what the cache
    kept of earlier scans, blob verdicts and the last file classification."""
    classification = excluded_files(repo, entries, settings, *earlier)
    return classification, _read_documents(repo, entries, settings)


def _ignore(progress: Progress) -> None:
    """The default progress callback."""


def settings_for(
    root: Path,
    config_file: Path | None,
    overrides: Mapping[str, Any] | None,
    repo: GitRepository | None = None,
) -> Settings:
    """Configuration file values, then command-line overrides (None means not given). A
    bare repository (`repo`) has no work tree: its configuration is the one committed at the
    revision asked for (a policy committed there was silently not applied)."""
    committed = None
    if repo is not None and repo.bare and config_file is None:
        rev = str((overrides or {}).get("rev") or "HEAD")

        def committed(name: str) -> bytes | None:
            return repo.committed_file(rev, name, MAX_CONFIG_BYTES)

    settings = load_settings(root, config_file, committed)
    given = {key: value for key, value in (overrides or {}).items() if value is not None}
    return dataclasses.replace(settings, **given) if given else settings


_CALENDAR_DATE = re.compile(r"\s*(\d{4})-(\d{1,2})-(\d{1,2})(?![\d-])")


def check_since(repo: GitRepository, since: str) -> None:
    """Refuse a `since` that git reads as now or later: git skips words it does not know
    (`garbage`, `tomorrow`), and the scan would read no history and report nobody. A
    calendar date is checked here first, because git reads some wrongly without a word:
    9999-12-31 as 2012-12-31, 1960-01-01 as now, 2024-02-30 as 2024-03-01."""
    hint = "give a date git log --since understands, such as 2024-01-01 or '2 years ago'"
    if not since.strip():
        raise ConfigError("since is empty: give a date, or leave it out to read all history")
    before = int(time.time())
    calendar = _CALENDAR_DATE.match(since)
    if calendar is not None:
        try:
            day = dt.date(*map(int, calendar.groups()))
        except ValueError:
            raise ConfigError(f"since {since!r} is not a calendar date", hint=hint) from None
        if day.year < 1970:
            raise ConfigError(
                f"since {since!r} lies before 1970, which git cannot read",
                hint="leave since out to read all history",
            )
        if day > dt.datetime.fromtimestamp(before, dt.UTC).date() + dt.timedelta(days=1):
            raise ConfigError(f"since {since!r} is in the future, so no history would be read")
    cutoff = repo.since_cutoff(since)
    if cutoff is not None and cutoff >= 1 << 63:  # before 1970, as git's unsigned wraparound
        raise ConfigError(
            f"since {since!r} lies before 1970, which git cannot read",
            hint="leave since out to read all history",
        )
    if cutoff is None or cutoff < before:
        return
    if cutoff <= before + 2:
        raise ConfigError(
            f"since {since!r}: git finds no date in it and reads it as now, "
            "so no history would be read",
            hint=hint,
        )
    raise ConfigError(
        f"since {since!r} is in the future ({utc_minute(cutoff)}), so no history would be read",
        hint=hint,
    )


@paused_gc()
def scan(
    path: Path,
    *,
    config_file: Path | None = None,
    overrides: Mapping[str, Any] | None = None,
    settings: Settings | None = None,
    on_progress: Callable[[Progress], None] = _ignore,
    cancel: threading.Event | None = None,
    refuse_shallow: bool = False,
    coupling: bool = False,
) -> ScanReport:
    """Read history and the tree at the revision once; return every analysis in one report."""
    _import_later_modules()
    with GitRepository(path) as repo:
        if settings is None:
            settings = settings_for(repo.root, config_file, overrides, repo)
        if settings.anonymize or settings.redact_emails:
            settings = _pseudonymous_settings(settings)
        if refuse_shallow and repo.is_shallow():
            raise RepositoryError(
                "shallow clone: the history is cut, so authorship would be wrong",
                hint="fetch all history (git fetch --unshallow; actions/checkout with "
                "fetch-depth: 0; GitLab GIT_DEPTH: 0) or pass --allow-shallow",
            )
        on_progress(Progress("resolving revision"))
        sha, revision_time = repo.resolve(settings.rev)
        if settings.since is not None:
            check_since(repo, settings.since)
        if _reads_all_history(repo, settings):
            repo.prestart_history(sha, since=settings.since, linear=settings.history == "linear")
        entries = repo.tree(sha)
        on_progress(Progress("history"))
        # Which files count is decided from the tree alone, so it runs beside the history
        # walk: its `git cat-file` mostly waits on I/O while the walk keeps a core busy.
        cache, cache_warnings = open_cache(repo, settings)
        if cache is not None:
            cache.hold_writes()
        writes: _CacheWrites | None = None
        mined, done = False, None
        with ThreadPoolExecutor(max_workers=1, thread_name_prefix="beside-history") as pool:
            earlier = _known_verdicts(cache), _known_classification(cache, settings)
            gate = _Gate()
            beside = pool.submit(gate.run, _beside_history, repo, entries, settings, earlier)
            try:
                mining = mine_history(
                    repo,
                    sha,
                    revision_time,
                    entries,
                    settings,
                    on_progress=on_progress,
                    cancel=cancel,
                    changesets=coupling,
                    cache=cache,
                    started=gate.opened,
                )
                mined = True
            except BaseException:
                gate.drop()  # failed or cancelled: nothing beside the walk is needed now
                raise
            finally:
                gate.opened.set()
                try:
                    done = beside.result()
                    if cache is not None and mined and done is not None:
                        judged = done[0]
                        if judged.learned:
                            tree = [entry.sha for entry in entries]
                            cache.store_verdicts(CONTENT_RULES, judged.learned, tree)
                        if judged.table is not None:
                            cache.store_classification(rules_key(settings), judged.table)
                finally:  # the cache is closed even when the work beside the walk failed
                    if cache is not None:
                        cache_warnings += cache.warnings
                        if mined and done is not None:
                            writes = _CacheWrites(cache)  # beside the analysis
                        else:  # an interrupted or failed walk leaves the cache as it was
                            if mined:  # but a history read in full is sound to keep
                                cache.write_held()
                            cache.close()
        try:  # the writes beside the analysis are waited for, whatever happens here
            assert done is not None  # dropped only when mining raised, which left above
            classification, documents = done
            excluded = classification.excluded
            mining.warnings[:0] = cache_warnings
            if classification.unread and not repo.partial:  # a partial clone's are named
                mining.warnings.append(
                    f"the content of {counted(classification.unread, 'file')} at the revision "
                    "could not be read: the repository lacks those objects, so the binary, "
                    "generated and minified checks skipped them (git fsck lists what is missing)"
                )
            mining.mailmap = documents.mailmap
            if settings.anonymize or settings.redact_emails:
                _pseudonymize(mining, settings)
            from busfactor.adapters.runbooks import find_runbooks
            from busfactor.core.analysis import build_ownership_graph
            from busfactor.core.report import ScanReport

            reader, paths, codeowners = (
                documents.reader,
                documents.reader.paths,
                documents.codeowners,
            )

            def runbooks_of(
                members: Mapping[str, Sequence[str]], last_commit: Callable[[str], int | None]
            ) -> tuple[list[Runbook], list[str]]:
                def changed(path: str) -> int | None:  # a linked runbook is as fresh as its file
                    return last_commit(reader.resolve(path) or path)

                return find_runbooks(
                    members,
                    paths,
                    reader,
                    configured=dict(settings.runbooks.links),
                    last_commit=changed,
                    now=revision_time,
                    max_age_days=settings.runbooks.max_age_days,
                )

            on_progress(Progress("analysing"))
            graph = build_ownership_graph(
                mining,
                excluded,
                settings,
                repository=str(repo.root),
                decisions=documents.decisions,
                find_runbooks=runbooks_of,
                codeowners=codeowners,
                warnings=documents.warnings,
                coupling=coupling,
                now=int(time.time()),
            )
        finally:
            late = writes.finish() if writes is not None else []
        # The writes' own warnings, where they stood when the writes came first.
        graph.graph["warnings"][len(cache_warnings) : len(cache_warnings)] = late
    if settings.anonymize and codeowners is not None:
        _pseudonymize_owners(graph, codeowners, settings.privacy_salt)
    from busfactor.core.graph import COMPONENT, node_id
    from busfactor.core.whatif import resolve_each

    graph.graph["warnings"] += [
        f"component {name}: its globs match no analysed file, so it is not in the report"
        for name, _ in settings.components
        if node_id(COMPONENT, name) not in graph
    ]
    policy = settings.policy
    if policy.component_min_bus_factor or policy.overrides:
        from busfactor.core.graph import FILE, node_key
        from busfactor.core.policy import policy_that_applies_to_nothing

        kinds = [(node, data.get("kind")) for node, data in graph.nodes(data=True)]
        graph.graph["warnings"] += policy_that_applies_to_nothing(
            policy,
            [node_key(node) for node, kind in kinds if kind == COMPONENT],
            [node_key(node) for node, kind in kinds if kind == FILE],
        )
    if settings.leaving:  # resolving indexes every person: not when nobody is named
        graph.graph["warnings"] += [
            f"leaving: {unknown.wanted} {unknown.why}"
            for unknown in resolve_each(graph, settings.leaving)[1]
        ]
    report = ScanReport(graph, settings)
    return dataclasses.replace(report, inputs=_inputs(repo.root, config_file, report, codeowners))


def _inputs(
    root: Path, config_file: Path | None, report: ScanReport, codeowners: CodeOwners | None
) -> tuple[Path, ...]:
    """The work-tree files a report must not be written over (`ScanReport.inputs`): the
    configuration given, every file discovery looks at (a `pyproject.toml` without a
    busfactor table is still the project's), .mailmap and the documents read."""
    from busfactor.adapters.config import CONFIG_NAMES, PYPROJECT

    documents = [item["path"] for item in (*report.decisions(), *report.runbooks())]
    if codeowners is not None:
        documents.append(codeowners.path)
    return (
        *([config_file] if config_file is not None else []),
        *(root / name for name in (*CONFIG_NAMES, PYPROJECT, ".mailmap", *documents)),
    )


def _pseudonymous_settings(settings: Settings) -> Settings:
    """Settings that name people (`[owners]` emails, `leaving`) as the pseudonyms those
    people's commits get, so they still match them: under --anonymize the departures of
    `leaving` matched nobody and vanished from the report."""
    salt = settings.privacy_salt

    def leaver(entry: str) -> str:
        if "@" in entry:
            return pseudonymize_emails_in(entry, salt)
        return pseudonymize_name(entry, salt) if settings.anonymize else entry

    owners = tuple(
        (handle, tuple(pseudonymize_emails_in(email, salt) for email in emails))
        for handle, emails in settings.owners
    )
    leaving = tuple(leaver(entry) for entry in settings.leaving)
    return dataclasses.replace(settings, owners=owners, leaving=leaving)


def plan_scan(
    path: Path,
    settings: Settings | None,
    revision: str,
    *,
    cancel: threading.Event | None = None,
) -> ScanReport:
    """The scan `busfactor plan` reads, at `revision`: with file coupling, which ranks the
    candidates and orders what they study. The app's own scans leave coupling out (it
    turns the cache's fast rescan into a replay), so its Plan tab asks for this one."""
    if settings is None:
        return scan(path, overrides={"rev": revision}, coupling=True, cancel=cancel)
    pinned = dataclasses.replace(settings, rev=revision)
    return scan(path, settings=pinned, coupling=True, cancel=cancel)


def _reads_all_history(repo: GitRepository, settings: Settings) -> bool:
    """Whether the scan will certainly read the whole history from git: no cache, or none
    yet (a first scan, as in CI's fresh checkouts). Any doubt says no: its stream then starts
    where it always did."""
    if _uncached(repo, settings):
        return True
    try:
        folder = _cache_dir(repo, settings)
        if folder is False:  # the cache is off (open_cache says why)
            return True
        return not default_cache_file(repo.common_dir(), folder).exists()
    except (OSError, ValueError):
        return False


def _uncached(repo: GitRepository, settings: Settings) -> bool:
    """No cache for this scan: turned off, or one that is never cached (mining.mine_history)."""
    return not settings.cache or bool(settings.since) or repo.is_shallow()


def _cache_dir(repo: GitRepository, settings: Settings) -> Path | Literal[False] | None:
    """Where the configured cache lives: None for the default place, False when a relative
    `[cache] dir` leads out of the repository through a symbolic link (the cache is off)."""
    if settings.cache_dir is None:
        return None
    cache_dir = Path(os.path.expanduser(settings.cache_dir))
    if not cache_dir.is_absolute():  # `[cache] dir`: --cache-dir arrives absolute
        cache_dir = repo.root / cache_dir
        if not cache_dir.resolve().is_relative_to(repo.root.resolve()):
            return False
    return cache_dir


def open_cache(repo: GitRepository, settings: Settings) -> tuple[HistoryCache | None, list[str]]:
    """The repository's history cache, or None (disabled, or not writable: said in a warning).

    Shallow clones and `since` scans are never cached (see mining.mine_history).
    """
    if _uncached(repo, settings):
        return None, []
    cache_dir = _cache_dir(repo, settings)
    if cache_dir is False:
        return None, [
            f"cache disabled: {settings.cache_dir} (cache.dir) leads out of the "
            "repository through a symbolic link"
        ]
    path: Path | None = None
    try:
        path = default_cache_file(repo.common_dir(), cache_dir)
        return HistoryCache(path), []
    except (OSError, sqlite3.Error, CacheCorrupt, CacheUnavailable) as error:
        where: object = path
        reason: object = error
        if isinstance(error, OSError) and error.strerror:  # "[Errno 2]" says nothing more
            where, reason = error.filename or path, error.strerror
        # Which path: a cache directory set in one repository's config can be wrong there only.
        return None, [
            f"cache disabled: {where}: {reason}" if where else f"cache disabled: {reason}"
        ]


def _known_verdicts(cache: HistoryCache | None) -> dict[str, int]:
    """Blob verdicts of earlier scans (read here: the cache stays in this thread)."""
    if cache is None:
        return {}
    try:
        return cache.verdicts(CONTENT_RULES)
    except CacheCorrupt as problem:
        _recover(cache, problem, "file contents")
        return {}
    except CacheUnavailable as problem:
        cache.warnings.append(f"cache not used for file contents: {problem}")
        return {}


def _recover(cache: HistoryCache, problem: CacheCorrupt, what: str) -> None:
    """Damage found by the reads beside the history: the file is set aside and rebuilt, as
    for damage to the history itself (a warning alone left it in use, warned about on every
    scan)."""
    try:
        cache.recover(str(problem))
    except (CacheCorrupt, CacheUnavailable, OSError, sqlite3.Error) as again:
        cache.warnings.append(f"cache not used for {what}: {again}")


def _known_classification(cache: HistoryCache | None, settings: Settings) -> bytes | None:
    """The last scan's file classification under these rules (read here, like the verdicts)."""
    if cache is None:
        return None
    try:
        return cache.classification(rules_key(settings))
    except CacheCorrupt as problem:
        _recover(cache, problem, "file classification")
        return None
    except CacheUnavailable as problem:
        cache.warnings.append(f"cache not used for file classification: {problem}")
        return None


def _pseudonymize(mining: MiningResult, settings: Settings) -> None:
    """Swap every human identity for its pseudonym before anything is computed from it, and
    the mailmap's emails (and, anonymized, its names) for the pseudonyms they would get."""
    salt = settings.privacy_salt
    mining.identities = pseudonymize_identities(
        mining.identities,
        salt,
        emails_only=not settings.anonymize,
        keep=bot_test(settings.identity.bots),
    )

    def alias(value: str) -> str:
        if "@" in value:
            return pseudonymize_email(value, salt)
        return pseudonymize_name(value, salt) if settings.anonymize else value

    mining.mailmap = {
        pseudonymize_email(email, salt): tuple(sorted({alias(v) for v in folded}))
        for email, folded in mining.mailmap.items()
    }


def _pseudonymize_owners(graph: Any, codeowners: CodeOwners, salt: str) -> None:
    """CODEOWNERS handles quoted in findings, replaced by pseudonyms (email owners were
    replaced before the analysis, by `_pseudonymous_emails`)."""
    handles = {o for rule in codeowners.rules for o in rule.owners if o.startswith("@")}
    owners = sorted(handles, key=len, reverse=True)  # emails are pseudonyms already
    for finding in graph.graph.get("findings", []):
        if not finding["rule"].startswith("codeowners"):
            continue
        for owner in owners:
            alias = pseudonymize_handle(owner, salt)
            finding["message"] = finding["message"].replace(owner, alias)
            if finding.get("person") == owner:
                finding["person"] = alias
