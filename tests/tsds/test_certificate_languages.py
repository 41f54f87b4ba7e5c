"""The TSDS certificate in the language of the carer downloading it: its words from the
catalogue, its date and list of names in that language, Urdu and Gujarati in fonts with
their letters, shaped; and English, with a warning, when a script's font is missing.

The PDF is read back as a PDF reader reads it for copying and searching: each font's
ToUnicode map turns the glyph codes drawn on the page back into text, line by line."""

import logging
import re
import zlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from babel.dates import format_date
from babel.lists import format_list
from flask_babel import force_locale, gettext

from portal.accounts.models import CarerType, Role
from portal.core.db import utcnow
from portal.core.extensions import db
from portal.core.times import london_today
from portal.tsds import services
from tests.conftest import sign_in

ROOT = Path(__file__).resolve().parents[2]
# The project's node_modules, where `npm ci` puts the font packages.
FONT_DIRS = [ROOT / "node_modules"]
SIGNED_OFF_ON = date(2026, 6, 1)


# ---- reading the PDF back ---------------------------------------------------------------

OBJECT = re.compile(rb"(\d+) 0 obj")
ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
CONTENT = re.compile(
    rb"/(?P<font>F\d+) [\d.]+ Tf"
    # A line starts at its Td; Tm only nudges a glyph (a mark above a letter) within it.
    rb"|(?P<x>-?[\d.]+) (?P<y>-?[\d.]+) Td"
    rb"|(?P<string>\((?:\\.|[^\\)])*\))\s*Tj"
    rb"|\[(?P<array>(?:\((?:\\.|[^\\)])*\)|[^\]()])*)\]\s*TJ",
    re.S,
)


def _objects(pdf: bytes) -> dict[int, tuple[bytes, bytes | None]]:
    """Each object's dictionary and its stream (inflated), by object number."""
    objects = {}
    position = 0
    while match := OBJECT.search(pdf, position):
        start = match.end()
        stream, end = pdf.find(b"stream", start), pdf.find(b"endobj", start)
        if stream != -1 and stream < end:
            head = pdf[start:stream]
            length = int(re.search(rb"/Length (\d+)", head)[1])
            begin = stream + len(b"stream")
            begin += 2 if pdf[begin : begin + 2] == b"\r\n" else 1
            body = pdf[begin : begin + length]
            if b"/FlateDecode" in head:
                body = zlib.decompress(body)
            objects[int(match[1])] = (head, body)
            position = begin + length
        else:
            objects[int(match[1])] = (pdf[start:end], None)
            position = end
    return objects


def _literal(token: bytes) -> bytes:
    """The bytes of a PDF literal string such as (a\\(b\\))."""
    out, inner, i = bytearray(), token[1:-1], 0
    while i < len(inner):
        if inner[i : i + 1] == b"\\":
            following = inner[i + 1 : i + 2]
            octal = re.match(rb"[0-7]{1,3}", inner[i + 1 : i + 4])
            if octal:
                out.append(int(octal[0], 8) & 0xFF)
                i += 1 + len(octal[0])
                continue
            out += ESCAPES.get(following, following)
            i += 2
        else:
            out += inner[i : i + 1]
            i += 1
    return bytes(out)


def _to_unicode(cmap: bytes) -> dict[int, str]:
    pairs = re.findall(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]*)>", cmap)
    return {int(code, 16): bytes.fromhex(text.decode()).decode("utf-16-be") for code, text in pairs}


def read_pdf(pdf: bytes) -> tuple[list[list[str]], set[str]]:
    """The PDF's lines of text, top to bottom, each as the text of every glyph drawn on it
    in drawing order (left to right); and the names of the fonts it embeds."""
    objects = _objects(pdf)
    heads = b" ".join(head for head, _body in objects.values())
    fonts, maps = set(), {}
    for name, number in re.findall(rb"/(F\d+) (\d+) 0 R", heads):
        head = objects[int(number)][0]
        base = re.search(rb"/BaseFont /(\S+)", head)
        unicode = re.search(rb"/ToUnicode (\d+) 0 R", head)
        if base:
            fonts.add(base[1].decode().split("+")[-1])
        if unicode:
            maps[name] = _to_unicode(objects[int(unicode[1])][1])
    lines: dict[float, list[str]] = {}
    font, y = None, None
    for head, body in objects.values():
        if body is None or b"BT" not in body or b"/Type /Page" in head:
            continue
        for token in CONTENT.finditer(body):
            if token["font"]:
                font = token["font"]
            elif token["y"]:
                y = round(float(token["y"]), 1)
            else:
                strings = (
                    [token["string"]]
                    if token["string"]
                    else re.findall(rb"\((?:\\.|[^\\)])*\)", token["array"])
                )
                for string in strings:
                    codes = _literal(string)
                    glyphs = [
                        maps.get(font, {}).get(int.from_bytes(codes[i : i + 2], "big"), "")
                        for i in range(0, len(codes), 2)
                    ]
                    lines.setdefault(y, []).extend(glyphs)
    return [lines[y] for y in sorted(lines, reverse=True)], fonts


def _is_rtl(text: str) -> bool:
    return any("\u0590" <= c <= "\u08ff" or "\ufb1d" <= c <= "\ufefc" for c in text)


def _is_ltr(text: str) -> bool:
    return any(c.isalnum() for c in text) and not _is_rtl(text)


def _right_to_left(line: list[str]) -> str:
    """A line of a right-to-left paragraph in reading order: its glyphs reversed, except
    that each stretch of left-to-right words (names, numbers) keeps its own order."""
    glyphs = list(reversed(line))
    ltr = [i for i, glyph in enumerate(glyphs) if _is_ltr(glyph)]
    i = 0
    while i < len(ltr):
        start = end = ltr[i]
        while i + 1 < len(ltr) and not any(_is_rtl(g) for g in glyphs[end : ltr[i + 1]]):
            i += 1
            end = ltr[i]
        glyphs[start : end + 1] = reversed(glyphs[start : end + 1])
        i += 1
    return "".join(glyphs)


def readings(line: list[str]) -> set[str]:
    """A line as text: read left to right, and read as a right-to-left paragraph."""
    return {"".join(line), _right_to_left(line)}


def has_line(lines: list[list[str]], text: str) -> bool:
    """Some line reads exactly `text`."""
    return any(text in readings(line) for line in lines)


def mentions(lines: list[list[str]], text: str) -> bool:
    """Some line contains `text`, read either way."""
    return any(text in reading for line in lines for reading in readings(line))


# ---- the certificate, downloaded --------------------------------------------------------


@pytest.fixture
def signed_off(leicestershire, make_user):
    """A signed-off household of two carers; returns a function that signs one in."""
    manager = make_user(leicestershire, Role.SERVICE_MANAGER, name="Morgan Reed")
    carers = [
        make_user(leicestershire, Role.APPROVED_CARER, email="ali@example.org", name="Ali Khan"),
        make_user(leicestershire, Role.APPROVED_CARER, email="bo@example.org", name="Bo Łukasz"),
    ]
    household = services.create_household(
        leicestershire,
        name="Khan and Łukasz",
        carers=carers,
        carer_type=CarerType.MAINSTREAM,
        approved_on=london_today(utcnow()) - timedelta(days=300),
    )
    household.signed_off_on = SIGNED_OFF_ON
    household.signed_off_by_id = manager.id
    db.session.commit()
    return household


@pytest.fixture
def fonts(app, monkeypatch):
    """The script fonts where the certificate looks for them."""
    monkeypatch.setitem(app.config, "PDF_FONT_DIRS", [str(folder) for folder in FONT_DIRS])


def _download(client, language: str) -> bytes:
    sign_in(client, "ali@example.org")
    assert client.get(f"/language/{language}").status_code == 302
    response = client.get("/leicestershire/tsds/certificate.pdf")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/pdf"
    return response.data


def _expected(language: str) -> dict[str, str]:
    """What the certificate should say, from the catalogue and from Babel's own data."""
    with force_locale(language):
        return {
            "title": gettext("Certificate of completion"),
            "certify": gettext("This is to certify that"),
        }


SCRIPT_FONT = {"pl": "DejaVuSans", "ur": "NotoNaskhArabic", "gu": "NotoSansGujarati"}


@pytest.mark.parametrize("language", ["pl", "ur", "gu"])
def test_the_certificate_is_in_the_language_of_the_carer_downloading_it(
    client, signed_off, fonts, language
):
    pdf = _download(client, language)
    assert pdf.startswith(b"%PDF-")
    assert f"/Lang ({language})".encode() in pdf
    lines, embedded = read_pdf(pdf)
    assert any(font.startswith(SCRIPT_FONT[language]) for font in embedded)
    expected = _expected(language)
    assert has_line(lines, expected["title"])
    assert has_line(lines, expected["certify"])
    # The names joined as the language joins a list ("Ali Khan i Bo Łukasz").
    assert has_line(lines, format_list(["Ali Khan", "Bo Łukasz"], locale=language))
    # The date with the month's name in the language ("czerwca", "જૂન", "جون").
    month = format_date(SIGNED_OFF_ON, "MMMM", locale=language)
    assert month != format_date(SIGNED_OFF_ON, "MMMM", locale="en")
    assert mentions(lines, month)
    assert mentions(lines, "Leicestershire County Council")


def test_english_stays_english_in_dejavu(client, signed_off):
    pdf = _download(client, "en")
    lines, embedded = read_pdf(pdf)
    assert any(font.startswith("DejaVuSans") for font in embedded)
    assert has_line(lines, "Certificate of completion")
    assert has_line(lines, "Ali Khan and Bo Łukasz")
    assert has_line(
        lines, "have completed the Training, Support and Development Standards for Foster Care"
    )
    assert mentions(lines, "Signed off by Morgan Reed on 1 June 2026.")


def test_without_a_scripts_font_the_certificate_is_english_and_a_warning_is_logged(
    app, client, signed_off, monkeypatch, tmp_path, caplog
):
    monkeypatch.setitem(app.config, "PDF_FONT_DIRS", [str(tmp_path)])
    with caplog.at_level(logging.WARNING, logger="portal.tsds.certificate"):
        pdf = _download(client, "gu")
    assert "noto-sans-gujarati" in caplog.text
    assert b"/Lang (en)" in pdf
    lines, embedded = read_pdf(pdf)
    assert not any(font.startswith("NotoSansGujarati") for font in embedded)
    assert has_line(lines, "Certificate of completion")
    assert mentions(lines, "1 June 2026")
