"""`flask retention purge`: remove records past the time each service keeps them."""

import click
from flask import current_app
from flask.cli import AppGroup

from portal.core.db import utcnow
from portal.privacy.retention import purge

retention_cli = AppGroup("retention", help="Keep records only as long as each service says.")


@retention_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Say what would go, and change nothing.")
def purge_command(dry_run: bool) -> None:
    """Delete (or strip the names from) every record past its service's keeping period.

    Safe to run again: a second run finds nothing. Each kind removed is written to the
    service's audit log as a count, without names.
    """
    done = purge(now=utcnow(), dry_run=dry_run)
    verb = "would go" if dry_run else "removed"
    by_service: dict[str, list] = {}
    for line in done:
        by_service.setdefault(line.service.slug, []).extend([line] if line.count else [])
    # The kinds' names are translatable text, which needs a request to pick its language.
    with current_app.test_request_context():
        for slug, lines in by_service.items():
            if not lines:
                click.echo(f"{slug}: nothing is past its keeping period")
                continue
            click.echo(f"{slug}:")
            for line in lines:
                after = f"{line.period} {line.kind.unit_of()}"
                click.echo(f"  {line.kind.label} (after {after}): {line.count} {verb}")
