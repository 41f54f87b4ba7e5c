"""Files people upload: checked by what they contain (not their name) and by size, stored
under a random name outside any public path, and handed back only through views that check
who is asking, under a name the server chooses."""

import io
import secrets
import zipfile
from dataclasses import dataclass
from pathlib import Path

from flask import abort, current_app, send_file
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError


@dataclass(frozen=True)
class Kind:
    """A kind of file we accept."""

    extension: str
    mimetype: str


PDF = Kind("pdf", "application/pdf")
PNG = Kind("png", "image/png")
JPEG = Kind("jpg", "image/jpeg")
DOCX = Kind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
KINDS = {kind.extension: kind for kind in (PDF, PNG, JPEG, DOCX)}


class Rejected(ValueError):
    """The file is empty, too big, or not a kind we accept; `reason` says which."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def kind_of(data: bytes) -> Kind | None:
    """What the bytes are, whatever the file was called."""
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except zipfile.BadZipFile:
            return None
        if {"[Content_Types].xml", "word/document.xml"} <= names:
            return DOCX
    return None


def check(stream) -> tuple[bytes, Kind]:
    """Read an uploaded file and say what it is, or raise Rejected."""
    limit = current_app.config["UPLOAD_MAX_BYTES"]
    data = stream.read(limit + 1)
    if not data:
        raise Rejected("empty")
    if len(data) > limit:
        raise Rejected("too-big")
    kind = kind_of(data)
    if kind is None:
        raise Rejected("kind")
    return data, kind


def _root() -> Path:
    return Path(current_app.config["UPLOAD_DIRECTORY"])


def store(data: bytes, kind: Kind, *, service_id: int) -> str:
    """Keep the file; returns its key (a random name, never the uploader's)."""
    key = f"{service_id}/{secrets.token_urlsafe(24)}.{kind.extension}"
    path = _root() / key
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return key


def path_of(key: str) -> Path:
    """Where a stored file is; keys are ours, but refuse anything that leaves the root."""
    root = _root().resolve()
    path = (root / key).resolve()
    if root not in path.parents:
        raise FileNotFoundError(key)
    return path


def remove(key: str | None) -> None:
    """Delete a stored file (a replaced or removed attachment)."""
    if key:
        path_of(key).unlink(missing_ok=True)


def rejection_message(reason: str):
    """What to say beside a file field about a Rejected file (translated when shown)."""
    return {
        "empty": _l("The selected file is empty"),
        "too-big": _l("The selected file must be smaller than 10 MB"),
        "kind": _l("The selected file must be a PDF, a JPG or PNG photo, or a Word document"),
    }[reason]


def check_field(field) -> tuple[bytes, Kind] | None:
    """Check a form's file field: None when no file was chosen, else what `check` finds;
    a rejected file raises ValidationError with the message for its reason."""
    if not getattr(field.data, "filename", None):
        return None
    try:
        return check(field.data.stream)
    except Rejected as rejected:
        raise ValidationError(rejection_message(rejected.reason)) from None


def send(key: str | None, extension: str | None, download_name: str):
    """A stored file as a download under `download_name` (ours, never the uploader's),
    never cached; 404 when there is no such file."""
    if not key or extension not in KINDS:
        abort(404)
    try:
        path = path_of(key)
    except FileNotFoundError:
        abort(404)
    if not path.is_file():
        abort(404)
    kind = KINDS[extension]
    response = send_file(
        path,
        mimetype=kind.mimetype,
        as_attachment=True,
        download_name=f"{download_name}.{kind.extension}",
        max_age=0,
    )
    response.headers["Cache-Control"] = "no-store"
    return response
