"""`busfactor init`: a `.busfactor.toml` with what the scan detected, written once, never over.

Written with tomli-w (which keeps no comments, so a file a person edited is never rewritten:
an existing configuration, `pyproject.toml` included, makes init refuse).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import tomli_w

from busfactor.adapters.config import find_config
from busfactor.core.filters import glob_escape
from busfactor.core.report import ScanReport
from busfactor.core.settings import PolicySettings, Settings
from busfactor.errors import RefusedError

CONFIG_NAME = ".busfactor.toml"
_RUNBOOK_DIRS = ("docs/runbooks", "runbooks", "playbooks")


def detected_config(report: ScanReport, root: Path) -> dict[str, Any]:
    """The configuration the scan implies, every value as detected or defaulted."""
    data = report.to_dict()
    defaults, policy = Settings(), PolicySettings()
    components = {  # files at the root stay in the default "(root)" component
        c["name"]: [glob_escape(c["name"]) + "/**"]
        for c in sorted(data["components"], key=lambda c: c["name"])
        if c["name"] != "(root)"
    }
    config: dict[str, Any] = {
        "history": defaults.history,
        "activity_days": defaults.activity_days,
        "hotspot_min_commits": defaults.hotspot_min_commits,
        "components": components,
        "identity": {
            "merge_by_name": defaults.identity.merge_by_name,
            "bots": sorted({bot["name"] for bot in data["bots"] if bot["name"]}),
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
    if folders:
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
        descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except FileExistsError:
        raise RefusedError(f"{CONFIG_NAME}: already exists; not overwriting it") from None
    with os.fdopen(descriptor, "w", encoding="utf-8") as stream:
        stream.write(text)
    return target, text
