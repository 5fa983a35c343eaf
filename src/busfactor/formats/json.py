"""`--format json`: the `busfactor.scan/1` contract (docs/json-contract.md)."""

from __future__ import annotations

import json

from busfactor.core.report import ScanReport
from busfactor.formats.text_safety import json_safe


def render_json(report: ScanReport) -> str:
    """Indented, key order as documented, valid UTF-8, newline at the end."""
    return json.dumps(json_safe(report.to_dict()), indent=2, ensure_ascii=False) + "\n"
