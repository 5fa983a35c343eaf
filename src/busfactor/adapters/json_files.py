"""JSON files someone hands busfactor: reports to merge, a baseline, an organisation report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from busfactor.errors import UsageError

MAX_JSON_FILE = 512 << 20
"""Far above any report: one of a 100,000-file repository is about 20 MB."""


def read_json(path: Path, what: str) -> Any:
    """The parsed file, or one UsageError line saying why not (`what` names what was wanted).

    Such files are often hand-edited or from elsewhere: besides bad bytes and bad syntax,
    json refuses nesting deeper than the interpreter's stack (RecursionError) and integers
    longer than 4,300 digits (a plain ValueError).
    """
    try:
        with path.open("rb") as stream:
            raw = stream.read(MAX_JSON_FILE + 1)  # /dev/zero given by mistake ends here
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
    if len(raw) > MAX_JSON_FILE:
        raise UsageError(f"{path}: not {what} (larger than 512 MiB)")
    try:
        return json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not {what} (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: not {what} (invalid JSON at line {error.lineno})") from None
    except RecursionError:
        raise UsageError(f"{path}: not {what} (nested too deeply)") from None
    except ValueError:
        raise UsageError(f"{path}: not {what} (a number too long to read)") from None
