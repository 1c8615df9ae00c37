"""The pure build: Sass, build-time Jinja and CSS inlining into a `BuildResult` in memory.

`build.parallel.build_and_check` builds and checks many tenants over worker processes; it
is not re-exported here, as it needs `checks`, which needs the records defined here.
"""

from __future__ import annotations

from .artifacts import Artifact
from .builder import BuildResult, build, build_tenant
from .inline import inline_css
from .styles import compile_css
from .templates import Renderer

__all__ = ["Artifact", "BuildResult", "Renderer", "build", "build_tenant", "compile_css",
           "inline_css"]
