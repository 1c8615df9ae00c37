"""A generated fleet: the reference brand with N tenants, for the cache tests and benchmarks."""

from __future__ import annotations

import colorsys
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def fleet_brand(folder: Path, tenants: int, *, distinct: bool = True,
                manage: tuple[str, ...] | None = None, inliner: str = "premailer") -> Path:
    """Copy the reference brand into `folder`/brand with `tenants` generated tenants.

    `distinct`: each tenant has its own name and primary colour; else they all share the
    brand's tokens and variables (only their domains differ).
    """
    brand = folder / "brand"
    shutil.copytree(ROOT / "brand", brand)
    config = brand / "brand.toml"
    config.write_text(config.read_text().replace('inliner = "premailer"',
                                                 f'inliner = "{inliner}"'))
    lines = []
    for index in range(tenants):
        name = f"customer{index:04d}"
        lines += [
            f"[tenants.{name}]",
            f'domain = "{name}.eu.auth0.com"',
            f'custom_domain = "login.{name}.example"',
            f'client_id_env = "AUTH0_{name.upper()}_CLIENT_ID"',
            f'client_secret_env = "AUTH0_{name.upper()}_CLIENT_SECRET"',
        ]
        if manage is not None:
            lines.append("manage = [" + ", ".join(f'"{m}"' for m in manage) + "]")
        if distinct:
            red, green, blue = colorsys.hls_to_rgb(index / tenants, 0.35, 0.6)
            lines += [
                f"[tenants.{name}.variables]",
                f'company_name = "Customer {index:04d} Outfitters"',
                f"[tenants.{name}.tokens]",
                f'"color.brand.primary" = "#{int(red * 255):02x}{int(green * 255):02x}'
                f'{int(blue * 255):02x}"',
            ]
        lines.append("")
    (brand / "tenants.toml").write_text("\n".join(lines))
    return brand
