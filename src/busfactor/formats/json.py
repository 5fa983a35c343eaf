"""`--format json`: the `busfactor.scan/1` contract (docs/json-contract.md)."""

from __future__ import annotations

from busfactor.core.report import ScanReport
from busfactor.formats.indented_json import dumps_indented
from busfactor.formats.text_safety import json_safe


def render_json(report: ScanReport) -> str:
    """Indented, key order as documented, valid UTF-8, newline at the end.

    Almost every report is valid UTF-8 as it stands, so the walk that rewrites undecodable
    bytes runs only when the text says it must (it costs as much as the encoding itself).
    """
    data = report.to_dict()
    text = dumps_indented(data)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = dumps_indented(json_safe(data))
    return text + "\n"
