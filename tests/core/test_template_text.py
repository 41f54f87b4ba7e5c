"""Every word a template shows is marked for translation: the scan `make babel-check` runs,
tried on the real templates and on a template with each kind of bare text planted in it."""

import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("babel_check", ROOT / "scripts" / "babel_check.py")
babel_check = importlib.util.module_from_spec(spec)
spec.loader.exec_module(babel_check)


def test_no_template_holds_text_that_is_not_marked_for_translation():
    assert babel_check.untranslatable_templates() == []


def test_the_scan_finds_each_kind_of_bare_text(tmp_path):
    templates = tmp_path / "templates" / "feature"
    templates.mkdir(parents=True)
    (templates / "page.html").write_text(
        '{% extends "layout.html" %}\n'
        "{% block content %}\n"
        '<h1>{{ _("Marked") }}</h1>\n'
        "{% trans name=x %}Marked too, {{ name }}{% endtrans %}\n"
        "{% if shown %}\n"
        '  <p class="govuk-body">Bare words</p>\n'
        "{% endif %}\n"
        '<a href="{{ url }}" aria-label="Close the panel">{{ _("Close") }}</a>\n'
        "<code>portal_session</code>\n"
        '{{ govukButton({"text": "Save it", "classes": "govuk-button--secondary"}) }}\n'
        '{{ govukButton({"text": _("Saved")}) }}\n'
        "{% endblock %}\n",
        encoding="utf-8",
    )
    (templates / "email.txt").write_text(
        '{{ _("Hello") }}\nA bare line\nhttps://example.org/page data/booking.json\n',
        encoding="utf-8",
    )
    found = babel_check.untranslatable_templates(tmp_path)
    assert found == [
        "templates/feature/email.txt:2: not marked for translation: A bare line",
        "templates/feature/page.html:6: not marked for translation: Bare words",
        'templates/feature/page.html:8: not marked for translation: aria-label="Close the panel"',
        "templates/feature/page.html:10: not marked for translation: text: 'Save it'",
    ]
