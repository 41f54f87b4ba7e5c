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


@demo_cli.command("scale")
@click.option("--carers", default=100_000, show_default=True, help="Approved carers to add.")
@click.option("--events", default=5_000, show_default=True, help="Information events to add.")
@click.option(
    "--training-records",
    default=1_000_000,
    show_default=True,
    help="Carers' places on past training sessions to add.",
)
def scale_command(carers: int, events: int, training_records: int) -> None:
    """Add a large, realistic data set to the demo, for measuring the portal at scale."""
    import time

    from flask import current_app

    from portal.demo.scale import add_scale

    if not current_app.config.get("DEMO_DATA"):
        raise click.ClickException("Demo data is not allowed in this environment.")
    started = time.perf_counter()
    scaled = add_scale(carers=carers, events=events, training_records=training_records)
    click.echo(
        f"demo: added {scaled.carers:,} carers, {scaled.events:,} events, "
        f"{scaled.training_sessions:,} training sessions and {scaled.training_records:,} "
        f"training records in {time.perf_counter() - started:.1f} s"
    )
