"""Find the brand's token files and the order they are merged in.

Two layouts are read:

- DTCG: every file named `*.tokens` or `*.tokens.json` in `tokens/` and its subfolders,
  merged in the order of their paths relative to `tokens/`, compared folder by folder
  (`a.tokens.json`, `b/c.tokens.json`, `b/d/e.tokens.json`, `c.tokens.json`). A token
  defined again in a later file overrides the earlier one (with a warning).
- Tokens Studio: a `tokens/$metadata.json` lists the token sets in its `tokenSetOrder`; each
  set is the file `<set>.json`. `tokens/$themes.json` names themes, each enabling some sets;
  a tenant's `tokens_themes` picks some (one per theme group, say "light" and "desktop"), so
  only their sets are merged (in `tokenSetOrder`). Without it, every set is merged.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ...errors import Location, Problem, TokenError, did_you_mean, display_path, printable
from ..sources import SourceError, read_source

TOKEN_SUFFIXES = (".tokens", ".tokens.json")
METADATA = "$metadata.json"
THEMES = "$themes.json"


@dataclass(frozen=True)
class TokenLayout:
    """The token files to read, in merge order, and the Tokens Studio themes if any."""

    files: tuple[Path, ...]
    # Theme name -> each set it uses ("source" or "enabled"), in tokenSetOrder (Tokens Studio).
    themes: Mapping[str, tuple[tuple[Path, str], ...]]
    # The files every build reads besides the token files (Tokens Studio's two).
    extra: tuple[Path, ...] = ()
    # JSON files in tokens/ not named as token files: left unread, with a warning.
    ignored: tuple[Path, ...] = ()

    @property
    def studio(self) -> bool:
        return bool(self.extra)

    def files_for(self, themes: tuple[str, ...], where: Location) -> tuple[Path, ...]:
        """Return the files a tenant with `tokens_themes = [...]` merges (all: no themes)."""
        if not themes:
            return self.files
        statuses: dict[Path, str] = {}
        for theme in themes:
            if theme not in self.themes:
                hint = did_you_mean(theme, self.themes) or (
                    f"use one of {', '.join(sorted(self.themes))}" if self.themes
                    else f"define themes in tokens/{THEMES} (Tokens Studio)")
                raise TokenError(f"unknown Tokens Studio theme '{printable(theme)}'", where, hint)
            for path, status in self.themes[theme]:
                if statuses.get(path) != "enabled":
                    statuses[path] = status
        # "source" sets only feed aliases in Tokens Studio; here every chosen set is merged,
        # "enabled" ones after "source" ones so that they win, each group in tokenSetOrder.
        ordered = [p for p in self.files if statuses.get(p) == "source"]
        return (*ordered, *(p for p in self.files if statuses.get(p) == "enabled"))


def find_token_files(tokens_dir: Path, root: Path) -> TokenLayout:
    """Return the brand's token files; `root` is the brand folder every file must lie in."""
    metadata = tokens_dir / METADATA
    if os.path.lexists(metadata):
        return _studio(tokens_dir, root)
    found, ignored = _walk(tokens_dir)
    return TokenLayout(tuple(found), {}, ignored=tuple(ignored))


def ignored_problems(layout: TokenLayout) -> tuple[Problem, ...]:
    """Warn of each JSON file that is not read because of its name (it once was)."""
    return tuple(Problem("warning", "token-file-ignored",
                         f"not read: token files are named *{TOKEN_SUFFIXES[1]} or "
                         f"*{TOKEN_SUFFIXES[0]} (rename it to {path.stem}.tokens.json)",
                         Location(display_path(path))) for path in layout.ignored)


def _walk(tokens_dir: Path) -> tuple[list[Path], list[Path]]:
    # The folder itself must be listable: glob would take an unreadable one for an empty
    # one. Whatever a name leads to (a folder named like a file, a FIFO, a link out of the
    # brand) is refused when the file is read, through read_source.
    found: list[Path] = []
    ignored: list[Path] = []
    pending = [tokens_dir]
    while pending:
        folder = pending.pop()
        try:
            names = sorted(os.listdir(folder))
        except FileNotFoundError:
            if folder == tokens_dir:
                return [], []
            continue
        except OSError as error:
            raise SourceError(f"cannot list the token folder ({error.strerror})",
                              Location(display_path(folder)),
                              "make it readable by the user running the build") from error
        for name in names:
            path = folder / name
            if name.startswith("."):
                continue
            if name.endswith(TOKEN_SUFFIXES):
                found.append(path)
            elif name.endswith(".json"):
                ignored.append(path)
            elif path.is_dir() and not path.is_symlink():
                pending.append(path)
    return sorted(found, key=lambda p: p.relative_to(tokens_dir).parts), sorted(ignored)


def _studio(tokens_dir: Path, root: Path) -> TokenLayout:
    metadata_path = tokens_dir / METADATA
    metadata = _json(metadata_path, root)
    order = metadata.get("tokenSetOrder") if isinstance(metadata, dict) else None
    if not isinstance(order, list) or not all(isinstance(s, str) and s for s in order):
        raise TokenError("$metadata.json needs a tokenSetOrder list of token set names",
                         Location(display_path(metadata_path), 1),
                         'write {"tokenSetOrder": ["core", "semantic"]}')
    files = {name: _set_file(tokens_dir, name, metadata_path) for name in order}
    themes: dict[str, tuple[tuple[Path, str], ...]] = {}
    themes_path = tokens_dir / THEMES
    extra = [metadata_path]
    if os.path.lexists(themes_path):
        extra.append(themes_path)
        themes = _themes(_json(themes_path, root), order, files, themes_path)
    return TokenLayout(tuple(files.values()), themes, tuple(extra))


def _set_file(tokens_dir: Path, name: str, metadata: Path) -> Path:
    path = tokens_dir / f"{name}.json"
    if ".." in Path(name).parts or not os.path.lexists(path):
        raise TokenError(f"token set '{name}' has no file {display_path(path)}",
                         Location(display_path(metadata)),
                         "export the set from Tokens Studio, or remove it from tokenSetOrder")
    return path


def _themes(data: object, order: list[str], files: Mapping[str, Path], shown: Path
            ) -> dict[str, tuple[tuple[Path, str], ...]]:
    where = Location(display_path(shown), 1)
    if not isinstance(data, list):
        raise TokenError("$themes.json must hold a list of themes", where,
                         "export it again from Tokens Studio")
    themes: dict[str, tuple[tuple[Path, str], ...]] = {}
    for theme in data:
        sets = theme.get("selectedTokenSets") if isinstance(theme, dict) else None
        name = theme.get("name") if isinstance(theme, dict) else None
        if not isinstance(name, str) or not isinstance(sets, dict):
            raise TokenError("each theme in $themes.json needs a name and selectedTokenSets",
                             where, "export it again from Tokens Studio")
        unknown = [s for s in sets if s not in files]
        if unknown:
            raise TokenError(f"theme '{name}' enables token set '{unknown[0]}', which "
                             "$metadata.json does not list", where,
                             did_you_mean(unknown[0], files) or "add it to tokenSetOrder")
        themes[name] = tuple((files[s], sets[s]) for s in order
                             if sets.get(s) in ("source", "enabled"))
    return themes


def _json(path: Path, root: Path) -> object:
    text = read_source(path, root, "tokens")
    try:
        return json.loads(text)
    except ValueError as error:
        raise TokenError(f"malformed JSON: {error}", Location(display_path(path)),
                         "export it again from Tokens Studio") from error
