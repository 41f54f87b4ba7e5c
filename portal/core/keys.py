"""References and secret words: the key a person keeps to come back to what they sent
without an account (a young person's messages, a complaint)."""

import contextlib
import secrets

from argon2.exceptions import InvalidHashError, VerificationError
from flask import g, session

from portal.accounts.services import password_hasher

# Short, concrete words a child can spell and write down.
PHRASE_WORDS = [
    "apple",
    "bear",
    "bird",
    "boat",
    "book",
    "bread",
    "cake",
    "cat",
    "cloud",
    "coat",
    "cow",
    "cup",
    "desk",
    "dog",
    "door",
    "duck",
    "egg",
    "fish",
    "flag",
    "frog",
    "game",
    "gate",
    "goat",
    "hat",
    "hill",
    "horse",
    "jam",
    "kite",
    "lamp",
    "leaf",
    "lion",
    "map",
    "milk",
    "moon",
    "mouse",
    "nest",
    "owl",
    "park",
    "pear",
    "pen",
    "pig",
    "plum",
    "rain",
    "ring",
    "river",
    "road",
    "rock",
    "rose",
    "sail",
    "sand",
    "seal",
    "ship",
    "shoe",
    "sock",
    "star",
    "sun",
    "swan",
    "tent",
    "tiger",
    "tree",
    "truck",
    "van",
    "wave",
    "whale",
    "wind",
    "wolf",
    "zebra",
    "blue",
    "green",
    "red",
    "pink",
    "gold",
    "silver",
    "orange",
    "purple",
    "yellow",
    "brown",
    "happy",
    "quick",
    "brave",
    "calm",
]
REFERENCE_LETTERS = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"


def new_reference(prefix: str) -> str:
    """A short reference such as CR-7KQ2MX: no letters that look like numbers."""
    return f"{prefix}-" + "".join(secrets.choice(REFERENCE_LETTERS) for _ in range(6))


def new_phrase() -> str:
    """Three everyday words and a number, such as 'kite-river-plum-47'."""
    words = [secrets.choice(PHRASE_WORDS) for _ in range(3)]
    return "-".join([*words, str(secrets.randbelow(90) + 10)])


def normalise_phrase(typed: str) -> str:
    """What a person types, in the form phrases are made: 'Kite River plum 47'."""
    return "-".join(typed.lower().replace("-", " ").split())


def normalise_reference(typed: str, prefix: str) -> str:
    """'cr 7kq2mx' or '7KQ2MX' as 'CR-7KQ2MX'."""
    compact = "".join(typed.upper().split()).replace("-", "")
    return f"{prefix}-" + compact.removeprefix(prefix)


def hash_phrase(phrase: str) -> str:
    """The phrase as stored: an argon2 hash, never the words."""
    return password_hasher().hash(phrase)


def phrase_matches(phrase_hash: str | None, typed: str) -> bool:
    """Whether the typed words open the record; as slow when there is no record, so the
    time taken does not tell which half was wrong."""
    hasher = password_hasher()
    if phrase_hash is None:
        with contextlib.suppress(VerificationError):
            hasher.verify(hasher.hash("not-a-phrase"), normalise_phrase(typed) or "x")
        return False
    try:
        return hasher.verify(phrase_hash, normalise_phrase(typed))
    except (VerificationError, InvalidHashError):
        return False


def remember_opened(key: str, record_id: int) -> None:
    """Keep what this browser opened with its key, per service, for the next pages."""
    opened = dict(session.get(key, {}))
    opened[g.service.slug] = record_id
    session[key] = opened


def opened_id(key: str) -> int | None:
    """The id this browser opened in the current service, if any."""
    return session.get(key, {}).get(g.service.slug)


def forget_opened(key: str) -> None:
    """Stop showing it on this device."""
    opened = dict(session.get(key, {}))
    opened.pop(g.service.slug, None)
    session[key] = opened
