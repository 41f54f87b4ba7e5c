"""Encryption at rest for what young people send: Fernet keys from the environment.

`DATA_ENCRYPTION_KEYS` holds one or more Fernet keys separated by commas, newest first.
New text is encrypted with the first key; text under any listed key can be read, so a key
is rotated by putting a new one in front, re-encrypting stored rows with `rotate()`, and
then dropping the old key.
"""

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from flask import current_app
from sqlalchemy.types import Text, TypeDecorator


class DecryptionFailed(RuntimeError):
    """Stored text could not be read with any configured key."""


def _fernet() -> MultiFernet:
    keys = [key.strip() for key in current_app.config["DATA_ENCRYPTION_KEYS"] if key.strip()]
    if not keys:
        raise RuntimeError("DATA_ENCRYPTION_KEYS must hold at least one Fernet key.")
    return MultiFernet([Fernet(key) for key in keys])


def encrypt(text: str) -> str:
    """Ciphertext (as text) for `text` under the newest key."""
    return _fernet().encrypt(text.encode()).decode()


def decrypt(token: str) -> str:
    """The text behind `token`, under whichever configured key made it."""
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("no configured key opens this text") from None


def rotate(token: str) -> str:
    """The same text re-encrypted under the newest key."""
    try:
        return _fernet().rotate(token.encode()).decode()
    except InvalidToken:
        raise DecryptionFailed("no configured key opens this text") from None


class EncryptedText(TypeDecorator):
    """A column whose text is stored encrypted and read back in the clear."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return None if value is None else encrypt(value)

    def process_result_value(self, value, dialect):
        return None if value is None else decrypt(value)


def encrypted_columns():
    """(table, [columns]) for every table with encrypted text, from the models' metadata."""
    from portal.core.extensions import db

    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, EncryptedText)]
        if columns:
            yield table, columns


def rotate_all(batch: int = 500) -> dict[str, int]:
    """Re-encrypt every stored value under the newest key; returns rows rewritten per table.

    Values are read and written as raw text (the column type would decrypt on read and
    encrypt again on write), a batch at a time, so a large table never sits in memory.
    """
    from sqlalchemy import literal, select, type_coerce

    from portal.core.extensions import db

    rewritten = {}
    for table, columns in encrypted_columns():
        key = table.c.id
        raw = [type_coerce(column, Text).label(column.name) for column in columns]
        last_id, count = 0, 0
        while True:
            rows = db.session.execute(
                select(key, *raw).where(key > last_id).order_by(key).limit(batch)
            ).all()
            if not rows:
                break
            for row in rows:
                values = {
                    column.name: literal(rotate(getattr(row, column.name)), Text)
                    for column in columns
                    if getattr(row, column.name) is not None
                }
                if values:
                    db.session.execute(table.update().where(key == row.id).values(values))
                    count += 1
            db.session.commit()
            last_id = rows[-1].id
        rewritten[table.name] = count
    return rewritten
