"""`render`: print one output as the preview renders it, for scripts and debugging."""

from __future__ import annotations

from pathlib import Path

import click

from .group import brand_option, cli, handles_errors


@cli.command()
@click.argument("output")
@brand_option
@click.option("--tenant", help="The tenant whose output it is (default: the first).")
@click.option("--scenario", help="The scenario to render in (default: the output's first).")
@click.option("--locale", "language", metavar="LANGUAGE",
              help="Render for a reader of this language (default: the scenario's own).")
@click.option("--data", "data_file", type=click.Path(path_type=Path), metavar="FILE.json",
              help="A JSON object merged over the scenario's data.")
@click.option("--subject", is_flag=True, help="Print the email's subject, not its HTML.")
@handles_errors
def render(output: str, brand_dir: Path, tenant: str | None, scenario: str | None,
           language: str | None, data_file: Path | None, subject: bool) -> None:
    """Print OUTPUT rendered as the preview shows it (e.g. emails/verify_email, pages/login).

    OUTPUT is `kinds/name`, a bare name, or a dist path such as dev/emails/verify_email.html.
    The output goes to stdout unchanged; problems go to stderr with exit 1.
    """
    from ..brand.scenarios import load_scenarios
    from ..build.builder import build
    from ..errors import RenderError
    from ..render.languages import Languages
    from ..render.output import load_data, render_output

    data = load_data(data_file) if data_file is not None else None
    result = build(brand_dir, [tenant] if tenant else [])
    sample = render_output(
        result.artifacts, output, tenant or result.tenants[0].name, load_scenarios(brand_dir),
        scenario=scenario, language=language, languages=Languages.of(result), data=data,
    )
    if not subject:
        click.echo(sample.html, nl=False)
        return
    if sample.artifact.kind != "email":
        raise click.UsageError(f"--subject: {output} is a {sample.artifact.kind}, not an email")
    if sample.subject is None:
        raise RenderError(f"email '{sample.artifact.name}' has no subject")
    click.echo(sample.subject)
