"""Build-time Jinja: delimiters that cannot collide with Liquid, and strict undefined."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from types import TracebackType
from typing import Any

import jinja2

from ..brand.sourcemap import source_version
from ..brand.sources import read_source
from ..brand.tokens import TokenGroup
from ..errors import BrandError, Location, TemplateError, did_you_mean, display_path
from .cache import MISSING, active
from .localise import Localiser, liquid
from .render_cache import reads_templates, referenced_templates, render_key, sources_known

# Liquid owns {{ }} and {% %}; CSS and HTML own single brackets. These stay out of their way.
DELIMITERS = {
    "block_start_string": "[%",
    "block_end_string": "%]",
    "variable_start_string": "[[",
    "variable_end_string": "]]",
    "comment_start_string": "[#",
    "comment_end_string": "#]",
}
# What a string needs Jinja for: a tag, a newline Jinja normalises, or a NUL it must refuse.
_JINJA_OR_CR = re.compile(r"\[\[|\[%|\[#|[\r\x00]")


class _StrictUndefined(jinja2.StrictUndefined):
    """Fail on any use of a missing name, suggesting the closest defined one."""

    __slots__ = ()

    def _fail_with_undefined_error(self, *args: Any, **kwargs: Any) -> Any:
        raise _UndefinedNameError(self._undefined_name, self._undefined_obj)

    __str__ = __iter__ = __len__ = __bool__ = __eq__ = __ne__ = __hash__ = (  # type: ignore
        _fail_with_undefined_error
    )
    __add__ = __radd__ = __getitem__ = __lt__ = __le__ = __gt__ = __ge__ = (  # type: ignore
        _fail_with_undefined_error
    )


class _UndefinedNameError(jinja2.UndefinedError):
    def __init__(self, name: str | None, owner: Any) -> None:
        super().__init__(f"'{name}' is undefined")
        self.name = name
        self.owner = owner


class _BrandLoader(jinja2.BaseLoader):
    """Load templates through `read_source`: inside the brand folder, bounded, UTF-8, no NUL.

    Names are split as Jinja's own FileSystemLoader splits them, so `../` in an include is
    still "not found" rather than a way out.
    """

    def __init__(self, templates_dir: Path, root: Path) -> None:
        self.templates_dir = templates_dir
        self.root = root

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = jinja2.loaders.split_template_path(template)
        filename = os.path.normpath(os.path.join(self.templates_dir, *pieces))
        if not os.path.lexists(filename):
            raise jinja2.TemplateNotFound(template)
        text = read_source(Path(filename), self.root, "template")
        version = source_version(filename)
        return text, filename, lambda: source_version(filename) == version

    def list_templates(self) -> list[str]:
        return sorted(_walk(self.templates_dir))


def _walk(folder: Path) -> Iterator[str]:
    for directory, _, files in os.walk(folder):
        for name in files:
            yield os.path.relpath(os.path.join(directory, name), folder).replace(os.sep, "/")


@lru_cache(maxsize=8)
def shared_renderer(templates_dir: Path) -> Renderer:
    """Return this process's renderer of a templates folder, kept from build to build.

    What it keeps (Jinja's compiled templates, the facts of each file) is checked against
    each file's version before use, so an edited template is read again and nothing else.
    """
    return Renderer(templates_dir)


class Renderer:
    """Render the brand's templates; one per brand folder, shared by all tenants."""

    def __init__(self, templates_dir: Path, root: Path | None = None) -> None:
        self.templates_dir = templates_dir
        # The brand folder is the sandbox: a template may link to a file anywhere inside it.
        self.root = root if root is not None else templates_dir.parent
        self.env = jinja2.Environment(
            loader=_BrandLoader(templates_dir, self.root),
            undefined=_StrictUndefined,
            autoescape=jinja2.select_autoescape(["html", "htm"], default_for_string=False),
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
            block_start_string=DELIMITERS["block_start_string"],
            block_end_string=DELIMITERS["block_end_string"],
            variable_start_string=DELIMITERS["variable_start_string"],
            variable_end_string=DELIMITERS["variable_end_string"],
            comment_start_string=DELIMITERS["comment_start_string"],
            comment_end_string=DELIMITERS["comment_end_string"],
        )
        self._string_templates: dict[str, jinja2.Template] = {}
        # Globals, not context: imported macros see them too, without `with context`.
        self._localiser: Localiser | None = None
        self.env.globals.update(t=self._t, t_script=self._t_script, liquid=liquid,
                                language_tag=self._language_tag,
                                text_direction=self._text_direction)

    @contextmanager
    def localised(self, localiser: Localiser | None) -> Iterator[Localiser | None]:
        """Render with `localiser` answering t() and its kin (None: a one-language brand)."""
        earlier, self._localiser = self._localiser, localiser
        try:
            yield localiser
        finally:
            self._localiser = earlier

    def _current(self, name: str) -> Localiser:
        if self._localiser is None:
            raise TemplateError(f"{name}() needs the brand's languages", None,
                                "add a [languages] table to brand.toml")
        return self._localiser

    @jinja2.pass_eval_context
    def _t(self, context: jinja2.nodes.EvalContext, key: str, **values: object) -> str:
        return self._current("t").t("html" if context.autoescape else "text", key, **values)

    def _t_script(self, key: str, **values: object) -> str:
        return self._current("t_script").t("script", key, **values)

    def _language_tag(self) -> str:
        return self._current("language_tag").language_tag()

    def _text_direction(self) -> str:
        return self._current("text_direction").text_direction()

    def exists(self, name: str) -> bool:
        # lexists: a broken link, a loop or a folder is the loader's to name, not "missing".
        return os.path.lexists(self.templates_dir / name)

    def render(self, name: str, context: Mapping[str, Any]) -> str:
        """Render the template `name` (relative to templates/) with `context`.

        Renders are cached by what they read (`render_cache`); a cached one replays what
        the render told the localiser (the texts it read, whether it chose a language).
        """
        localiser = self._localiser
        key = render_key(self.env, self.templates_dir, self.root, name, context, localiser)
        cache = active()
        if key is not None:
            found = cache.get("render", key)
            if found is not MISSING:
                html, used, chose = found
                if localiser is not None:
                    localiser.used.update(used)
                    localiser.chose = localiser.chose or chose
                return str(html)
        before = (set(localiser.used), localiser.chose) if localiser is not None else None
        html = self._render(name, context)
        if key is not None:
            used, chose = [], False
            if localiser is not None and before is not None:
                used, chose = sorted(localiser.used - before[0]), localiser.chose and not before[1]
            cache.put("render", key, [html, used, chose])
        return html

    def _render(self, name: str, context: Mapping[str, Any]) -> str:
        try:
            template = self.env.get_template(name)
            html = template.render(context)
        except BrandError as error:
            if error.location is not None or not isinstance(error, TemplateError):
                raise
            # t() knows what is wrong, the traceback where: the template's line.
            where = _template_frame(error.__traceback__, self.templates_dir)
            raise TemplateError(error.message, where or Location(
                display_path(self.templates_dir / name)), error.hint) from error
        except Exception as error:  # noqa: BLE001 - every Jinja failure becomes a TemplateError
            raise self._wrap(error, name, context) from error
        _refuse_nul(html, Location(display_path(self.templates_dir / name)))
        return html

    def render_string(self, source: str, context: Mapping[str, Any], location: Location) -> str:
        """Render a short string (an email subject, a From) from the configuration."""
        if not _JINJA_OR_CR.search(source):
            return source  # what Jinja would return: no tag, and no newline to normalise
        try:
            template = self._string_templates.get(source)
            if template is None:
                template = self._string_templates[source] = self.env.from_string(source)
            text = template.render(context)
        except BrandError as error:
            if error.location is not None or not isinstance(error, TemplateError):
                raise
            raise TemplateError(error.message, location, error.hint) from error
        except jinja2.TemplateNotFound as error:
            missing = str(error.name)
            raise TemplateError(f"template not found: '{missing}'", location,
                                did_you_mean(missing, self.env.list_templates())
                                or f"create templates/{missing} or fix the name") from error
        except jinja2.TemplateSyntaxError as error:
            raise TemplateError(f"template syntax error: {error.message}", location,
                                "check the [[ ]] and [% %] tags") from error
        except _UndefinedNameError as error:
            raise TemplateError(_undefined_message(error), location,
                                _undefined_hint(error, context)) from error
        except Exception as error:  # noqa: BLE001 - a bad value is the user's, not a crash
            raise TemplateError(f"template error: {error}", location,
                                "fix the value's [[ ]] and [% %] tags") from error
        _refuse_nul(text, location)
        return text

    def sources_of(self, name: str) -> tuple[str, ...]:
        """Return `name` and every template it extends, includes or imports, recursively."""
        return referenced_templates(self.env, self.templates_dir, self.root, name)

    def sources_known(self, name: str, *strings: str) -> bool:
        """Tell whether `sources_of(name)` is all that rendering `name` and `strings` reads."""
        return (sources_known(self.env, self.templates_dir, self.root, name)
                and not any(reads_templates(self.env, s) for s in strings))

    def _wrap(self, error: Exception, name: str, context: Mapping[str, Any]) -> TemplateError:
        if isinstance(error, jinja2.TemplateNotFound):
            missing = error.name or name
            where = _template_frame(error.__traceback__, self.templates_dir)
            candidates = self.env.list_templates()
            return TemplateError(
                f"template not found: '{missing}'",
                where or Location(display_path(self.templates_dir / name)),
                did_you_mean(str(missing), candidates)
                or f"create templates/{missing} or fix the name",
            )
        if isinstance(error, jinja2.TemplateSyntaxError):
            path = error.filename or str(self.templates_dir / name)
            return TemplateError(
                f"template syntax error: {error.message}",
                Location(display_path(path), error.lineno),
                "check the [[ ]] and [% %] tags",
            )
        where = _template_frame(error.__traceback__, self.templates_dir) or Location(
            display_path(self.templates_dir / name)
        )
        if isinstance(error, _UndefinedNameError):
            return TemplateError(_undefined_message(error), where, _undefined_hint(error, context))
        return TemplateError(f"template error: {error}", where, "fix the template")


def _refuse_nul(text: str, location: Location) -> None:
    # Sources hold no NUL (read_source), but a "\x00" in a Jinja string literal makes one.
    if "\x00" in text:
        raise TemplateError("the rendered output contains a NUL character", location,
                            "remove the \\x00 (or \\0) escape from the template")


def _undefined_message(error: _UndefinedNameError) -> str:
    owner = error.owner
    if isinstance(owner, TokenGroup):
        path = f"{owner.path}.{error.name}" if owner.path else error.name
        return f"unknown token '{path}'"
    if isinstance(owner, Mapping):
        return f"undefined variable '{error.name}'"
    if owner is not jinja2.utils.missing:
        return f"'{type(owner).__name__}' has no attribute '{error.name}'"
    return f"undefined variable '{error.name}'"


def _undefined_hint(error: _UndefinedNameError, context: Mapping[str, Any]) -> str:
    owner = error.owner
    if not isinstance(owner, Mapping) and error.name in context:
        # Defined for the page, yet undefined here: an imported macro sees no context.
        return "import it with the context: [% from '...' import ... with context %]"
    candidates = owner if isinstance(owner, Mapping) else context
    suggestion = did_you_mean(str(error.name), [str(key) for key in candidates])
    if suggestion and isinstance(owner, TokenGroup) and owner.path:
        suggestion = suggestion.replace("'", f"'{owner.path}.", 1)
    return suggestion or "define it, or guard it with [% if ... is defined %]"


def _template_frame(traceback: TracebackType | None, templates_dir: Path) -> Location | None:
    """Find the innermost traceback frame that runs inside one of the brand's templates."""
    root = str(templates_dir.resolve())
    found = None
    while traceback is not None:
        filename = traceback.tb_frame.f_code.co_filename
        if filename.startswith(root) or filename.startswith(str(templates_dir)):
            found = Location(display_path(filename), traceback.tb_lineno)
        traceback = traceback.tb_next
    return found
