"""`flask demo load`: the seed services and demo accounts, never in production."""

import click
from flask.cli import AppGroup

from portal.demo.services import load_demo_data

demo_cli = AppGroup("demo", help="Demo data for trying the portal.")


@demo_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when the database has no services yet.")
def load_command(if_empty: bool) -> None:
    """Load the two seed services with an account for every role."""
    if load_demo_data(only_if_empty=if_empty):
        click.echo("demo: loaded Leicestershire and Lancashire with demo accounts")
    else:
        click.echo("demo: the database already has services; nothing loaded")
