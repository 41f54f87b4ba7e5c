"""Every service-owned URL starts with the service's slug; this puts the service on `g`."""

from flask import Flask, abort, g


def init_tenancy(app: Flask) -> None:
    """Load the service named in the URL, and fill it in when building URLs."""

    @app.url_value_preprocessor
    def load_service(endpoint, values):
        g.service = None
        if values and "service" in values:
            from portal.organisation.services import find_service

            service = find_service(values.pop("service"))
            if service is None:
                abort(404)
            g.service = service

    @app.url_defaults
    def add_service(endpoint, values):
        if "service" in values or not getattr(g, "service", None):
            return
        if app.url_map.is_endpoint_expecting(endpoint, "service"):
            values["service"] = g.service.slug


def current_service():
    """The service this request is for, or None on pages outside any service."""
    return getattr(g, "service", None)


def guess_service_from_path(path: str):
    """The service a URL's first segment names, for pages (like a 404) routing never reached."""
    from portal.organisation.services import find_service

    slug = path.strip("/").split("/", 1)[0]
    return find_service(slug) if slug else None
