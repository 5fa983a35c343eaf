"""JSON files someone hands busfactor: reports to merge, a baseline, an organisation report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from busfactor.errors import UsageError


def read_json(path: Path, what: str) -> Any:
    """The parsed file, or one UsageError line saying why not (`what` names what was wanted).

    Such files are often hand-edited or from elsewhere: besides bad bytes and bad syntax,
    json refuses nesting deeper than the interpreter's stack (RecursionError) and integers
    longer than 4,300 digits (a plain ValueError).
    """
    try:
        return json.loads(path.read_bytes().decode("utf-8"))
    except OSError as error:
        raise UsageError(f"{path}: cannot read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise UsageError(f"{path}: not {what} (not UTF-8 text)") from None
    except json.JSONDecodeError as error:
        raise UsageError(f"{path}: not {what} (invalid JSON at line {error.lineno})") from None
    except RecursionError:
        raise UsageError(f"{path}: not {what} (nested too deeply)") from None
    except ValueError:
        raise UsageError(f"{path}: not {what} (a number too long to read)") from None
