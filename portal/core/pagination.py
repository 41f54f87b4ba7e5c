"""GOV.UK pagination for any paged list: the first, last, current and neighbouring pages,
with gaps between, so a list of any length gives a short row of links."""

from collections.abc import Callable

from flask_babel import gettext as _
from markupsafe import Markup, escape


def govuk_pagination(page: int, pages: int, href: Callable[[int], str], label: str) -> dict | None:
    """The `govukPagination` parameters for page `page` of `pages`, or None for one page."""
    if pages <= 1:
        return None
    shown = sorted({1, pages, page - 1, page, page + 1} & set(range(1, pages + 1)))
    items, previous = [], 0
    for number in shown:
        if number - previous > 1:
            items.append({"ellipsis": True})
        items.append(
            {
                "number": number,
                "href": href(number),
                "current": number == page,
                "visuallyHiddenText": _("Page %(number)s", number=number),
            }
        )
        previous = number
    hidden = Markup('<span class="govuk-visually-hidden"> {}</span>').format(_("page"))
    return {
        "landmarkLabel": label,
        "items": items,
        "previous": {"href": href(page - 1), "html": escape(_("Previous")) + hidden}
        if page > 1
        else None,
        "next": {"href": href(page + 1), "html": escape(_("Next")) + hidden}
        if page < pages
        else None,
    }
