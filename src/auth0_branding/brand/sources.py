"""Read brand sources as a sandbox: inside the brand folder, regular files, bounded, UTF-8.

Every file the build reads from the brand folder goes through `read_source`, so a symlink
out of the brand, a FIFO, a folder named like a file, a huge or undecodable file all end in
one `SourceError` that says what, where and what to do, never in a hang or a traceback.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import BrandError, Location, display_path

MIB = 1024 * 1024
# Generous for real brands (the reference brand's largest source is a few KiB), small enough
# that refusing happens in milliseconds rather than after minutes of parsing.
SIZE_LIMITS = {
    "config": 1 * MIB,
    "tokens": 8 * MIB,
    "style": 2 * MIB,
    "template": 1 * MIB,
    "fixture": 4 * MIB,
    "translations": 4 * MIB,
}
KIND_NAMES = {
    "config": "configuration",
    "tokens": "token",
    "style": "Sass",
    "template": "template",
    "fixture": "fixture",
    "translations": "translation",
}


class SourceError(BrandError):
    """A brand source file cannot be read safely."""


def confine(path: Path, root: Path, where: Location | None = None) -> Path:
    """Return `path` with symlinks resolved, refusing one that leads out of `root`.

    `where` is the place that named the path (a brand.toml key, an @import); by default the
    path itself.
    """
    shown = Location(display_path(path)) if where is None else where
    try:
        resolved = Path(os.path.realpath(path, strict=True))
    except FileNotFoundError as error:
        raise SourceError(f"file not found: {display_path(path)}", shown,
                          "create it, or fix the name that points at it") from error
    except OSError as error:
        # ELOOP: realpath reports a symlink loop as an OSError.
        raise SourceError(f"symlink loop at {display_path(path)}", shown,
                          "point the symlink at a real file inside the brand folder") from error
    root_resolved = Path(os.path.realpath(root))
    if resolved != root_resolved and not resolved.is_relative_to(root_resolved):
        raise SourceError(f"{display_path(path)} lies outside the brand folder", shown,
                          "keep every source inside the brand folder; copy the file in instead"
                          " of linking to it")
    return resolved


def inside(path: Path, root: Path) -> bool:
    """Tell whether `path` lies in `root` by its name alone (`..` resolved, symlinks not)."""
    lexical, top = Path(os.path.normpath(path)), Path(os.path.normpath(root))
    return lexical == top or lexical.is_relative_to(top)


def confine_name(name: str, root: Path, where: Location, what: str) -> Path:
    """Return `root / name` for a name the brand wrote (a setting, an @import), kept inside `root`.

    Refuses an absolute name or one whose `..` climbs out, whether or not the file exists;
    a name that exists is also followed through its symlinks (see `confine`). `what` names
    the file in the message ("styles.page", "the @import").
    """
    lexical = Path(os.path.normpath(root / name))
    if Path(name).is_absolute() or not inside(lexical, root):
        raise SourceError(f"{what} '{name}' lies outside the brand folder", where,
                          "use a path relative to the brand folder, inside it")
    if os.path.lexists(lexical):
        confine(lexical, root, where)  # a symlink out of the brand is refused here too
    return lexical


def read_source(path: Path, root: Path, kind: str, where: Location | None = None) -> str:
    """Read the text of one brand source of `kind` (see SIZE_LIMITS), confined to `root`."""
    resolved = confine(path, root, where)
    shown = display_path(path)
    noun = KIND_NAMES[kind]
    try:
        info = os.stat(resolved)
    except OSError as error:
        raise SourceError(f"cannot read {noun} file ({error.strerror})", Location(shown),
                          "check the file's permissions") from error
    if stat.S_ISDIR(info.st_mode):
        raise SourceError(f"expected a {noun} file, found a folder", Location(shown),
                          "rename the folder, or move it out of the way")
    if not stat.S_ISREG(info.st_mode):
        raise SourceError(f"not a regular file (a FIFO, socket or device): {noun} sources must "
                          "be plain files", Location(shown), "replace it with a regular file")
    limit = SIZE_LIMITS[kind]
    if info.st_size > limit:
        raise SourceError(
            f"{noun} file is {_size(info.st_size)}, over the {_size(limit)} limit",
            Location(shown), "split it, or remove generated or pasted content")
    try:
        with open(resolved, "rb") as handle:
            data = handle.read(limit + 1)
    except PermissionError as error:
        raise SourceError(f"cannot read {noun} file (permission denied)", Location(shown),
                          "make it readable by the user running the build") from error
    except OSError as error:
        raise SourceError(f"cannot read {noun} file ({error.strerror})", Location(shown),
                          "check the file and the disk") from error
    if len(data) > limit:  # it grew between stat and read
        raise SourceError(f"{noun} file is over the {_size(limit)} limit", Location(shown),
                          "split it, or remove generated or pasted content")
    return decode_source(data, shown)


def decode_source(data: bytes, shown: str) -> str:
    """Decode UTF-8 (a leading BOM is dropped), refusing bad bytes and NULs at their line."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(f"not valid UTF-8 (byte 0x{data[error.start]:02x})",
                          Location(shown, line), "save the file as UTF-8") from error
    nul = text.find("\x00")
    if nul >= 0:
        raise SourceError("contains a NUL byte", Location(shown, text.count("\n", 0, nul) + 1),
                          "remove it: Auth0 and browsers treat NUL as the end of the text")
    return text


def nesting_line(text: str, limit: int) -> int:
    """Return the line where `[` and `{` first nest deeper than `limit`.

    Brackets in strings and in `#` comments (TOML; JSON has none) do not count.
    """
    depth, quote, escaped, comment, line = 0, "", False, False, 1
    for char in text:
        if char == "\n":
            line, comment = line + 1, False
        elif comment:
            continue
        elif quote:
            closes = char == quote and not escaped
            escaped = not escaped and char == "\\"
            quote = "" if closes else quote
        elif char in "\"'":
            quote = char
        elif char == "#":
            comment = True
        elif char in "[{":
            depth += 1
            if depth > limit:
                return line
        elif char in "]}":
            depth -= 1
    return line


def _size(size: int) -> str:
    return f"{size / MIB:.1f} MiB" if size >= MIB else f"{size / 1024:.0f} KiB"
