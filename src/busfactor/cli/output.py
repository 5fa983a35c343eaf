"""The only stdout writer: report bytes, or an atomically written --output file."""

from __future__ import annotations

import errno
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import BinaryIO

from busfactor.errors import UsageError
from busfactor.new_files import new_file_mode


def write_report(text: str | Iterable[str], output: Path | None) -> None:
    """Write the report as UTF-8 to stdout, or replace `output` in one step (never half a
    file). A report given in pieces (a big graph export) is written piece by piece, never
    held whole."""
    pieces = [text] if isinstance(text, str) else text
    if output is None or str(output) == "-":
        _to_stdout(pieces, "strict")
        return
    write_atomically(output, (piece.encode("utf-8") for piece in pieces))


def write_text(text: str) -> None:
    """What a scaffold prints (a path, a draft), as UTF-8 whatever the locale or
    PYTHONIOENCODING says: an "ascii" stdout failed on the first accent. A path's bytes that
    are not UTF-8 are written as they are, so `$EDITOR "$(busfactor adr new …)"` opens it."""
    _to_stdout([text], "surrogateescape")


def _to_stdout(pieces: Iterable[str], errors: str) -> None:
    """Text as UTF-8 bytes on stdout, piece by piece, encoded with `errors`."""
    binary = getattr(sys.stdout, "buffer", None)
    if binary is None:  # a text-only stream (the terminal app, tests, embedding)
        for piece in pieces:
            sys.stdout.write(piece)
        return
    sys.stdout.flush()
    for piece in pieces:
        write_all(binary, piece.encode("utf-8", errors))
    binary.flush()


def write_all(stream: BinaryIO, data: bytes) -> None:
    """Every byte, or an OSError. A buffered write can take part of the data and say so
    without raising (a file-size limit, a disk that fills): the report would end mid-way
    with exit code 0. Writing the rest makes the system say why it cannot."""
    view = memoryview(data)
    while view:
        written = stream.write(view)
        if not written:
            raise OSError(errno.EIO, "the output took no more bytes")
        view = view[written:]


_WHOLE = (
    "a report replaces its file whole, through a new file in the same folder: that folder "
    "must be writable and the file not a mount of its own (mount its folder instead)"
)


def write_atomically(target: Path, data: bytes | Iterable[bytes]) -> None:
    """Write to a temporary file beside `target`, then rename it into place.

    A target that exists and is not a regular file (`/dev/null`, a FIFO, `/dev/stdout`) is
    written into instead: renaming over it would replace the device or pipe with a file. A
    symbolic link (`latest.json` -> this week's report) is kept: the file it names is
    replaced.
    """
    chunks = [data] if isinstance(data, bytes) else data
    if target.is_symlink():
        resolved = target.resolve()
        if resolved.exists() or not target.exists():
            # a link to a file (kept: the file it names is replaced), or one to a file not
            # there yet (`>` in a shell creates it; renaming over the link lost it)
            target = resolved
        # else a link to what has no path: `/dev/stdout` on a pipe reads `pipe:[8348018]`
    directory = target.parent if str(target.parent) else Path(".")
    if target.is_dir():
        raise UsageError(f"{target}: is a directory")
    if target.exists() and not target.is_file():
        try:
            with open(target, "wb") as stream:
                for chunk in chunks:
                    write_all(stream, chunk)
        except OSError as error:
            raise UsageError(f"{target}: cannot write ({error.strerror})") from None
        return
    try:
        handle, temporary = tempfile.mkstemp(prefix=f".{target.name}.", dir=directory)
    except OSError as error:
        raise UsageError(
            f"{target}: cannot write ({error.strerror})",
            hint=_WHOLE if target.exists() else None,
        ) from None
    try:
        with os.fdopen(handle, "wb") as stream:
            for chunk in chunks:
                write_all(stream, chunk)
            stream.flush()
            os.fsync(stream.fileno())
        if target.exists():
            os.chmod(temporary, target.stat().st_mode & 0o777)
        else:
            os.chmod(temporary, new_file_mode())
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        hint = _WHOLE if error.errno in (errno.EBUSY, errno.EXDEV) else None
        raise UsageError(f"{target}: cannot write ({error.strerror})", hint=hint) from None
    except BaseException:  # the pieces failed to come, or Ctrl-C: no stray temporary file
        Path(temporary).unlink(missing_ok=True)
        raise
