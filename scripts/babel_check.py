"""Fail when a shipped language is missing a translation, has a fuzzy one, or when the
catalogue template is out of date with the code (a string nobody extracted); and when a
template holds text that is not marked for translation.

The template scan reads each template's tokens: text outside `{% trans %}` blocks is put
back together with every Jinja expression and tag replaced by a neutral mark, and then
parsed as HTML. Words left in a text node, or in an attribute people read (aria-label,
title, alt, placeholder), are bare English. So are string constants given to a macro's
`text`, `html`, `titleText`… keys that are not wrapped in `_()`. Text inside `<code>`,
`<script>` and `<style>`, and file paths and addresses in plain-text emails, are not words.
"""

import re
import subprocess
import sys
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from babel.messages.pofile import read_po
from jinja2 import Environment, nodes

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from config import Config  # noqa: E402

PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extract(target: Path) -> None:
    subprocess.run(
        [
            str(Path(sys.executable).parent / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "-o",
            str(target),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )


# ---- text in templates that is not marked for translation ------------------------------

MARK = "\ue000"  # stands in for every Jinja expression or tag
WORDS = re.compile(r"[^\W\d_]{2,}")
READ_ATTRIBUTES = {"aria-label", "aria-description", "title", "alt", "placeholder"}
TEXT_KEYS = {"text", "html", "titleText", "descriptionText", "caption", "placeholder"}
NOT_WORDS = {"code", "script", "style", "svg", "kbd", "samp"}
# File paths, addresses and domain names in plain-text emails.
PATH_LIKE = re.compile(r"\S*[/.@]\S*")
# Only parsed, never rendered: autoescape has nothing to escape.
JINJA = Environment(  # noqa: S701
    extensions=["jinja2.ext.i18n", "jinja2.ext.do", "jinja2.ext.loopcontrols"]
)


def _flatten(source: str) -> str:
    """The template's own text with each expression and tag replaced by MARK (keeping its
    line breaks, so line numbers stay right) and the inside of `{% trans %}` dropped."""
    out: list[str] = []
    inside_trans = 0
    tag: list[str] = []
    in_tag = False
    for _line, kind, value in JINJA.lex(source):
        if kind == "block_begin":
            in_tag, tag = True, []
        elif kind == "block_end":
            in_tag = False
            name = tag[0] if tag else ""
            inside_trans += {"trans": 1, "pluralize": 0, "endtrans": -1}.get(name, 0)
            out.append(MARK)
        elif kind == "data":
            out.append(MARK + "\n" * value.count("\n") if inside_trans else value)
        elif in_tag and kind == "name":
            tag.append(value)
        elif kind == "variable_begin":
            out.append(MARK)
        if kind not in {"data"}:
            out.append("\n" * value.count("\n") if isinstance(value, str) else "")
    return "".join(out)


class _Words(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[int, str]] = []
        self.hidden: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in NOT_WORDS:
            self.hidden.append(tag)
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and WORDS.search(value.replace(MARK, " ")):
                self.found.append((self.getpos()[0], f'{name}="{value.replace(MARK, "…")}"'))

    def handle_endtag(self, tag):
        if self.hidden and self.hidden[-1] == tag:
            self.hidden.pop()

    def handle_data(self, data):
        text = " ".join(data.replace(MARK, " ").split())
        if not self.hidden and WORDS.search(text):
            self.found.append((self.getpos()[0], text))


def bare_text(path: Path) -> list[tuple[int, str]]:
    """(line, text) for each piece of a template's text not marked for translation."""
    source = path.read_text(encoding="utf-8")
    flat = _flatten(source)
    found: list[tuple[int, str]] = []
    if path.suffix == ".txt":
        for number, line in enumerate(flat.splitlines(), 1):
            words = PATH_LIKE.sub(" ", line.replace(MARK, " "))
            if WORDS.search(words):
                found.append((number, line.replace(MARK, "…").strip()))
    else:
        parser = _Words()
        parser.feed(flat)
        parser.close()
        found += parser.found
    for pair in JINJA.parse(source).find_all(nodes.Pair):
        if (
            isinstance(pair.key, nodes.Const)
            and pair.key.value in TEXT_KEYS
            and isinstance(pair.value, nodes.Const)
            and isinstance(pair.value.value, str)
            and WORDS.search(pair.value.value)
        ):
            found.append((pair.lineno, f"{pair.key.value}: {pair.value.value!r}"))
    return found


def untranslatable_templates(root: Path = ROOT) -> list[str]:
    """Every bare piece of text in the project's templates, as `path:line: text`."""
    problems = []
    templates = root / "templates"
    for path in sorted([*templates.rglob("*.html"), *templates.rglob("*.txt")]):
        for line, text in bare_text(path):
            problems.append(f"{path.relative_to(root)}:{line}: not marked for translation: {text}")
    return problems


def main() -> int:
    problems: list[str] = untranslatable_templates()
    with tempfile.TemporaryDirectory() as tmp:
        pot_path = Path(tmp) / "messages.pot"
        extract(pot_path)
        with pot_path.open("rb") as handle:
            template = read_po(handle)
    wanted = {message.id for message in template if message.id}
    languages = [code for code in Config.LANGUAGES if code != Config.BABEL_DEFAULT_LOCALE]
    for code in languages:
        po_path = ROOT / "translations" / code / "LC_MESSAGES" / "messages.po"
        if not po_path.exists():
            problems.append(f"{code}: no catalogue at {po_path.relative_to(ROOT)}")
            continue
        with po_path.open("rb") as handle:
            catalogue = read_po(handle, locale=code)
        have = {message.id: message for message in catalogue if message.id}
        missing = [key for key in wanted if key not in have]
        untranslated = []
        fuzzy = []
        mismatched = []
        for key in wanted & have.keys():
            message = have[key]
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            if not all(strings):
                untranslated.append(key)
            elif message.fuzzy:
                fuzzy.append(key)
            else:
                source = key if isinstance(key, str) else key[0]
                expected = set(PLACEHOLDER.findall(source))
                if any(set(PLACEHOLDER.findall(s)) != expected for s in strings):
                    mismatched.append(key)
        for label, keys in [
            ("not in the catalogue (run make babel-extract babel-update)", missing),
            ("untranslated", untranslated),
            ("fuzzy", fuzzy),
            ("placeholders differ from the English", mismatched),
        ]:
            for key in sorted(keys, key=str)[:20]:
                problems.append(f"{code}: {label}: {key!r}")
            if len(keys) > 20:
                problems.append(f"{code}: … and {len(keys) - 20} more {label}")
        print(
            f"{code}: {len(wanted)} strings, {len(wanted) - len(missing) - len(untranslated)}"
            f" translated, {len(fuzzy)} fuzzy"
        )
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
