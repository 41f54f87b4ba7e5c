"""Public facts about the two demo fostering services, taken from their Statements of Purpose."""

# Values are strings unless noted; "" means the seed does not give the fact. Venue
# addresses leave the postcode out because it has its own field. Brand colours are demo
# choices, not official council palettes; both pass 4.5:1 (in fact over 8:1) against white.

SERVICES: list[dict] = [
    {
        "slug": "leicestershire",
        "name": "Leicestershire County Council Fostering Service",
        "council_name": "Leicestershire County Council",
        "short_name": "Leicestershire Fostering",
        # Demo choice: dark green, 8.3:1 against white.
        "brand_colour": "#005a3c",
        # The seed prints "FosteringLeicestershire.com" without a scheme.
        "website_url": "https://fosteringleicestershire.com",
        "address": (
            "Children and Family Services\nCounty Hall\nGlenfield\nLeicestershire\nLE3 8SA"
        ),
        # The seed gives no separate recruitment line; this is the number it prints for
        # the service (registered manager, County Hall). No team email is given.
        "fostering_phone": "(0116) 2323232",
        "fostering_email": "",
        "childrens_rights_phone": "0116 3056302 or 07789081528",
        "childrens_rights_email": "childrensrights@leics.gov.uk",
        # Complaints by post: Complaints Manager, Social Care Service, FREEPOST LE 1779,
        # County Hall, Glenfield, Leicester LE3 8XR. The seed gives no complaints email.
        "complaints_phone": "0116 305 5875",
        "complaints_email": "",
        "corporate_parenting_phone": "0116 3057518",
        "corporate_parenting_email": "corporateparenting@leics.gov.uk",
        # The seed names the Out of Hours Emergency Duty Team but gives no number.
        "out_of_hours_phone": "",
        "registered_manager_name": "Joss Longman",
        "registered_manager_phone": "(0116) 2323232",
        "registered_manager_email": "Joss.Longman@leics.gov.uk",
        "childrens_commissioner_phone": "0800 528 0731",
        # The seed prints help.team@childrenscommissioner.gsi.gov.uk; the .gsi.gov.uk
        # domains were retired in 2019, so this is the Commissioner's current public address.
        "childrens_commissioner_email": "help.at.hand@childrenscommissioner.gov.uk",
        "childrens_commissioner_website": "https://www.childrenscommissioner.gov.uk",
        "ofsted_phone": "0300 123 1231",
        "ofsted_email": "enquiries@ofsted.gov.uk",
        "ofsted_address": "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD",
        "summary": (
            "Part of the council's Children and Family Services, the service finds, "
            "assesses, trains and supports foster carers, including relatives and friends "
            "(kinship carers), so that children in care can grow up in a family, ideally "
            "close to their own community in Leicestershire. It aims for early permanence "
            "and stable placements, backed by low caseloads, mentors for new carers and "
            "monthly locality support groups. On 31 March 2023 it had 217 fostering "
            "households, including 125 mainstream and 67 kinship or connected carers."
        ),
        "venues": [
            {
                # 'Find out about Fostering' information events are held here every 3 weeks.
                "name": "County Hall, Glenfield",
                "address": "County Hall\nGlenfield\nLeicestershire",
                "postcode": "LE3 8SA",
                "parking": "",
                "online": False,
            },
            {
                "name": "Online training hub",
                "address": "",
                "postcode": "",
                "parking": "",
                "online": True,
            },
        ],
        # The seed does not name districts; it describes unnamed locality groups and hubs.
        "localities": [
            {
                "name": "Locality support groups",
                "description": (
                    "Foster carer groups based in several localities across the county meet "
                    "monthly, run activities and offer peer support to new and existing carers; "
                    "their leaders join a quarterly Foster Carers Forum with managers."
                ),
            },
        ],
        "teams": [
            {
                "name": "Recruitment Team",
                "description": (
                    "The first point of contact for people interested in fostering, running "
                    "information events and initial visits."
                ),
            },
            {
                "name": "Assessment Team",
                "description": (
                    "Carries out Form F assessments of mainstream foster carers, as well as "
                    "non-agency adoption and private fostering assessments."
                ),
            },
            {
                "name": "Team Around the Child",
                "description": (
                    "Supervising social workers who support mainstream foster carers, with the "
                    "team manager also overseeing carer training and development."
                ),
            },
            {
                "name": "Kinship Team (assessment)",
                "description": (
                    "Assesses relatives and friends who offer to care for a child, including "
                    "viability checks, and supports Special Guardianship applications."
                ),
            },
            {
                "name": "Kinship Team Around the Child",
                "description": (
                    "Supports approved kinship carers with supervision, training and the "
                    "Training, Support and Development Standards."
                ),
            },
            {
                "name": "Dedicated Placement Support Team",
                "description": (
                    "Set up in June 2016 to keep placements stable, help children move back "
                    "into family care and support specialist carers, supported lodgings "
                    "providers and Staying Put arrangements."
                ),
            },
            {
                "name": "Independent Visitors Scheme",
                "description": (
                    "Recruits, trains and supports volunteers who befriend children in care "
                    "outside their foster or residential home."
                ),
            },
        ],
        # "5 Foster for Adoption" is left out because the seed marks that line "(remove)".
        "numbers": [
            {"label": "Fostering households on 31 March 2023", "value": "217"},
            {
                "label": "Mainstream foster carers (including EDT, respite and parent and child)",
                "value": "125",
            },
            {"label": "Kinship / connected carers", "value": "67"},
            {"label": "Specialist schemes (Pathway, One2One carers)", "value": "5"},
            {"label": "Weeks to complete a Form F assessment", "value": "16"},
            {"label": "Days for the Agency Decision Maker to confirm approval", "value": "7"},
            {"label": "Levels in the fostering fees structure", "value": "three"},
            {"label": "Longest service by a foster carer", "value": "over 40 years"},
        ],
        "source_notes": (
            "Leicestershire County Council Fostering Service Statement of Purpose "
            "(seed 000_3fefbc744a163a62.txt); carer figures as at 31 March 2023."
        ),
    },
    {
        "slug": "lancashire",
        "name": "Lancashire County Council Fostering Service",
        "council_name": "Lancashire County Council",
        "short_name": "Lancashire Fostering",
        # Demo choice: dark navy, 11.4:1 against white.
        "brand_colour": "#003a70",
        # The seed mentions a fostering website but gives no address; council site used.
        "website_url": "https://www.lancashire.gov.uk",
        "address": (
            "Children's Services\nLancashire County Council\nCounty Hall\nPreston\nPR1 0LD"
        ),
        # The number the seed gives for "more information" (senior managers in fostering).
        "fostering_phone": "01772 530595",
        "fostering_email": "",
        # The seed stops at its complaints heading: it gives no contact details for
        # children's rights, complaints, corporate parenting or out of hours.
        "childrens_rights_phone": "",
        "childrens_rights_email": "",
        "complaints_phone": "",
        "complaints_email": "",
        "corporate_parenting_phone": "",
        "corporate_parenting_email": "",
        "out_of_hours_phone": "",
        # The seed does not name a registered manager.
        "registered_manager_name": "",
        "registered_manager_phone": "",
        "registered_manager_email": "",
        # Not in the seed: the Children's Commissioner's and Ofsted's public contacts.
        "childrens_commissioner_phone": "0800 528 0731",
        "childrens_commissioner_email": "help.at.hand@childrenscommissioner.gov.uk",
        "childrens_commissioner_website": "https://www.childrenscommissioner.gov.uk",
        "ofsted_phone": "0300 123 1231",
        "ofsted_email": "enquiries@ofsted.gov.uk",
        "ofsted_address": "Ofsted\nPiccadilly Gate\nStore Street\nManchester\nM1 2WD",
        "summary": (
            "A large county-wide service that recruits and supports foster families so "
            "children in care can stay safe and settled, wherever possible within their "
            "wider family or local community. Local Support to Permanence teams in five "
            "areas supervise carers, and a therapeutic team helps them use nurturing, "
            "attachment-based parenting. Newer offers include a Fostering Academy that pairs "
            "each new family with an experienced carer mentor for its first year."
        ),
        "venues": [
            {
                # Base of the county-wide recruitment, family and friends and family
                # finding teams.
                "name": "County Hall, Preston",
                "address": "County Hall\nPreston\nLancashire",
                "postcode": "PR1 0LD",
                "parking": "",
                "online": False,
            },
            # Support to Permanence office bases; the seed names the towns only.
            {
                "name": "Lancaster office base",
                "address": "Lancaster\nLancashire",
                "postcode": "",
                "parking": "",
                "online": False,
            },
            {
                "name": "Accrington office base",
                "address": "Accrington\nLancashire",
                "postcode": "",
                "parking": "",
                "online": False,
            },
            {
                "name": "Preston office base",
                "address": "Preston\nLancashire",
                "postcode": "",
                "parking": "",
                "online": False,
            },
            {
                "name": "Clayton-le-Woods office base",
                "address": "Clayton-le-Woods\nLancashire",
                "postcode": "",
                "parking": "",
                "online": False,
            },
            {
                "name": "Burnley office base",
                "address": "Burnley\nLancashire",
                "postcode": "",
                "parking": "",
                "online": False,
            },
            {
                # The seed says training and support groups also run online / virtually.
                "name": "Online (virtual sessions)",
                "address": "",
                "postcode": "",
                "parking": "",
                "online": True,
            },
        ],
        # The five Support to Permanence areas. The seed lists the office towns separately
        # and does not say which base serves which area.
        "localities": [
            {
                "name": "North Lancashire",
                "description": "Served by its own local Support to Permanence team.",
            },
            {
                "name": "Central Lancashire",
                "description": "Served by its own local Support to Permanence team.",
            },
            {
                "name": "South and West Lancashire",
                "description": "Served by its own local Support to Permanence team.",
            },
            {
                "name": "Hyndburn, Rossendale and Ribble Valley",
                "description": "Served by its own local Support to Permanence team.",
            },
            {
                "name": "Burnley and Pendle",
                "description": "Served by its own local Support to Permanence team.",
            },
        ],
        "teams": [
            {
                "name": "Recruitment and Assessment Team",
                "description": (
                    "Recruits, prepares and assesses new mainstream foster carers, working "
                    "with the council's communications team on campaigns."
                ),
            },
            {
                "name": "SCAYT (Supporting Children and Young People Together)",
                "description": (
                    "Emotional health workers and psychologists who give staff and carers "
                    "therapeutic training and targeted help based on attachment."
                ),
            },
            {
                "name": "Assessment with Family and Friends",
                "description": (
                    "Works with relatives and friends to decide whether they can give a child "
                    "a permanent home when a return to the birth parents is not possible."
                ),
            },
            {
                "name": "Support to Permanence teams",
                "description": (
                    "Five local teams that supervise and support foster families, run local "
                    "support groups and help children move on, including to Staying Put."
                ),
            },
            {
                "name": "Family Finding Team",
                "description": (
                    "Matches children with foster families for emergency, short-term and "
                    "long-term care."
                ),
            },
            {
                "name": "Fostering Academy",
                "description": (
                    "Training and mentoring for applicants and new carers through their first "
                    "year, with an experienced local foster carer as mentor."
                ),
            },
            {
                "name": "LIFT (Lancashire Intervention for Families Team)",
                "description": (
                    "County-wide carers who support birth families and foster carers to keep "
                    "children out of care and prevent foster placements breaking down."
                ),
            },
            {
                "name": "Fostering Communities",
                "description": (
                    "A 12-month pilot based on the Mockingbird model that builds peer support "
                    "networks of fostering families in each of the five areas."
                ),
            },
        ],
        # The seed gives staffing figures but no count of carers, households or children.
        "numbers": [
            {"label": "Local Support to Permanence areas", "value": "5"},
            {"label": "Social workers in the Support to Permanence teams", "value": "29"},
            {"label": "Support workers in the Support to Permanence teams", "value": "9 ½"},
            {"label": "Social workers in the Recruitment and Assessment Team", "value": "12"},
            {"label": "Social workers in Assessment with Family and Friends", "value": "27"},
            {"label": "Emotional health workers in SCAYT", "value": "10"},
            {"label": "Fostering community co-ordinators", "value": "5"},
            {"label": "Fostering families supported by each co-ordinator", "value": "4"},
        ],
        "source_notes": (
            "Lancashire County Council Fostering Service Statement of Purpose "
            "(seed 003_eaef105df2190a09.txt); Children's Commissioner and Ofsted contacts "
            "are the public national ones, as the seed gives none."
        ),
    },
]
