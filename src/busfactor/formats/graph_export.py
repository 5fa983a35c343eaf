"""`busfactor graph`: the ownership graph as GraphML or networkx node-link JSON."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import networkx as nx

from busfactor.formats.indented_json import dumps_indented
from busfactor.formats.text_safety import json_safe, valid_text

_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(value: str) -> str:
    """Valid UTF-8 with the characters XML 1.0 forbids shown as escapes."""
    return _NOT_XML.sub(lambda m: m.group().encode("unicode_escape").decode(), valid_text(value))


def _scalar(value: Any) -> Any:
    """GraphML holds scalars only (lists become JSON text) and XML forbids control characters."""
    if isinstance(value, str):
        return xml_text(value)
    if value is None:
        return ""
    if isinstance(value, bool | int | float):
        return value
    return json.dumps(json_safe(value), ensure_ascii=False)


def render_graphml(graph: nx.DiGraph[str]) -> str:
    """GraphML with list attributes stored as JSON strings."""
    flat: nx.DiGraph[str] = nx.DiGraph()
    flat.graph.update({key: _scalar(value) for key, value in graph.graph.items()})
    for node, data in graph.nodes(data=True):
        flat.add_node(xml_text(node), **{k: _scalar(v) for k, v in data.items()})
    for source, target, data in graph.edges(data=True):
        flat.add_edge(
            xml_text(source), xml_text(target), **{k: _scalar(v) for k, v in data.items()}
        )
    buffer = io.BytesIO()
    nx.write_graphml(flat, buffer, encoding="utf-8")
    return buffer.getvalue().decode("utf-8")


def render_node_link(graph: nx.DiGraph[str]) -> str:
    """networkx node-link data (edges under "edges")."""
    data = nx.node_link_data(graph, edges="edges")
    return dumps_indented(json_safe(data)) + "\n"
