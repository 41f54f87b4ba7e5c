"""Small text helpers shared by features."""


def normalise_email(address: str) -> str:
    """Trim and lower-case an email address so one person has one spelling of it."""
    return address.strip().lower()
