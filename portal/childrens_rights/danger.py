"""Words that suggest a young person may be in danger, per language, kept as data.

A match marks the message urgent: it goes to the top of the officers' queue, officers
are emailed at once (without the text), and the young person is shown help straight away.
The lists are deliberately broad: a false alarm costs an officer a minute; a miss costs
far more. Matching is on whole words or phrases, case-insensitive, in every language at
once, because a young person may write in any language whatever the page's language.
"""

import re
from functools import cache

# topic -> language -> phrases
DANGER_WORDS: dict[str, dict[str, list[str]]] = {
    "self-harm": {
        "en": [
            "self harm",
            "self-harm",
            "cut myself",
            "cutting myself",
            "hurt myself",
            "hurting myself",
            "burn myself",
        ],
        "pl": ["samookaleczenie", "tnę się", "ciąć się", "zrobić sobie krzywdę", "krzywdzę się"],
        "ur": ["خود کو نقصان", "خود کو زخمی", "اپنے آپ کو کاٹ"],
        "gu": ["પોતાને નુકસાન", "પોતાને ઈજા", "પોતાને કાપ"],
    },
    "suicide": {
        "en": [
            "suicide",
            "kill myself",
            "end my life",
            "want to die",
            "don't want to live",
            "dont want to live",
            "better off dead",
            "end it all",
        ],
        "pl": ["samobójstwo", "zabić się", "zabiję się", "chcę umrzeć", "nie chcę żyć"],
        "ur": ["خودکشی", "مرنا چاہتا", "مرنا چاہتی", "جینا نہیں چاہتا", "جینا نہیں چاہتی"],
        "gu": ["આત્મહત્યા", "મરી જવું છે", "જીવવું નથી", "મરવા માંગુ"],
    },
    "abuse": {
        "en": [
            "abuse",
            "abused",
            "abusing",
            "touched me",
            "touches me",
            "sexual",
            "rape",
            "raped",
            "groomed",
            "grooming",
        ],
        "pl": ["przemoc", "molestowanie", "molestuje", "dotykał mnie", "gwałt", "zgwałcił"],
        "ur": ["زیادتی", "بدسلوکی", "جنسی", "چھوا", "ریپ"],
        "gu": ["દુર્વ્યવહાર", "શોષણ", "જાતીય", "બળાત્કાર", "મને અડક્યો"],
    },
    "being hurt": {
        "en": [
            "hit me",
            "hits me",
            "beat me",
            "beats me",
            "kicked me",
            "hurts me",
            "hurt me",
            "punched me",
            "slapped me",
            "bruise",
            "bruises",
        ],
        "pl": ["bije mnie", "uderzył mnie", "pobił mnie", "kopnął mnie", "siniaki"],
        "ur": ["مجھے مارا", "مجھے مارتا", "مجھے مارتی", "چوٹ لگائی", "نیل"],
        "gu": ["મને માર્યો", "મને મારે છે", "મને લાત", "ઉઝરડા"],
    },
    "running away": {
        "en": ["run away", "running away", "ran away", "runaway", "leave home tonight"],
        "pl": ["ucieknę", "uciec z domu", "uciekam", "uciekłem", "uciekłam"],
        "ur": ["بھاگ جاؤں", "گھر سے بھاگ", "بھاگنا"],
        "gu": ["ભાગી જઈશ", "ઘરેથી ભાગ", "ભાગી જવું"],
    },
    "feeling unsafe": {
        "en": ["not safe", "unsafe", "scared", "frightened", "afraid", "in danger", "help me"],
        "pl": [
            "nie jestem bezpieczny",
            "nie jestem bezpieczna",
            "boję się",
            "pomocy",
            "w niebezpieczeństwie",
        ],
        "ur": ["محفوظ نہیں", "ڈر لگتا", "خطرے میں", "میری مدد کرو"],
        "gu": ["સુરક્ષિત નથી", "ડર લાગે", "જોખમમાં", "મને મદદ કરો"],
    },
}


@cache
def _patterns() -> list[tuple[str, re.Pattern]]:
    compiled = []
    for topic, languages in DANGER_WORDS.items():
        phrases = sorted(
            (phrase for words in languages.values() for phrase in words), key=len, reverse=True
        )
        alternatives = "|".join(re.escape(phrase) for phrase in phrases)
        # A phrase must start a word (so "hit me" is not found in "white me…"); its end is
        # left open so that "abuse" also finds "abuser".
        compiled.append((topic, re.compile(rf"(?<!\w)(?:{alternatives})", re.IGNORECASE)))
    return compiled


def danger_topics(text: str) -> list[str]:
    """The danger topics a message touches, in a stable order; [] when none."""
    normalised = " ".join(text.replace("\u2019", "'").split())
    return [topic for topic, pattern in _patterns() if pattern.search(normalised)]
