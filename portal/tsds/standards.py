"""The standard sets a service starts with, in the portal's own words; each service keeps
its own copy and can change the outcome texts.

The mainstream set has seven standards, the family-and-friends set six (it leaves out
'Develop yourself', which family and friends carers cover in supervision) and the
short-break set seven, worded for carers who look after children for short stays.
"""

from portal.tsds.models import SetKey

_CORE = [
    (
        "Understand the principles and values essential for fostering",
        [
            "Explain how you put the child's welfare first in everyday decisions.",
            "Show how you respect a child's identity, culture, religion and language.",
            "Describe how you keep information about a child confidential.",
        ],
    ),
    (
        "Understand your role as a foster carer",
        [
            "Explain your part in the child's care plan and placement plan.",
            "Show how you work with the child's social worker, school and family.",
            "Describe how you keep records and why they matter to the child.",
        ],
    ),
    (
        "Understand health and safety, and healthy care",
        [
            "Show how you keep your home safe for the children you look after.",
            "Explain how you support a child's physical and emotional health.",
            "Describe what you do when a child is ill or needs medicine.",
        ],
    ),
    (
        "Know how to communicate effectively",
        [
            "Show how you listen to children and help them say what they think.",
            "Describe how you communicate with other professionals about a child.",
            "Explain how you help a child understand decisions made about them.",
        ],
    ),
    (
        "Understand the development of children and young people",
        [
            "Describe how children develop and how early experiences affect them.",
            "Show how you support a child's learning and education.",
            "Explain how you help a young person prepare for adult life.",
        ],
    ),
    (
        "Keep children and young people safe from harm",
        [
            "Describe the signs that a child may be being harmed and what you would do.",
            "Explain how you keep children safe online.",
            "Show how you follow your household's safer caring policy.",
        ],
    ),
]
_DEVELOP = (
    "Develop yourself",
    [
        "Show how you reflect on your practice and learn from it.",
        "Describe the support you use, such as supervision and support groups.",
    ],
)

SETS = {
    SetKey.MAINSTREAM: ("Mainstream foster carers", [*_CORE, _DEVELOP]),
    SetKey.FAMILY_AND_FRIENDS: ("Family and friends foster carers", list(_CORE)),
    SetKey.SHORT_BREAK: (
        "Short break carers",
        [
            *_CORE[:4],
            (
                _CORE[4][0],
                [
                    "Describe how children develop and how early experiences affect them.",
                    "Show how you keep a child's routines the same as at home during a stay.",
                ],
            ),
            _CORE[5],
            _DEVELOP,
        ],
    ),
}
