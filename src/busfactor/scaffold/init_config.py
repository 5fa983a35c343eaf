"""`busfactor init`: a `.busfactor.toml` with what the scan detected, written once, never over.

Written with tomli-w (which keeps no comments, so a file a person edited is never rewritten:
an existing configuration, `pyproject.toml` included, makes init refuse), atomically: the whole
file or none. TOML is UTF-8 text and cannot hold a path whose bytes are not UTF-8 (a surrogate
escape here); such a component, or ADR folder, is left out with a warning: scans find it by
themselves anyway, as they did before the file existed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import tomli_w

from busfactor.adapters.config import find_config
from busfactor.core.components import CONTAINER_DIRS
from busfactor.core.filters import glob_escape
from busfactor.core.report import ScanReport
from busfactor.core.settings import PolicySettings, Settings
from busfactor.core.text_safety import is_utf8, valid_text
from busfactor.errors import RefusedError
from busfactor.scaffold import create_exclusive

CONFIG_NAME = ".busfactor.toml"
_RUNBOOK_DIRS = ("docs/runbooks", "runbooks", "playbooks")


def detected_config(
    report: ScanReport, root: Path, warn: Callable[[str], None] = lambda message: None
) -> dict[str, Any]:
    """The configuration the scan implies, every value as detected or defaulted; `warn` hears
    of each name left out because TOML cannot hold it."""
    data = report.to_dict()
    defaults, policy = Settings(), PolicySettings()
    components: dict[str, list[str]] = {}  # root files stay in the default "(root)" component
    for name in sorted(c["name"] for c in data["components"] if c["name"] != "(root)"):
        if is_utf8(name):
            components[name] = [glob_escape(name) + ("/*" if name in CONTAINER_DIRS else "/**")]
        else:
            warn(
                f"component {valid_text(name)} left out of {CONFIG_NAME}: its name is not "
                "UTF-8, which TOML cannot hold; scans still find it as a default component"
            )
    config: dict[str, Any] = {
        "history": defaults.history,
        "activity_days": defaults.activity_days,
        "hotspot_min_commits": defaults.hotspot_min_commits,
        "components": components,
        "identity": {
            "merge_by_name": defaults.identity.merge_by_name,
            "bots": sorted({b["name"] for b in data["bots"] if b["name"] and is_utf8(b["name"])}),
        },
        "runbooks": {"max_age_days": defaults.runbooks.max_age_days},
        "policy": {
            "min_truck_factor": policy.min_truck_factor,
            "min_bus_factor": policy.min_bus_factor,
            "require_runbook_at_bus_factor": policy.require_runbook_at_bus_factor or 0,
            "ignore": list(policy.ignore),
        },
    }
    folders = sorted({d["path"].rpartition("/")[0] for d in data["decisions"]})
    unwritable = [folder for folder in folders if not is_utf8(folder)]
    if unwritable:  # [adr] dirs replaces discovery: naming only some would lose the others
        warn(
            f"[adr] dirs left out of {CONFIG_NAME}: the name of {valid_text(unwritable[0])} "
            "is not UTF-8, which TOML cannot hold; scans still find the ADR folders by themselves"
        )
    elif folders:
        config["adr"] = {"dirs": folders}
    for folder in _RUNBOOK_DIRS:
        if (root / folder).is_dir():
            config["runbooks"]["folder_found"] = folder
            break
    return config


def write_config(root: Path, config: dict[str, Any], *, dry_run: bool = False) -> tuple[Path, str]:
    """Create `.busfactor.toml` (exclusive create); refuse when any configuration exists."""
    existing = find_config(root)
    if existing is not None:
        raise RefusedError(f"{existing.name}: a configuration already exists; not touching it")
    runbooks = config.get("runbooks", {})
    folder = runbooks.pop("folder_found", None)
    text = "# Written by busfactor init from what the scan detected; edit freely.\n"
    if folder:
        text += f"# Runbooks were found in {folder}/.\n"
    text += tomli_w.dumps(config)
    target = root / CONFIG_NAME
    if dry_run:
        return target, text
    try:
        create_exclusive(target, text)  # the whole file or none, never over one
    except FileExistsError:
        raise RefusedError(f"{CONFIG_NAME}: already exists; not overwriting it") from None
    return target, text
