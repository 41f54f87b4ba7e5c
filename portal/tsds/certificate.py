"""The TSDS certificate as a one-page PDF, made on request (nothing is stored).

It is issued in English, as the council's formal record. Names are set in DejaVu Sans when
the machine has it (Debian's fonts-dejavu-core), which covers Polish and most European
letters; without it the built-in Helvetica is used and letters it lacks become '?'.
"""

from datetime import date
from pathlib import Path

from fpdf import FPDF

DEJAVU = Path("/usr/share/fonts/truetype/dejavu")


def _font(pdf: FPDF) -> str:
    regular, bold = DEJAVU / "DejaVuSans.ttf", DEJAVU / "DejaVuSans-Bold.ttf"
    if regular.exists() and bold.exists():
        pdf.add_font("DejaVu", "", str(regular))
        pdf.add_font("DejaVu", "B", str(bold))
        return "DejaVu"
    return "Helvetica"


def certificate_pdf(
    *,
    carers: list[str],
    council: str,
    service: str,
    set_name: str,
    outcomes: int,
    signed_off_on: date,
    signed_off_by: str,
) -> bytes:
    """A landscape A4 certificate for the household's carers."""
    pdf = FPDF(orientation="landscape", format="A4")
    pdf.set_title("Training, Support and Development Standards certificate")
    pdf.set_author(council)
    pdf.set_creator(service)
    pdf.add_page()
    family = _font(pdf)

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
    line("Certificate of completion", 28, "B", gap=10)
    line("This is to certify that", 14)
    line(" and ".join(carers), 24, "B", gap=8)
    line(
        "have completed the Training, Support and Development Standards for Foster Care"
        if len(carers) > 1
        else "has completed the Training, Support and Development Standards for Foster Care",
        14,
    )
    line(f"{set_name}: all {outcomes} outcomes evidenced and accepted.", 12, gap=14)
    line(f"Signed off by {signed_off_by} on {signed_off_on.day} {signed_off_on:%B %Y}.", 12)
    return bytes(pdf.output())
