"""URL helpers."""

from urllib.parse import urlsplit


def safe_next(target: str | None, fallback: str) -> str:
    """`target` when it is a path on this site, otherwise `fallback` (no open redirects)."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return fallback
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return fallback
    return target
