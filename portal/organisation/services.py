"""Finding services and deriving what the pages need from their settings."""

import re

from sqlalchemy import select

from portal.core.extensions import db
from portal.organisation.models import FosteringService

HEX_COLOUR = re.compile(r"^#[0-9a-fA-F]{6}$")


def list_active_services() -> list[FosteringService]:
    """Every active service, by name."""
    return list(
        db.session.scalars(
            select(FosteringService)
            .where(FosteringService.is_active.is_(True))
            .order_by(FosteringService.name)
        )
    )


def find_service(slug: str) -> FosteringService | None:
    """The active service with this slug, if there is one."""
    return db.session.scalar(
        select(FosteringService).where(
            FosteringService.slug == slug, FosteringService.is_active.is_(True)
        )
    )


def _relative_luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(first: str, second: str) -> float:
    """WCAG contrast ratio between two #rrggbb colours."""
    a, b = sorted((_relative_luminance(first), _relative_luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def brand_colours(service: FosteringService) -> tuple[str, str]:
    """The header colour and a text colour that reads on it at 4.5:1 or better."""
    colour = service.brand_colour if HEX_COLOUR.match(service.brand_colour or "") else "#1d70b8"
    text = "#ffffff" if contrast_ratio(colour, "#ffffff") >= 4.5 else "#0b0c0c"
    return colour.lower(), text
