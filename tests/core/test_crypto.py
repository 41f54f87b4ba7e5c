"""Encryption at rest: round trips, key rotation, and ciphertext in the database."""

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import Column, Integer, MetaData, Table, select, text

from portal.core import crypto
from portal.core.extensions import db

OLD, NEW = Fernet.generate_key().decode(), Fernet.generate_key().decode()


def test_text_comes_back_and_is_not_stored_in_the_clear(app):
    token = crypto.encrypt("I don't feel safe at home")
    assert "safe" not in token
    assert crypto.decrypt(token) == "I don't feel safe at home"


def test_a_new_key_in_front_still_reads_old_text_and_rotation_moves_it(app, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (OLD,))
    old_token = crypto.encrypt("message")
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (NEW, OLD))
    assert crypto.decrypt(old_token) == "message"
    rotated = crypto.rotate(old_token)
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (NEW,))
    assert crypto.decrypt(rotated) == "message"
    with pytest.raises(crypto.DecryptionFailed):
        crypto.decrypt(old_token)


def test_without_keys_nothing_is_encrypted(app, monkeypatch):
    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", ())
    with pytest.raises(RuntimeError, match="DATA_ENCRYPTION_KEYS"):
        crypto.encrypt("x")


def test_an_encrypted_column_holds_ciphertext_and_reads_back_plain_text(app):
    metadata = MetaData()
    notes = Table(
        "crypto_test_note",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("body", crypto.EncryptedText()),
    )
    metadata.create_all(db.engine)
    try:
        with db.engine.begin() as connection:
            connection.execute(notes.insert().values(id=1, body="running away tonight"))
            stored = connection.execute(text("SELECT body FROM crypto_test_note")).scalar()
            read = connection.execute(select(notes.c.body)).scalar()
        assert "running" not in stored
        assert read == "running away tonight"
    finally:
        metadata.drop_all(db.engine)
