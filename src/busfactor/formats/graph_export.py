"""`busfactor graph`: the ownership graph as GraphML or networkx node-link JSON."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
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


_NAMESPACES = (
    'xmlns="http://graphml.graphdrawing.org/xmlns" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
    'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
    'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd"'
)


def render_graphml(graph: nx.DiGraph[str]) -> str:
    """GraphML with list attributes stored as JSON strings (`graphml_chunks` as one text)."""
    return "".join(graphml_chunks(graph))


def graphml_chunks(graph: nx.DiGraph[str]) -> Iterator[str]:
    """The document `nx.write_graphml` writes for the graph, key for key and element for
    element, in pieces to write as they come.

    Not through networkx: its writer copies the graph and builds the whole XML tree before
    it writes a byte (35 s and 1.5 GB on 100,000 files). The keys head the document, so one
    pass over the attributes finds them first, in the order networkx numbers them.
    """
    keys: dict[tuple[str, str, str], str] = {}
    for scope, items in (
        ("graph", [graph.graph]),
        ("node", (attributes for _, attributes in graph.nodes(data=True))),
        ("edge", (attributes for _, _, attributes in graph.edges(data=True))),
    ):
        for attributes in items:
            for name, value in attributes.items():
                keys.setdefault((str(name), _xml_type(value), scope), f"d{len(keys)}")

    def data(scope: str, attributes: dict[str, Any], indent: str) -> str:
        parts = []
        for name, raw in attributes.items():
            key = keys[(str(name), _xml_type(raw), scope)]
            text = _escape(str(_scalar(raw)))
            if text:
                parts.append(f'{indent}<data key="{key}">{text}</data>')
            else:
                parts.append(f'{indent}<data key="{key}" />')
        return "".join(parts)

    yield f"<?xml version='1.0' encoding='utf-8'?>\n<graphml {_NAMESPACES}>"
    yield "".join(
        f'\n  <key id="{key}" for="{scope}" attr.name="{_escape_attribute(name)}" '
        f'attr.type="{xml_type}" />'
        for (name, xml_type, scope), key in reversed(keys.items())
    )
    if not graph.graph and not graph.number_of_nodes():
        yield '\n  <graph edgedefault="directed" />\n</graphml>\n'
        return
    yield '\n  <graph edgedefault="directed">'
    id_of = _node_ids(graph, xml_text)

    def elements() -> Iterator[str]:
        for node, attributes in graph.nodes(data=True):
            name = f'id="{_escape_attribute(id_of(node))}"'
            yield _element("node", name, data("node", attributes, "\n      "))
        for source, target, attributes in graph.edges(data=True):
            ends = (
                f'source="{_escape_attribute(id_of(source))}" '
                f'target="{_escape_attribute(id_of(target))}"'
            )
            yield _element("edge", ends, data("edge", attributes, "\n      "))

    yield from _batched(elements())
    # networkx puts the graph's own data after its nodes and edges
    yield data("graph", dict(graph.graph), "\n    ") + "\n  </graph>\n</graphml>\n"


def _node_ids(graph: nx.DiGraph[str], escape: Callable[[str], str]) -> Callable[[str], str]:
    """Each node's id in an export: its name as `escape` writes it, made unique when the
    escaping makes two names read alike (a file named `a` plus byte 0x01 and one named
    `a\\x01`: XML cannot hold the first as it is; a byte that is not UTF-8 and its `\\xff`
    spelling in JSON). networkx's writer merged such nodes into one; a second one now gets
    `~2`, and so on. Without escaped names, which is nearly always, no table."""
    escaped = {node: text for node in graph if (text := escape(node)) != node}
    if not escaped:
        return str
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for node in graph:
        text = escaped.get(node, node)
        unique, copy = text, 1
        while unique in taken:
            copy += 1
            unique = f"{text}~{copy}"
        taken.add(unique)
        ids[node] = unique
    return ids.__getitem__


def _element(tag: str, opening: str, inner: str) -> str:
    """A node or edge element at its level, as ElementTree lays it out."""
    if inner:
        return f"\n    <{tag} {opening}>{inner}\n    </{tag}>"
    return f"\n    <{tag} {opening} />"


def _batched(pieces: Iterable[str]) -> Iterator[str]:
    """The pieces joined in runs of `_BATCH`: one write per run, not per element."""
    batch: list[str] = []
    for piece in pieces:
        batch.append(piece)
        if len(batch) >= _BATCH:
            yield "".join(batch)
            batch.clear()
    yield "".join(batch)


_BATCH = 2000
"""Elements per piece written."""


def _xml_type(value: Any) -> str:
    """The GraphML type of what `_scalar` makes of `value`."""
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "long"
    return "double" if isinstance(value, float) else "string"


def _escape(text: str) -> str:
    """XML character data as ElementTree escapes it, and a carriage return as a reference:
    written raw, every XML parser reads it back as a line feed (end-of-line handling)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return text.replace("\r", "&#13;")


def _escape_attribute(text: str) -> str:
    """An XML attribute value in double quotes (as ElementTree escapes it)."""
    text = _escape(text).replace('"', "&quot;")
    return text.replace("\n", "&#10;").replace("\t", "&#09;")


def render_node_link(graph: nx.DiGraph[str]) -> str:
    """networkx node-link data (edges under "edges"), as one text."""
    return "".join(node_link_chunks(graph))


def node_link_chunks(graph: nx.DiGraph[str]) -> Iterator[str]:
    """`nx.node_link_data(graph, edges="edges")` as indented JSON, node by node and edge by
    edge: the text `dumps_indented(json_safe(...))` gives for the whole, without building
    it (on 100,000 files the dicts, their safe copy and the text took 880 MB). Each item is
    laid out alone and indented to its level: JSON text holds no raw line break but those
    of its layout."""
    head = {"directed": graph.is_directed(), "multigraph": False, "graph": graph.graph}
    yield dumps_indented(json_safe(head))[:-2] + ","
    id_of = _node_ids(graph, valid_text)
    nodes = ({**d, "id": id_of(n)} for n, d in graph.nodes(data=True))
    yield from _batched(_json_list("nodes", nodes))
    yield ","
    edges = ({**d, "source": id_of(u), "target": id_of(v)} for u, v, d in graph.edges(data=True))
    yield from _batched(_json_list("edges", edges))
    yield "\n}\n"


def _json_list(key: str, items: Iterable[dict[str, Any]]) -> Iterator[str]:
    """`"key": [...]` at the second level of indented JSON, an item at a time."""
    item_break = "\n    "
    opener = first = f'\n  "{key}": [' + item_break
    for item in items:
        yield opener + dumps_indented(json_safe(item)).replace("\n", item_break)
        opener = "," + item_break
    yield f'\n  "{key}": []' if opener == first else "\n  ]"
