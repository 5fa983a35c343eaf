"""Screens pushed over the tabs: a component's detail, and the error dialog.

The detail's file tree is lazy: a folder's children and a file's contributors become nodes
only when they are opened, so a component with 10,000 files opens as fast as a small one.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any, ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Footer, Header, Static, Tree
from textual.widgets.tree import TreeNode
from textual.worker import get_current_worker

from busfactor.core.plan import person_name
from busfactor.core.wording import counted, listed
from busfactor.ui.labelled import Labelled
from busfactor.ui.messages import NewDocumentRequested
from busfactor.ui.theme import Tones, tones_of
from busfactor.ui.view import bar, is_active, names_of, risk_of, safe, unique_knowledge

if TYPE_CHECKING:
    from busfactor.core.report import ScanReport

EXPAND_LINES = 40
"""Folders (then files) open breadth-first on arrival while the tree shows at most this."""
MAX_CONTRIBUTORS = 8
MAX_AUTHORS = 6
"""Authors named in the summary (most files first); the rest are counted."""


def component_summary(report: ScanReport, component: dict[str, Any], tones: Tones) -> Labelled:
    """Risk and bus factor, experts, authors, runbook status, decisions and findings."""
    risk = risk_of(component)
    summary = Labelled(tones.muted)
    summary.head.append(f"{risk} ", style=tones.risk(risk))
    summary.head.append(safe(component["name"]), style="bold")
    summary.head.append(
        f"  bus factor {component['bus_factor']} · {counted(component['files'], 'file')} · "
        f"{component['files_lost']} lost (no active author)"
    )
    experts = (
        listed(
            name if is_active(report, person) else f"{name} (inactive)"
            for person, name in zip(
                component["bus_factor_authors"],
                names_of(report, component["bus_factor_authors"]),
                strict=True,
            )
        )
        or "nobody"
    )
    summary.row("Experts    ", experts)
    authors = component["authors"]
    named = summary.row("Authors    ", listed(names_of(report, authors[:MAX_AUTHORS])) or "none")
    if len(authors) > MAX_AUTHORS:
        named.append(f" and {len(authors) - MAX_AUTHORS} more", style=tones.muted)
    runbook = component.get("runbook")
    status = str(component.get("runbook_status", "missing"))
    book = summary.row("Runbook    ")
    book.append(safe(status), style=tones.success if status == "ok" else tones.warning)
    book.append(f" ({safe(runbook)})" if runbook else "")
    decisions = {d["id"]: d for d in report.decisions()}
    shown = [
        f"ADR {safe(d)} {safe(decisions.get(d, {}).get('title', ''))}".rstrip()
        for d in component.get("decisions", []) or []
    ]
    for index, line in enumerate(shown or ["none"]):
        summary.row("" if index else "Decisions  ", line)
    findings = [f for f in report.findings() if f.get("component") == component["name"]]
    if not findings:
        summary.row("Findings   ", "none")
    for index, finding in enumerate(findings):
        severity = str(finding["severity"])
        said = summary.row("" if index else "Findings   ")
        said.append(f"{severity.upper():<8}", style=tones.severity(severity))
        said.append(safe(finding["message"]))
    return summary


@dataclass
class Folder:
    """A folder of the component's files: its sub-folders and files, each sorted."""

    key: str
    """The folder's path with a trailing slash ("" for the component's top)."""
    name: str
    folders: dict[str, Folder] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    count: int = 0


def folder_tree(paths: list[str]) -> Folder:
    """The folders of `paths`; chains of single sub-folders are merged (`a/b/c/`)."""
    top = Folder("", "")
    for path in sorted(paths):
        folder = top
        folder.count += 1
        parts = path.split("/")
        for part in parts[:-1]:
            key = f"{folder.key}{part}/"
            child = folder.folders.get(part)
            if child is None:
                child = folder.folders[part] = Folder(key, part)
            folder = child
            folder.count += 1
        folder.files.append(path)

    def merge(folder: Folder) -> Folder:
        while len(folder.folders) == 1 and not folder.files and folder.key:
            (only,) = folder.folders.values()
            folder = Folder(only.key, f"{folder.name}/{only.name}", only.folders, only.files)
            folder.count = only.count
        folder.folders = {name: merge(child) for name, child in folder.folders.items()}
        return folder

    merged = merge(top)
    while len(merged.folders) == 1 and not merged.files:  # the component's own folder
        (merged,) = merged.folders.values()
    return merged


@dataclass(frozen=True, slots=True)
class Entry:
    """What a tree node shows: a folder, a file, or one contributor to a file."""

    kind: str
    """"folder", "file" or "person"."""
    key: str
    """The folder's key, the file's path, or the person's id."""
    file: str = ""
    """For a person: the file they contributed to."""


class FileTree(Tree[Entry]):
    """The component's files by folder; a file opens to its contributors' DOA as bars."""

    def __init__(self, report: ScanReport, paths: list[str], *, id: str) -> None:
        self.report = report
        self.top_folder = folder_tree(paths)
        self.folder_of: dict[str, Folder] = {self.top_folder.key: self.top_folder}
        self.node_of: dict[str, TreeNode[Entry]] = {}
        self.loaded_keys: set[str] = set()
        super().__init__(Text("files"), Entry("folder", self.top_folder.key), id=id)
        self.node_of[self.top_folder.key] = self.root

    def on_mount(self) -> None:
        self.root.set_label(self.label_for(self.root.data or Entry("", ""), tones_of(self.app)))
        self.open_start()

    # -- labels -------------------------------------------------------------------------

    def label_for(self, entry: Entry, tones: Tones) -> Text:
        """A node's label in the current theme (every repository string made safe)."""
        if entry.kind == "folder":
            folder = self.folder_of[entry.key]
            top = folder is self.top_folder
            label = Text(safe(folder.key or "./") if top else safe(folder.name) + "/")
            label.append(f"  {folder.count} file{'s' * (folder.count != 1)}", style=tones.muted)
            return label
        if entry.kind == "file":
            authors = self.report.graph.nodes[f"file:{entry.key}"]["authors"]
            label = Text(safe(PurePosixPath(entry.key).name))
            names = names_of(self.report, authors[:2]) + (["…"] if len(authors) > 2 else [])
            if not authors:
                label.append("  no author left", style=tones.error)
            else:
                style = tones.warning if len(authors) == 1 else tones.muted
                label.append(f"  {', '.join(names)}", style=style)
            return label
        doa = self.report.doa_of(entry.file)
        best = max(doa.values(), default=0.0) or 1.0
        value = doa.get(entry.key, 0.0)
        label = Text()
        label.append(bar(value / best, 12), style=tones.info)
        label.append(f" {value:5.2f}  ")
        label.append(names_of(self.report, [entry.key])[0])
        return label

    def relabel(self) -> None:
        """Rebuild every loaded node's label (on arrival and when the theme changes)."""
        tones = tones_of(self.app)
        stack = [self.root]
        while stack:
            node = stack.pop()
            if node.data is not None:
                node.set_label(self.label_for(node.data, tones))
            stack.extend(node.children)

    # -- lazy children ------------------------------------------------------------------

    def load(self, node: TreeNode[Entry]) -> None:
        """Add a folder's or file's children the first time it is opened."""
        entry = node.data
        if entry is None or entry.kind == "person" or entry.key in self.loaded_keys:
            return
        self.loaded_keys.add(entry.key)
        tones = tones_of(self.app)
        if entry.kind == "folder":
            folder = self.folder_of[entry.key]
            for child in folder.folders.values():
                self.folder_of[child.key] = child
                data = Entry("folder", child.key)
                self.node_of[child.key] = node.add(self.label_for(data, tones), data)
            for path in folder.files:
                data = Entry("file", path)
                self.node_of[path] = node.add(self.label_for(data, tones), data)
            return
        doa = self.report.doa_of(entry.key)
        ranked = sorted(doa.items(), key=lambda item: (-item[1], item[0]))
        for person, _ in ranked[:MAX_CONTRIBUTORS]:
            data = Entry("person", person, entry.key)
            node.add_leaf(self.label_for(data, tones), data)
        if len(ranked) > MAX_CONTRIBUTORS:
            more = Text(f"… {len(ranked) - MAX_CONTRIBUTORS} more", style=tones.muted)
            node.add_leaf(more)
        if not ranked:
            node.add_leaf(Text("no contributors", style=tones.muted))

    def open(self, node: TreeNode[Entry]) -> None:
        """Load and expand a node."""
        self.load(node)
        node.expand()

    @on(Tree.NodeExpanded)
    def load_on_expand(self, event: Tree.NodeExpanded[Entry]) -> None:
        self.load(event.node)

    def open_start(self) -> None:
        """Open folders, then files, breadth-first while the tree stays short."""
        self.open(self.root)
        shown = len(self.root.children) + 1
        queue: deque[TreeNode[Entry]] = deque(self.root.children)
        while queue:
            node = queue.popleft()
            entry = node.data
            if entry is None or entry.kind == "person":
                continue
            if entry.kind == "folder":
                folder = self.folder_of[entry.key]
                adds = len(folder.folders) + len(folder.files)
            else:
                adds = min(len(self.report.doa_of(entry.key)), MAX_CONTRIBUTORS + 1)
            if shown + adds > EXPAND_LINES:
                continue
            self.open(node)
            shown += adds
            queue.extend(node.children)

    def reveal(self, path: str) -> bool:
        """Open the folders down to `path`, open the file and put the cursor on it."""
        folder, node = self.top_folder, self.root
        self.open(node)
        while path not in self.node_of:
            child = next((f for f in folder.folders.values() if path.startswith(f.key)), None)
            if child is None:
                return False
            folder, node = child, self.node_of[child.key]
            self.open(node)
        target = self.node_of[path]
        self.open(target)
        self.move_cursor(target)
        self.call_after_refresh(self.scroll_to_node, target, False)
        return True


class ComponentScreen(Screen[None]):
    """One component in depth; escape goes back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back"),
        Binding("a", "new_document('adr')", "New ADR"),
        Binding("n", "new_document('runbook')", "New runbook"),
    ]

    def __init__(self, report: ScanReport, name: str, path: str | None = None) -> None:
        super().__init__()
        self.report = report
        self.component_name = name
        self.path = path
        """A file to show with the cursor on it."""

    def compose(self) -> ComposeResult:
        node = f"component:{self.component_name}"
        graph = self.report.graph
        paths = [graph.nodes[f]["path"] for _, f in graph.out_edges(node)]
        yield Header()
        with VerticalScroll(id="component-head"):
            yield Static(id="component-summary")
            yield Static(Text("Plan       computing…"), id="component-plan")
        yield FileTree(self.report, paths, id="component-files")
        yield Footer()

    def on_mount(self) -> None:
        self.show_summary()
        self.find_suggestion()
        tree = self.query_one(FileTree)
        tree.focus()
        if self.path is not None:
            tree.reveal(self.path)

    @work(thread=True, exclusive=True, exit_on_error=False, group="component-plan")
    def find_suggestion(self) -> None:
        """This component's suggestion in the plan the Plan tab shows (computed once)."""
        from busfactor.errors import BusfactorError, Cancelled
        from busfactor.ui.planning import plan_of

        worker = get_current_worker()
        try:
            plan, graph = plan_of(self.app, self.report, worker.cancelled_event)
        except Cancelled:
            return
        except BusfactorError as error:
            shown = Labelled("")
            shown.row("Plan       ", f"could not be computed: {safe(error.message)}")
        else:
            shown = suggestion_text(plan, graph, self.component_name)
        if not worker.is_cancelled:
            self.app.call_from_thread(self.show_suggestion, shown)

    def show_suggestion(self, shown: Labelled) -> None:
        self.query_one("#component-plan", Static).update(shown)

    def show_summary(self) -> None:
        """Render the summary in the current theme."""
        component = dict(self.report.graph.nodes[f"component:{self.component_name}"])
        summary = component_summary(self.report, component, tones_of(self.app))
        self.query_one("#component-summary", Static).update(summary)

    def restyle(self) -> None:
        """The theme changed: render the summary and the tree's labels again."""
        self.show_summary()
        self.query_one(FileTree).relabel()

    def action_new_document(self, kind: str) -> None:
        """A new ADR or runbook about this component."""
        self.post_message(NewDocumentRequested(kind, self.component_name))


class ErrorScreen(ModalScreen[None]):
    """The one-line message (and hint) of an error the user can fix; never a traceback.

    A modal screen hides the app's keys, so it has its own footer with its own keys (the
    app's footer behind it offered `q` and `r`, which did nothing): esc or enter close it,
    `r` closes it and scans again, `q` quits."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "dismiss", "Close", key_display="esc/enter"),
        Binding("enter", "dismiss", "Close", show=False),
        Binding("r", "rescan", "Rescan"),
        Binding("q", "app.quit", "Quit"),
    ]

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__()
        self.message = message
        self.hint = hint

    def compose(self) -> ComposeResult:
        with Vertical(id="error-dialog"):
            yield Static("busfactor: error", classes="title")
            yield Static(Text(safe(self.message)), id="error-message")
            if self.hint:
                yield Static(Text(safe(self.hint)), id="error-hint", classes="hint")
            yield Button("OK", variant="error", id="error-ok")
        yield Footer()

    def on_button_pressed(self, event: Button.Pressed) -> None:
        self.dismiss(None)

    async def action_rescan(self) -> None:
        """Close the dialog and scan again."""
        self.dismiss(None)
        await self.app.run_action("rescan")


MAX_SOLE_FILES = 40
"""Files a person alone authors, listed in their detail (the rest are counted)."""


def person_summary(report: ScanReport, person_id: str, tones: Tones) -> Labelled:
    """Who someone is, what they alone know (components they hold at bus factor 1, files
    where they are the only author), and what their leaving would change."""
    from busfactor.core.whatif import simulate

    person = report.person(person_id)
    summary = Labelled(tones.muted)
    summary.head.append(safe(person["name"] or person_id), style="bold")
    summary.head.append(f"  {safe(person['email'] or person_id)}\n", style=tones.muted)
    active = "active" if person["active"] else "inactive"
    summary.head.append(
        f"{counted(int(person['commits']), 'commit')}, {active}, "
        f"author of {counted(int(person['files_authored']), 'file')}"
    )
    held = unique_knowledge(report).get(person_id, ([], 0))[0]
    named = [
        c["name"]
        for c in report.components()
        if person_id in c.get("bus_factor_authors", []) and c["name"] not in held
    ]
    summary.row("Holds alone   ", ", ".join(safe(name) for name in held) or "no component")
    summary.row(
        "Counts toward ",
        f"the bus factor of {', '.join(safe(name) for name in named)}"
        if named
        else "no other component's bus factor",
    )
    sole = sorted(str(f["path"]) for f in report.files() if list(f["authors"]) == [person_id])
    summary.row("Sole author   ", counted(len(sole), "file"))
    for path in sole[:MAX_SOLE_FILES]:
        summary.line(f"  {safe(path)}")
    if len(sole) > MAX_SOLE_FILES:
        summary.line(Text(f"  and {len(sole) - MAX_SOLE_FILES} more", style=tones.muted))
    whatif = simulate(report.graph, [person_id])
    before, after = whatif["truck_factor"]["before"], whatif["truck_factor"]["after"]
    changed = [c for c in whatif["components"] if c["bus_factor_after"] != c["bus_factor_before"]]
    summary.row(
        "If they left  ",
        f"truck factor {before} → {after}; "
        f"{counted(len(whatif['orphaned_files']), 'file')} without an author; "
        f"{counted(len(changed), 'component')} with a lower bus factor",
    )
    return summary


class PersonScreen(Screen[None]):
    """One person in depth: what they alone know and what their leaving changes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape", "app.pop_screen", "Back")]

    def __init__(self, report: ScanReport, person_id: str) -> None:
        super().__init__()
        self.report = report
        self.person_id = person_id

    def compose(self) -> ComposeResult:
        yield Header()
        with VerticalScroll(id="person-detail"):
            yield Static(id="person-summary")
        yield Footer()

    def on_mount(self) -> None:
        self.restyle()

    def restyle(self) -> None:
        """Render the summary in the current theme."""
        summary = person_summary(self.report, self.person_id, tones_of(self.app))
        self.query_one("#person-summary", Static).update(summary)


MAX_STUDY = 3
"""Files to study named in a component's detail (the Plan tab lists them all)."""


def suggestion_text(plan: Mapping[str, Any], graph: Any, component: str) -> Labelled:
    """One component's line of the plan: who learns it from whom, what to study first and
    the bus factor it would reach; or why there is none."""
    line = Labelled("")
    for item in plan["suggestions"]:
        if item["component"] != component:
            continue
        mentor = item["mentor"]
        mentor_name = safe(person_name(graph, mentor)) if mentor else "nobody active"
        learner = safe(person_name(graph, item["learner"]))
        line.row(
            "Plan       ",
            f"{learner} learns from {mentor_name}: bus factor "
            f"{item['bus_factor_before']} → {item['bus_factor_after']}",
        )
        study = [f"{safe(f['path'])} ({f['commits_needed']})" for f in item["files"][:MAX_STUDY]]
        if study:
            more = len(item["files"]) - MAX_STUDY
            line.row(
                "",
                "study "
                + ", ".join(study)
                + (f" and {more} more" if more > 0 else "")
                + " (commits needed; the Plan tab has the reasons)",
            )
        return line
    for gap in plan.get("uncovered", []):
        if gap.get("component") == component:
            line.row("Plan       ", f"none: {safe(gap.get('reason', 'no learner found'))}")
            return line
    line.row("Plan       ", "none needed: the bus factor meets the plan's target")
    return line
