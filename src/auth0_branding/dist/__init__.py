"""dist/: written whole from a build (staged, then exchanged), read back verified for publishing."""

from __future__ import annotations

from .folder import output_lock, refuse_unsafe, resolve_output
from .manifest import MANIFEST, manifest_of
from .reader import Dist, DistTenant, load_dist
from .spool import Spool, spooling
from .writer import write_dist

__all__ = ["MANIFEST", "Dist", "DistTenant", "Spool", "load_dist", "manifest_of", "output_lock",
           "refuse_unsafe", "resolve_output", "spooling", "write_dist"]
