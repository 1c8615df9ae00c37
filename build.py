"""Run the auth0-branding CLI from a checkout: `python build.py <command>`."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent / "src"))

from auth0_branding.cli import main  # noqa: E402

if __name__ == "__main__":
    main()
