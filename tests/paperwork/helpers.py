"""Factories for paperwork tests: an application decided by the weekly meeting, files."""

from io import BytesIO

from flask import current_app
from sqlalchemy import select

from portal.applications import services as applications
from portal.applications.models import Application, Stage
from portal.core import uploads
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.visits.models import VisitRecord
from tests.applications.helpers import visited as _visited
from tests.conftest import csrf_from, parse

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def make_application(service, person, *, visitor, decider, stage=Stage.PAPERWORK) -> Application:
    """`person`'s application, decided at the weekly meeting after a written visit."""
    booking = _visited(service, visitor, person)
    record = db.session.scalar(select(VisitRecord).where(VisitRecord.booking_id == booking.id))
    with current_app.test_request_context(f"/{service.slug}/"):
        return applications.decide(
            service,
            record,
            decision=stage,
            reasons="Strong motivation; a spare room.",
            present="Robin Recruitment (chair)",
            by=decider,
            now=utcnow(),
        )


def upload(client, url, data: bytes, filename: str, expected_status=302, form_page=None):
    """Post a file to an upload page through the real form, CSRF token included."""
    token = csrf_from(client.get(form_page or url))
    response = client.client.post(
        url,
        data={"csrf_token": token, "document": (BytesIO(data), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code == expected_status, response.get_data(as_text=True)[:500]
    return parse(response)


def as_upload(data: bytes = PDF) -> tuple[bytes, uploads.Kind]:
    """A file as `uploads.check` would hand it over, for services called directly."""
    return data, uploads.kind_of(data)
