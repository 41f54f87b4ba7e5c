"""Fail when a shipped language is missing a translation, has a fuzzy one, or when the
catalogue template is out of date with the code (a string nobody extracted)."""

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from babel.messages.pofile import read_po

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


def main() -> int:
    problems: list[str] = []
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
