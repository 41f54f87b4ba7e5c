"""Shared, feature-agnostic pieces: database, audit log, access, htmx, i18n, errors, outbox."""
