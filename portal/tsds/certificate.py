"""The TSDS certificate as a one-page PDF, made on request (nothing is stored).

It is issued in the language of the person downloading it, with every word from the
translation catalogues and the date in that language. Each language needs a font with its
letters:

- English is set in DejaVu Sans when the machine has it (Debian's fonts-dejavu-core), so
  that names with any European letter print; otherwise in the built-in Helvetica, where
  letters it lacks become '?'.
- Polish needs DejaVu Sans.
- Urdu and Gujarati need Noto Naskh Arabic and Noto Sans Gujarati, from the npm packages
  @expo-google-fonts/noto-naskh-arabic and @expo-google-fonts/noto-sans-gujarati, looked
  for under each folder of the PDF_FONT_DIRS setting (by default the project's
  node_modules). Their words are shaped with HarfBuzz (uharfbuzz), which joins Urdu letters
  and forms Gujarati conjuncts, and set right to left where the script is.

When a language's font (or uharfbuzz) is missing the certificate is issued in English, and a
warning is logged: a certificate of question marks or unjoined letters would be worse.
"""

import importlib.util
import logging
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from babel.lists import format_list
from flask import current_app
from flask_babel import force_locale, format_decimal, get_locale, ngettext
from flask_babel import gettext as _
from fpdf import FPDF

from portal.core.dates import long_date
from portal.core.i18n import text_direction

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]
DEJAVU = Path("/usr/share/fonts/truetype/dejavu")
DEJAVU_FILES = (DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf")


@dataclass(frozen=True)
class ScriptFont:
    """A font for one script, as shipped in an @expo-google-fonts npm package."""

    family: str
    package: str
    regular: str
    bold: str


SCRIPT_FONTS = {
    "ur": ScriptFont(
        "NotoNaskhArabic",
        "noto-naskh-arabic",
        "400Regular/NotoNaskhArabic_400Regular.ttf",
        "700Bold/NotoNaskhArabic_700Bold.ttf",
    ),
    "gu": ScriptFont(
        "NotoSansGujarati",
        "noto-sans-gujarati",
        "400Regular/NotoSansGujarati_400Regular.ttf",
        "700Bold/NotoSansGujarati_700Bold.ttf",
    ),
}
# Languages whose letters Helvetica lacks but DejaVu Sans has.
NEEDS_DEJAVU = {"pl"}


def font_dirs() -> list[Path]:
    """The node_modules folders to look in for script fonts."""
    configured = current_app.config.get("PDF_FONT_DIRS")
    return [Path(folder) for folder in configured] if configured else [ROOT / "node_modules"]


def script_font_files(font: ScriptFont) -> tuple[Path, Path] | None:
    """The regular and bold files of a script font, from the first folder that has both."""
    for folder in font_dirs():
        package = folder / "@expo-google-fonts" / font.package
        regular, bold = package / font.regular, package / font.bold
        if regular.is_file() and bold.is_file():
            return regular, bold
    return None


def _has_dejavu() -> bool:
    return all(path.is_file() for path in DEJAVU_FILES)


def _language_to_issue(locale: str) -> tuple[str, tuple[Path, Path] | None]:
    """The language the certificate can be issued in, and its script font's files."""
    language = locale.split("_")[0]
    if language in SCRIPT_FONTS:
        if importlib.util.find_spec("uharfbuzz") is None:
            log.warning("certificate: uharfbuzz is not installed; issuing it in English")
            return "en", None
        files = script_font_files(SCRIPT_FONTS[language])
        if files is not None:
            return language, files
        log.warning(
            "certificate: no %s font under %s; issuing it in English",
            SCRIPT_FONTS[language].package,
            ", ".join(str(folder) for folder in font_dirs()),
        )
        return "en", None
    if language in NEEDS_DEJAVU and not _has_dejavu():
        log.warning("certificate: DejaVu Sans is not installed; issuing it in English")
        return "en", None
    return language, None


def certificate_pdf(
    *,
    carers: list[str],
    council: str,
    service: str,
    set_name: str,
    outcomes: int,
    signed_off_on: date,
    signed_off_by: str,
    locale: str | None = None,
) -> bytes:
    """A landscape A4 certificate for the household's carers, in `locale` (by default the
    language being used) when there is a font for it, otherwise in English."""
    language, script_files = _language_to_issue(locale or str(get_locale()))
    with force_locale(language):
        pdf, family = _new_pdf(language, script_files)
        _draw(
            pdf,
            family,
            carers=carers,
            council=council,
            service=service,
            set_name=set_name,
            outcomes=outcomes,
            signed_off_on=signed_off_on,
            signed_off_by=signed_off_by,
        )
    return bytes(pdf.output())


def _new_pdf(language: str, script_files: tuple[Path, Path] | None) -> tuple[FPDF, str]:
    """A blank certificate with its fonts, and the family to write it in."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_lang(language)
    if _has_dejavu():
        pdf.add_font("DejaVu", "", str(DEJAVU_FILES[0]))
        pdf.add_font("DejaVu", "B", str(DEJAVU_FILES[1]))
    if script_files is not None:
        family = SCRIPT_FONTS[language].family
        pdf.add_font(family, "", str(script_files[0]))
        pdf.add_font(family, "B", str(script_files[1]))
        if _has_dejavu():  # for names in letters the script's font lacks
            pdf.set_fallback_fonts(["DejaVu"])
        pdf.set_text_shaping(True, direction="rtl" if text_direction(language) == "rtl" else None)
        return pdf, family
    return pdf, "DejaVu" if _has_dejavu() else "Helvetica"


def _draw(
    pdf: FPDF,
    family: str,
    *,
    carers: list[str],
    council: str,
    service: str,
    set_name: str,
    outcomes: int,
    signed_off_on: date,
    signed_off_by: str,
) -> None:
    pdf.set_title(_("Training, Support and Development Standards certificate"))
    pdf.set_author(council)
    pdf.set_creator(service)
    pdf.add_page()

    def line(text: str, size: int, style: str = "", gap: float = 4) -> None:
        if family == "Helvetica":
            text = text.encode("latin-1", "replace").decode("latin-1")
        pdf.set_font(family, style, size)
        pdf.multi_cell(0, size * 0.5, text, align="C", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(gap)

    pdf.set_line_width(1.5)
    pdf.rect(10, 10, pdf.w - 20, pdf.h - 20)
    pdf.ln(18)
    line(council, 16, "B")
    line(service, 12, gap=14)
    line(_("Certificate of completion"), 28, "B", gap=10)
    line(_("This is to certify that"), 14)
    line(format_list(carers, locale=str(get_locale())), 24, "B", gap=8)
    line(
        ngettext(
            "has completed the Training, Support and Development Standards for Foster Care",
            "have completed the Training, Support and Development Standards for Foster Care",
            len(carers),
        ),
        14,
    )
    line(
        ngettext(
            "%(set)s: %(count)s outcome evidenced and accepted.",
            "%(set)s: all %(count)s outcomes evidenced and accepted.",
            outcomes,
            set=set_name,
            count=format_decimal(outcomes),
        ),
        12,
        gap=14,
    )
    line(
        _(
            "Signed off by %(name)s on %(day)s.",
            name=signed_off_by,
            day=long_date(signed_off_on),
        ),
        12,
    )
