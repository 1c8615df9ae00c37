"""Build, check, preview and publish Auth0 branding from one brand source folder."""

__version__ = "0.1.0"
