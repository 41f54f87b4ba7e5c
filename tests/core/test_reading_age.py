"""The young people's pages are written for a reading age of 9: every page, as the demo young
person sees it, is measured by `scripts/reading_age.py` and must be at or below it."""

import importlib.util
from pathlib import Path

from portal.demo.services import load_demo_data

ROOT = Path(__file__).resolve().parents[2]
spec = importlib.util.spec_from_file_location("reading_age", ROOT / "scripts" / "reading_age.py")
reading_age = importlib.util.module_from_spec(spec)
spec.loader.exec_module(reading_age)


def test_every_young_peoples_page_is_at_or_below_reading_age_9(app):
    assert load_demo_data(only_if_empty=False)
    for slug in ("leicestershire", "lancashire"):
        pages = reading_age.young_peoples_pages(app, slug)
        assert len(pages) == 13
        for page in pages:
            assert page.words > 30, f"{slug} {page.name}: too little text ({page.text!r})"
        too_hard = {page.name: page.reading_age for page in pages if page.reading_age > 9}
        assert too_hard == {}, slug


def test_the_text_measured_is_the_pages_own_words():
    html = """
    <header><p>Fostering portal service navigation with a considerably complicated name</p></header>
    <main>
      <h1>Talk to us</h1>
      <p>Call <a class="govuk-link" href="tel:01161234567">0116 123 4567</a> or email
         <a class="govuk-link" href="mailto:help@council.example">help@council.example</a>.</p>
      <p>Your reference is <strong>CR-7KQ2MX</strong>. We will reply by Monday 7 December 2026.</p>
      <label for="body">Your message</label>
      <textarea id="body">Incomprehensibly sesquipedalian verbiage</textarea>
      <input type="text" value="Extraordinarily complicated">
      <span class="govuk-visually-hidden">Warning</span>
      <div class="app-preserve">Characteristically unintelligible</div>
      <button type="button" hidden>Listen to this page</button>
    </main>
    <footer>Accessibility statement, privacy notice and cookies</footer>
    """
    assert reading_age.main_text(html) == (
        "Talk to us. Call number or email email. Your reference is code. "
        "We will reply by date. Your message."
    )


def test_a_hard_passage_scores_above_reading_age_9():
    hard = reading_age.PageScore(
        "hard",
        "",
        "The local authority is responsible for commissioning independent advocacy services "
        "for looked-after children, in accordance with statutory guidance and regulations.",
    )
    easy = reading_age.PageScore("easy", "", "You can get help. You can say what you think.")
    assert hard.reading_age > 9
    assert easy.reading_age <= 9
