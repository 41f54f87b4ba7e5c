"""`flask keys rotate`: re-encrypt stored text under the newest DATA_ENCRYPTION_KEYS key."""

import click
from flask.cli import AppGroup

from portal.core.crypto import rotate_all

keys_cli = AppGroup("keys", help="Encryption keys for what people send.")


@keys_cli.command("rotate")
def rotate_command() -> None:
    """Re-encrypt every stored message, request and complaint under the first key.

    Put the new key first in DATA_ENCRYPTION_KEYS (keep the old one after it), run this,
    then remove the old key.
    """
    for table, count in rotate_all().items():
        click.echo(f"keys: {table}: {count} rows re-encrypted")
