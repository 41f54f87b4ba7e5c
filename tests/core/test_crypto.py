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


def test_flask_keys_rotate_re_encrypts_every_stored_row_under_the_new_key(
    app, monkeypatch, leicestershire
):
    from portal.childrens_rights.models import Conversation, RightsMessage
    from portal.complaints.models import Complainant, Complaint, ComplaintStage
    from portal.core.db import utcnow

    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (OLD,))
    now = utcnow()
    conversation = Conversation(
        service_id=leicestershire.id, reference="CR-TEST01", phrase_hash="x", name="Sam"
    )
    conversation.messages.append(
        RightsMessage(service_id=leicestershire.id, author="young-person", body="Help me")
    )
    complaint = Complaint(
        service_id=leicestershire.id,
        reference="CP-TEST01",
        phrase_hash="x",
        complainant=Complainant.PARENT,
        body="A complaint",
        email=None,
        received_on=now.date(),
    )
    complaint.stages.append(
        ComplaintStage(
            service_id=leicestershire.id, number=1, requested_on=now.date(), due_on=now.date()
        )
    )
    db.session.add_all([conversation, complaint])
    db.session.commit()

    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (NEW, OLD))
    result = app.test_cli_runner().invoke(args=["keys", "rotate"])
    assert result.exit_code == 0, result.output
    assert "rights_message: 1 rows re-encrypted" in result.output
    assert "complaint: 1 rows re-encrypted" in result.output

    monkeypatch.setitem(app.config, "DATA_ENCRYPTION_KEYS", (NEW,))
    db.session.expire_all()
    assert db.session.scalar(select(RightsMessage.body)) == "Help me"
    assert db.session.scalar(select(Conversation.name)) == "Sam"
    assert db.session.scalar(select(Complaint.body)) == "A complaint"
    assert db.session.scalar(select(Complaint.email)) is None
