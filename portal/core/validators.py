"""UK phone numbers and postcodes: checked, and stored in one standard form."""

import re

_PHONE_JUNK = re.compile(r"[\s\-().]")
_UK_NATIONAL = re.compile(r"^0[1235789]\d{8,9}$")
_INTERNATIONAL = re.compile(r"^\+[1-9]\d{7,14}$")
_POSTCODE = re.compile(
    r"^(GIR ?0AA|[A-PR-UWYZ]([0-9]{1,2}|[A-HK-Y][0-9]([0-9ABEHMNPRV-Y])?|[0-9][A-HJKPS-UW])"
    r" ?[0-9][ABD-HJLNP-UW-Z]{2})$"
)


def normalise_phone(raw: str) -> str | None:
    """A UK number as +44…, an international one as +…; None when it is not a number."""
    number = _PHONE_JUNK.sub("", raw or "")
    if number.startswith("00"):
        number = "+" + number[2:]
    if number.startswith("+44"):
        number = "0" + number[3:].removeprefix("0")
    if _UK_NATIONAL.match(number) and not (number.startswith("07") and len(number) != 11):
        return "+44" + number[1:]
    if _INTERNATIONAL.match(number) and not number.startswith("+44"):
        return number
    return None


def format_phone(stored: str) -> str:
    """A stored +44 number written the way people in the UK read it."""
    if not stored.startswith("+44"):
        return stored
    national = "0" + stored[3:]
    if len(national) != 11:
        return national
    if national.startswith("02"):
        return f"{national[:3]} {national[3:7]} {national[7:]}"
    if national.startswith("011") or (national[3] == "1" and national.startswith("01")):
        return f"{national[:4]} {national[4:7]} {national[7:]}"
    if national.startswith(("01", "07")):
        return f"{national[:5]} {national[5:]}"
    return f"{national[:4]} {national[4:7]} {national[7:]}"


def normalise_postcode(raw: str) -> str | None:
    """A UK postcode in capitals with one space before the last three characters."""
    compact = re.sub(r"\s+", "", (raw or "").upper())
    if not _POSTCODE.match(compact):
        return None
    return f"{compact[:-3]} {compact[-3:]}"
