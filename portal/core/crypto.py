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
