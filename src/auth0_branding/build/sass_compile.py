"""libsass in this process: the compile the Sass worker runs, with imports kept in the brand.

libsass would read imported files itself, from anywhere and without limits, so every import
goes through an importer that resolves it inside the brand folder and reads it with
`read_source`.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import sass

from ..brand.sourcemap import source_version
from ..brand.sources import SourceError, confine, inside, read_source
from ..errors import BrandError, Location, StyleError, did_you_mean, display_path, line_of

TOKENS_IMPORT = "tokens"
# The path runs to the end of the line (brand folders may have spaces in their names), less
# the ", in function `f`" (or mixin) libsass appends inside a call.
_WHERE = re.compile(r"on line (\d+)(?::(\d+))? of (.+?)(?:, in (?:function|mixin) `[^`]*`)?\s*$",
                    re.MULTILINE)
# Imports libsass leaves to the browser as plain CSS `@import url(...)`.
CSS_IMPORT = re.compile(r"^(?:https?:|//|url\()|\.css$")
_STDIN = "stdin"  # what libsass calls a source compiled from a string
_AT_END = re.compile(r'expected "}", was ""$')
_UNDEFINED = re.compile(r'Undefined variable: "\$([\w-]+)"')
_DEFINED = re.compile(r"\$([\w-]+)\s*:")
# Strings and comments, where braces don't count.
_SKIPPED = re.compile(r'"(?:\\.|[^"\\\n])*"|\'(?:\\.|[^\'\\\n])*\'|/\*.*?\*/|//[^\n]*', re.DOTALL)
Deps = tuple[tuple[str, tuple | None], ...]


def compile_here(entry: str, root: str, tokens_scss: str,
                 where: Location | None = None) -> tuple[str, Deps]:
    """Compile in this process; return the CSS and the files read, with their versions."""
    texts: dict[str, str] = {}
    failures: list[BrandError] = []
    entry_text = read_source(Path(entry), Path(root), "style", where)
    texts[entry] = entry_text

    def importer(name: str, previous: str) -> tuple[tuple[str, str], ...] | None:
        if name in (TOKENS_IMPORT, f"_{TOKENS_IMPORT}"):
            return ((f"{TOKENS_IMPORT}.scss", tokens_scss),)
        if CSS_IMPORT.search(name):
            return None  # a plain CSS import: libsass writes it out, reading nothing
        parent = entry if previous == _STDIN else previous
        try:
            path = _resolve(name, parent, entry, root, texts)
            texts[path] = read_source(Path(path), Path(root), "style")
        except BrandError as error:
            failures.append(error)
            raise
        return ((path, texts[path]),)

    try:
        css = sass.compile(string=entry_text, importers=[(0, importer)],
                           output_style="compressed")
    except sass.CompileError as error:
        if failures:
            raise failures[0] from error
        raise _wrap(error, entry, {**texts, "tokens": tokens_scss}) from error
    # The folders too: a partial created there may now win an import's resolution.
    read = [*texts, *dict.fromkeys(os.path.dirname(path) for path in texts)]
    return css, tuple((path, source_version(path)) for path in read)


def _resolve(name: str, parent: str, entry: str, root: str, texts: dict[str, str]) -> str:
    """Find the file `@import name` in `parent` means, refusing one outside the brand."""
    where = Location(display_path(parent), _import_line(texts.get(parent, ""), name))
    stem = Path(name)
    # Beside the importing file first, then beside the entry (libsass's include path).
    for base in dict.fromkeys((Path(parent).parent, Path(entry).parent)):
        target = Path(os.path.normpath(base / stem))
        if stem.is_absolute() or not inside(target, Path(root)):
            raise SourceError(f"@import '{name}' lies outside the brand folder", where,
                              "import only Sass files inside the brand folder")
        for candidate in candidates(target):
            if os.path.lexists(candidate) and not os.path.isdir(candidate):
                confine(candidate, Path(root), where)  # a symlink out of the brand
                return str(candidate)
    raise StyleError(f"Sass error: File to import not found or unreadable: {name}.", where,
                     "fix the Sass source")


def candidates(stem: Path) -> tuple[Path, ...]:
    return (stem.with_name(f"_{stem.name}.scss"), stem.with_name(f"{stem.name}.scss"),
            stem.with_name(f"_{stem.name}"), stem)


def _import_line(text: str, name: str) -> int | None:
    return line_of(text, f'"{name}"') or line_of(text, f"'{name}'") or line_of(text, name)


def _wrap(error: sass.CompileError, entry: str, texts: dict[str, str]) -> StyleError:
    """Turn libsass's error into one with the source's line, and a did-you-mean where it can."""
    text = str(error)
    first = text.strip().splitlines()[0] if text.strip() else "Sass error"
    message = first.removeprefix("Error: ").strip()
    if "Unable to allocate memory" in message:  # the worker's memory limit (sass_worker)
        return StyleError("Sass compilation ran out of memory", Location(display_path(entry)),
                          "look for an endless @while or @for loop, or a string or list that "
                          "keeps growing")
    hint = "fix the Sass source"
    match = _WHERE.search(text)
    if match:
        path = entry if match.group(3) == _STDIN else match.group(3)
        if path.endswith(f"{TOKENS_IMPORT}.scss") and not Path(path).is_file():
            path = "design tokens (generated tokens.scss)"
            hint = "a token's value is not valid Sass: check brand/tokens/ and the tenant overrides"
        location = Location(display_path(path) if Path(path).exists() else path,
                            int(match.group(1)), int(match.group(2) or 0) or None)
        # libsass finds a missing "}" at the end of the file: point where the block opens.
        opened = _unclosed_line(texts.get(path, "")) if _AT_END.search(message) else None
        if opened is not None:
            return StyleError('Sass error: this block\'s "{" is never closed',
                              Location(location.path, opened), 'add the missing "}"')
    else:
        location = Location(display_path(entry))
    undefined = _UNDEFINED.search(message)
    if undefined:
        defined = {m.group(1) for each in texts.values() for m in _DEFINED.finditer(each)}
        hint = (did_you_mean(f"${undefined.group(1)}", {f"${name}" for name in defined})
                or "define it, or import the file that does")
    return StyleError(f"Sass error: {message}", location, hint)


def _unclosed_line(text: str) -> int | None:
    """Return the line of the innermost `{` never closed, skipping strings and comments."""
    opened: list[int] = []
    line, index = 1, 0
    while index < len(text):
        skip = _SKIPPED.match(text, index)
        if skip:
            line += skip.group().count("\n")
            index = skip.end()
            continue
        char = text[index]
        if char == "\n":
            line += 1
        elif char == "{":
            opened.append(line)
        elif char == "}" and opened:
            opened.pop()
        index += 1
    return opened[-1] if opened else None
