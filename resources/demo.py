"""A demo directory for West Hartford and Hartford County, Connecticut.

Built from the article in `shared/seed/`, whose facts are unverified: every
listing is published but never marked verified, carries a Metadata row that
says where it came from, and uses fictional 555-01xx phone numbers. The only
real numbers are two well-known national lines (the National Human
Trafficking Hotline and 988), so that nobody in crisis is sent to a number
that belongs to someone else.

Every row's id derives from a fixed key (UUID 5), so loading again updates
the same rows instead of adding new ones.
"""

import copy
import datetime
import hashlib
import uuid
from collections import Counter

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction

from . import changes
from .models import (
    Address,
    Attribute,
    ChangeRequest,
    Language,
    Location,
    Metadata,
    Organization,
    OrganizationMembership,
    Phone,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    TaxonomyTerm,
)
from .models.corrections import Problem, RequestSource
from .roles import ADMINISTRATORS, CASEWORKERS, ORGANIZATION_EDITORS
from .taxonomies import term_id

NAMESPACE = uuid.UUID("3d6c1a0e-2b7f-5c44-9e1d-8a0f4b7c2e91")

SOURCE = (
    "Demo data from an unverified article about West Hartford (shared/seed); "
    "not verified"
)
# Fixed, so that loading again leaves the provenance rows untouched.
LOADED_AT = datetime.datetime(2026, 1, 15, 12, 0, tzinfo=datetime.UTC)
LOADED_BY = "load_demo_data"

# Known passwords: for a laptop or a demo server only, never a real directory.
DEMO_LOGINS = (
    ("caseworker", "hartford-demo-2026", CASEWORKERS),
    ("admin", "hartford-admin-2026", ADMINISTRATORS),
    ("editor", "hartford-editor-2026", ORGANIZATION_EDITORS),
)
# The organization the demo editor works for.
DEMO_EDITOR_ORGANIZATION = "interval-house"
DEMO_BACKUP_CODES = 5

LANGUAGE_NAMES = {
    "es": "Spanish",
    "pt": "Portuguese",
    "pl": "Polish",
    "ar": "Arabic",
    "ase": "American Sign Language",
}


def demo_id(kind: str, key: str) -> uuid.UUID:
    """Return the fixed id of one demo row."""
    return uuid.uuid5(NAMESPACE, f"demo:{kind}:{key}")


# Hours ---------------------------------------------------------------------

WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


def weekly(byday: str, opens: str, closes: str, description: str = "") -> dict:
    return {
        "freq": Schedule.Frequency.WEEKLY,
        "byday": byday,
        "opens_at": datetime.time.fromisoformat(opens),
        "closes_at": datetime.time.fromisoformat(closes),
        "description": description,
    }


def monthly(byday: str, opens: str, closes: str, description: str = "") -> dict:
    return weekly(byday, opens, closes, description) | {
        "freq": Schedule.Frequency.MONTHLY
    }


# Opening and closing both at 00:00 means the whole day, every day: the
# convention the hours engine reads as 24/7 (a zero-length window would be
# useless, so the pair is unambiguous).
ALWAYS = [weekly(EVERY_DAY, "00:00", "00:00", "24 hours a day, 7 days a week")]
OFFICE = [weekly(WEEKDAYS, "09:00", "17:00")]

# Organizations --------------------------------------------------------------

# (key, name, alternate name, description, website). Websites only for the two
# national lines, whose sites are well known; the rest are unconfirmed.
ORGANIZATIONS = [
    (
        "chs",
        "Community Health Services",
        "",
        "A community health centre in Hartford's North End offering primary "
        "care and free, confidential sexual health testing.",
        "",
    ),
    (
        "interval-house",
        "Interval House",
        "",
        "Connecticut's largest domestic violence agency: a 24-hour hotline, "
        "emergency shelter, counselling and court advocacy.",
        "",
    ),
    (
        "salvation-army",
        "The Salvation Army, Hartford",
        "",
        "Church and social services centre on Asylum Avenue; home of the RISE "
        "programme for women leaving the sex trade or trafficking.",
        "",
    ),
    (
        "chr",
        "Community Health Resources",
        "CHR",
        "Behavioral health agency offering mental health and addiction care, "
        "including Project RESTORE for survivors of human trafficking.",
        "",
    ),
    (
        "ovs",
        "Connecticut Office of Victim Services",
        "OVS",
        "State office that runs the Victim Compensation Program and victim "
        "advocates in the courts.",
        "",
    ),
    (
        "ajc",
        "American Job Center West Hartford",
        "",
        "Free job-search help, training funds and referrals to vocational "
        "rehabilitation for job seekers in the Capitol region.",
        "",
    ),
    (
        "rushford",
        "Rushford Center",
        "",
        "Addiction and mental health treatment for adults and young people, "
        "most programmes covered by Medicaid (HUSKY).",
        "",
    ),
    (
        "harm-reduction",
        "Hartford Harm Reduction Coalition",
        "",
        "Syringe services, naloxone and street outreach in Hartford, run with "
        "and for people who use drugs.",
        "",
    ),
    (
        "whbhd",
        "West Hartford-Bloomfield Health District",
        "",
        "The local public health department for West Hartford and Bloomfield.",
        "",
    ),
    (
        "community-court",
        "Community Court Services",
        "",
        "Court-based diversion: community service and counselling instead of "
        "a conviction for some first-time charges.",
        "",
    ),
    (
        "crt",
        "Community Renewal Team",
        "CRT",
        "Hartford County's community action agency: early learning and "
        "childcare, housing help and family support.",
        "",
    ),
    (
        "pro-bono",
        "Greater Hartford Pro Bono Legal Project",
        "",
        "Volunteer lawyers who give free civil legal help and run record-"
        "sealing clinics for people on low incomes.",
        "",
    ),
    (
        "polaris",
        "National Human Trafficking Hotline",
        "Polaris",
        "A national, confidential hotline, operated by Polaris, for survivors "
        "of trafficking and anyone reporting a tip.",
        "https://humantraffickinghotline.org/",
    ),
    (
        "lifeline",
        "988 Suicide & Crisis Lifeline",
        "988",
        "The national network of local crisis centres, reached by calling or "
        "texting 988.",
        "https://988lifeline.org/",
    ),
    (
        "pantry",
        "West Hartford Community Food Pantry",
        "",
        "A volunteer food pantry serving West Hartford and neighbouring towns.",
        "",
    ),
    (
        "immigration",
        "Hartford Immigrant Legal Clinic",
        "",
        "Free and low-cost immigration lawyers, including visas for survivors "
        "of trafficking and crime.",
        "",
    ),
    (
        "sacs",
        "Hartford Area Sexual Assault Crisis Service",
        "",
        "Free, confidential support for survivors of sexual violence and the "
        "people who care about them.",
        "",
    ),
    (
        "pride-youth",
        "Capitol Pride Youth Center",
        "",
        "A drop-in centre for LGBTQ+ young people aged 13 to 24.",
        "",
    ),
    (
        "adult-ed",
        "West Hartford Adult Education",
        "",
        "The town's adult school: GED, high school credit and English classes.",
        "",
    ),
    (
        "benefits",
        "Greater Hartford Benefits Access Network",
        "",
        "Help desks where trained volunteers help people apply for SNAP, "
        "HUSKY health and cash benefits.",
        "",
    ),
    (
        "open-door",
        "Open Door Hartford",
        "",
        "An overnight emergency shelter for adults in downtown Hartford.",
        "",
    ),
    (
        "peer-network",
        "Hartford Survivor Peer Network",
        "",
        "Peer-led support for people who trade or have traded sex, led by "
        "people who have been there.",
        "",
    ),
]

# Locations ------------------------------------------------------------------

# key: (organization, name, street, city, ZIP, latitude, longitude, extra).
# Streets are plausible, not confirmed; ZIP codes and coordinates are real for
# the town. A location without a street is virtual (phone and text only).
LOCATIONS = {
    "chs-albany": (
        "chs",
        "Community Health Services, Albany Avenue",
        "520 Albany Avenue",
        "Hartford",
        "06112",
        41.7838,
        -72.6965,
        # The one location that names its zone; the rest use the directory's.
        {"time_zone": "America/New_York"},
    ),
    "interval-house-office": (
        "interval-house",
        "Interval House counselling office",
        "120 Broad Street",
        "Hartford",
        "06106",
        41.7600,
        -72.6890,
        {},
    ),
    "interval-house-shelter": (
        "interval-house",
        "Interval House emergency shelter",
        "1 Confidential Way",
        "West Hartford",
        "06110",
        # The ZIP's centre, not the house: exact coordinates would give the
        # address away if they ever leaked.
        41.7330,
        -72.7340,
        {"address_visibility": Location.Visibility.CONFIDENTIAL},
    ),
    "salvation-army-asylum": (
        "salvation-army",
        "The Salvation Army, Asylum Avenue",
        "811 Asylum Avenue",
        "Hartford",
        "06105",
        41.7730,
        -72.6950,
        {"transportation": "CTtransit buses along Asylum Avenue stop outside."},
    ),
    "chr-hartford": (
        "chr",
        "CHR Hartford office",
        "100 Pearl Street",
        "Hartford",
        "06103",
        41.7652,
        -72.6755,
        {},
    ),
    "chr-manchester": (
        "chr",
        "CHR Manchester walk-in clinic",
        "587 East Middle Turnpike",
        "Manchester",
        "06040",
        41.7870,
        -72.5080,
        {},
    ),
    "ovs-office": (
        "ovs",
        "Office of Victim Services",
        "225 Main Street",
        "New Britain",
        "06051",
        41.6690,
        -72.7800,
        {},
    ),
    "ajc-west-hartford": (
        "ajc",
        "American Job Center, New Park Avenue",
        "645 New Park Avenue",
        "West Hartford",
        "06110",
        41.7390,
        -72.7120,
        {"transportation": "Near the Elmwood CTfastrak station."},
    ),
    "rushford-east-hartford": (
        "rushford",
        "Rushford Center, East Hartford",
        "100 Pitkin Street",
        "East Hartford",
        "06108",
        41.7640,
        -72.6450,
        {},
    ),
    "harm-reduction-park": (
        "harm-reduction",
        "Harm Reduction Coalition drop-in, Park Street",
        "505 Park Street",
        "Hartford",
        "06106",
        41.7560,
        -72.6900,
        {},
    ),
    "whbhd-town-hall": (
        "whbhd",
        "West Hartford Town Hall",
        "50 South Main Street",
        "West Hartford",
        "06107",
        41.7600,
        -72.7430,
        {},
    ),
    "court-shield": (
        "community-court",
        "Community Court, Shield Street courthouse",
        "125 Shield Street",
        "West Hartford",
        "06110",
        41.7360,
        -72.7260,
        {},
    ),
    "crt-market": (
        "crt",
        "CRT Market Street centre",
        "330 Market Street",
        "Hartford",
        "06120",
        41.7770,
        -72.6700,
        {},
    ),
    "pro-bono-office": (
        "pro-bono",
        "Pro Bono Legal Project office",
        "20 Church Street",
        "Hartford",
        "06103",
        41.7680,
        -72.6780,
        {},
    ),
    "noah-webster-library": (
        None,
        "Noah Webster Library (West Hartford Public Library)",
        "20 South Main Street",
        "West Hartford",
        "06107",
        41.7615,
        -72.7425,
        {},
    ),
    "polaris-virtual": (
        "polaris",
        "National Human Trafficking Hotline (phone and text)",
        "",
        "",
        "",
        None,
        None,
        {},
    ),
    "lifeline-virtual": (
        "lifeline",
        "988 Lifeline (phone and text)",
        "",
        "",
        "",
        None,
        None,
        {},
    ),
    "pantry-farmington": (
        "pantry",
        "Community Food Pantry, Farmington Avenue",
        "825 Farmington Avenue",
        "West Hartford",
        "06119",
        41.7640,
        -72.7200,
        {},
    ),
    "immigration-franklin": (
        "immigration",
        "Immigrant Legal Clinic, Franklin Avenue",
        "455 Franklin Avenue",
        "Hartford",
        "06114",
        41.7410,
        -72.6740,
        {},
    ),
    "sacs-office": (
        "sacs",
        "Sexual Assault Crisis Service office",
        "200 Corbin Avenue",
        "New Britain",
        "06052",
        41.6560,
        -72.8000,
        {},
    ),
    "pride-youth-center": (
        "pride-youth",
        "Capitol Pride Youth Center",
        "300 Farmington Avenue",
        "Hartford",
        "06105",
        41.7670,
        -72.6990,
        {},
    ),
    "adult-ed-north-main": (
        "adult-ed",
        "West Hartford Adult Education centre",
        "100 North Main Street",
        "West Hartford",
        "06117",
        41.7800,
        -72.7460,
        {},
    ),
    "benefits-main-street": (
        "benefits",
        "Benefits help desk, Main Street",
        "500 Main Street",
        "Hartford",
        "06103",
        41.7620,
        -72.6740,
        {},
    ),
    "open-door-shelter": (
        "open-door",
        "Open Door Hartford shelter",
        "55 Wethersfield Avenue",
        "Hartford",
        "06114",
        41.7560,
        -72.6700,
        {},
    ),
    "peer-network-room": (
        "peer-network",
        "Peer Network meeting room",
        "175 Woodland Street",
        "Hartford",
        "06105",
        41.7750,
        -72.7020,
        {},
    ),
}

# Services -------------------------------------------------------------------

# Phones: a string is a voice line; otherwise (number, type, description).
# Areas: HSDS service areas, named as 211 feeds write them; "Statewide"
# takes the state of the service's address (see `resources.areas`).
# "spanish" is added to the access terms of every service with a Spanish
# Language row, so the filter and the language list cannot disagree.
SERVICES = [
    {
        "key": "chs-testing",
        "org": "chs",
        "name": "Free rapid HIV and syphilis testing",
        "description": "Rapid HIV and syphilis tests with results in about 20 "
        "minutes, plus chlamydia and gonorrhea testing and same-day referral "
        "to treatment. A counsellor gives results in private.",
        "eligibility": "Anyone aged 13 or older. No insurance needed.",
        "fees": "Free.",
        "apply": "Walk in during testing hours; no appointment or ID needed.",
        "min_age": 13,
        "categories": ["sti-hiv-testing", "health"],
        "access": ["free", "walk-in", "no-id", "confidential", "wheelchair"],
        "languages": ["es", "pt"],
        "phones": [
            ("860-555-0101", "voice", "Testing line"),
            ("860-555-0102", "text", "Text to ask a question"),
        ],
        "hours": [
            weekly(WEEKDAYS, "09:00", "12:00"),
            weekly(WEEKDAYS, "13:00", "17:00", "Closed for lunch 12 to 1"),
        ],
        "locations": ["chs-albany"],
    },
    {
        "key": "chs-primary-care",
        "org": "chs",
        "name": "Primary care clinic",
        "description": "Check-ups, sick visits, prescriptions, women's health "
        "and vaccines for adults and children.",
        "eligibility": "Everyone, insured or not.",
        "fees": "Sliding scale by income. HUSKY (Medicaid) and most insurance "
        "accepted; nobody is turned away for inability to pay.",
        "apply": "Call for an appointment; same-day sick visits when available.",
        "interpretation": "Phone interpreters for any language.",
        "categories": ["clinics", "health"],
        "access": ["interpreter", "wheelchair"],
        "languages": ["es", "pt", "ar"],
        "phones": ["860-555-0103"],
        "hours": [
            weekly(WEEKDAYS, "08:00", "18:00"),
            weekly("SA", "09:00", "13:00"),
        ],
        "locations": ["chs-albany"],
    },
    {
        "key": "interval-house-hotline",
        "org": "interval-house",
        "name": "24-hour domestic violence hotline",
        "description": "Talk to a trained advocate any time about abuse at "
        "home, safety planning, shelter and court protective orders.",
        "eligibility": "Anyone affected by domestic violence, and their "
        "friends and family.",
        "fees": "Free.",
        "apply": "Call at any time. You do not have to give your name.",
        "categories": ["domestic-violence", "crisis-hotlines"],
        "access": ["free", "confidential", "interpreter"],
        "languages": ["es"],
        "phones": [
            ("860-555-0110", "voice", "Hotline, 24/7"),
            ("860-555-0111", "textphone", "TTY"),
        ],
        "hours": ALWAYS,
        "locations": ["interval-house-office"],
    },
    {
        "key": "interval-house-shelter",
        "org": "interval-house",
        "name": "Emergency shelter for survivors of domestic violence",
        "description": "A safe, secret place to stay for adults and their "
        "children escaping abuse, with advocates on site.",
        "eligibility": "Adults fleeing domestic violence, with or without children.",
        "fees": "Free.",
        "apply": "Call the shelter line. Staff check that a bed is free and "
        "give the address by phone.",
        "categories": ["emergency-shelter", "domestic-violence"],
        "access": ["free", "confidential", "no-id"],
        "languages": ["es"],
        "phones": [("860-555-0112", "voice", "Shelter intake, 24/7")],
        "hours": ALWAYS,
        "locations": ["interval-house-shelter"],
    },
    {
        "key": "interval-house-counselling",
        "org": "interval-house",
        "name": "Trauma counselling and support groups",
        "description": "One-to-one counselling and weekly support groups for "
        "survivors of domestic violence, with evening sessions.",
        "eligibility": "Adults who have experienced domestic or dating violence.",
        "fees": "Free.",
        "apply": "Call to book a first meeting.",
        "interpretation": "ASL interpreters on request.",
        "min_age": 18,
        "categories": ["trauma-counselling", "domestic-violence", "mental-health"],
        "access": ["free", "confidential", "lgbtq-affirming"],
        "languages": ["es", "ase"],
        "phones": ["860-555-0113"],
        "hours": [*OFFICE, weekly("TU,TH", "17:00", "20:00", "Evening groups")],
        "locations": ["interval-house-office"],
    },
    {
        "key": "rise-housing",
        "org": "salvation-army",
        "name": "RISE transitional housing",
        "description": "Up to 18 months of housing with a case manager for "
        "women leaving the sex trade or trafficking, with counselling and "
        "help to plan what comes next.",
        "eligibility": "Women aged 18 and over, including trans women, who "
        "are leaving the sex trade or trafficking.",
        "fees": "Free.",
        "apply": "Call the RISE intake line; a case manager meets you within a week.",
        "wait_time": "There is often a waiting list; call for the current wait.",
        "min_age": 18,
        "categories": [
            "transitional-housing",
            "exit-programs",
            "trafficking-survivors",
        ],
        "access": ["free", "women-only", "confidential"],
        "languages": ["es"],
        "phones": ["860-555-0120"],
        "hours": OFFICE,
        "locations": ["salvation-army-asylum"],
    },
    {
        "key": "rise-jobs",
        "org": "salvation-army",
        "name": "RISE GED support and job training",
        "description": "GED tutoring, computer skills and paid job training "
        "placements for women in the RISE programme and the community.",
        "eligibility": "Women aged 18 and over.",
        "fees": "Free.",
        "apply": "Drop in during class hours or call to sign up.",
        "min_age": 18,
        "categories": ["adult-education", "job-training"],
        "access": ["free", "walk-in", "women-only"],
        "languages": ["es"],
        "phones": ["860-555-0121"],
        "hours": [weekly("MO,TU,WE,TH", "10:00", "15:00")],
        "locations": ["salvation-army-asylum"],
    },
    {
        "key": "salvation-army-clothing",
        "org": "salvation-army",
        "name": "Free clothing closet",
        "description": "Free clothes, shoes and winter coats for adults and children.",
        "eligibility": "Anyone in need.",
        "fees": "Free.",
        "status": Service.Status.TEMPORARILY_CLOSED,
        "alert": "Closed while the building is repaired. Call for the date it reopens.",
        "categories": ["basic-needs"],
        "access": ["free", "walk-in", "no-id"],
        "phones": ["860-555-0122"],
        "hours": [weekly("TU,TH", "10:00", "14:00")],
        "locations": ["salvation-army-asylum"],
    },
    {
        "key": "project-restore",
        "org": "chr",
        "name": "Project RESTORE: therapy for trafficking survivors",
        "description": "Therapists trained in trafficking trauma, case "
        "management and help connecting to housing, legal and medical care.",
        "eligibility": "Survivors of sex or labour trafficking aged 12 and "
        "over. No police report needed.",
        "fees": "Free.",
        "apply": "Call or text; a referral from another agency is welcome but "
        "not required.",
        "min_age": 12,
        "categories": [
            "trauma-counselling",
            "trafficking-survivors",
            "survivor-services",
        ],
        "access": ["free", "confidential", "lgbtq-affirming", "interpreter"],
        "languages": ["es"],
        "phones": [
            ("860-555-0130", "voice", ""),
            ("860-555-0131", "text", "Text a clinician"),
        ],
        "hours": OFFICE,
        "locations": ["chr-hartford"],
    },
    {
        "key": "chr-walk-in",
        "org": "chr",
        "name": "Walk-in mental health clinic",
        "description": "Same-day assessment and counselling for depression, "
        "anxiety, trauma and other mental health needs, with medication "
        "management.",
        "eligibility": "Adults and young people aged 16 and over.",
        "fees": "HUSKY (Medicaid), Medicare and most insurance; sliding scale "
        "for people without insurance.",
        "apply": "Walk in during clinic hours; arrive early for same-day care.",
        "min_age": 16,
        "categories": ["mental-health"],
        "access": ["walk-in", "interpreter", "wheelchair"],
        "languages": ["es", "pl"],
        "phones": ["860-555-0132"],
        "hours": [weekly(WEEKDAYS, "08:00", "19:00")],
        "locations": ["chr-manchester"],
    },
    {
        "key": "victim-compensation",
        "org": "ovs",
        "name": "Victim Compensation Program",
        "description": "Money toward counselling, medical bills, lost wages "
        "and other costs caused by a violent crime, including trafficking. "
        "The seed article says the programme can help clear records; that "
        "has not been confirmed.",
        "eligibility": "Victims of violent crime in Connecticut and some "
        "family members.",
        "fees": "Free to apply.",
        "apply": "Apply with the programme's form, alone or with a victim "
        "advocate. Ask how long after the crime you can apply.",
        "categories": ["victim-compensation", "legal"],
        "access": ["free", "interpreter"],
        "languages": ["es"],
        "phones": [
            "860-555-0140",
            ("860-555-0141", "textphone", "TTY"),
        ],
        # No schedule rows: its hours are unknown, which must never read as
        # open.
        "hours": [],
        "locations": ["ovs-office"],
        "areas": ["Connecticut"],
    },
    {
        "key": "ajc-jobs",
        "org": "ajc",
        "name": "Job search, training and vocational rehabilitation",
        "description": "Career advisers, résumé and interview help, "
        "computers for job searching, training grants and referrals to "
        "vocational rehabilitation for people with disabilities.",
        "eligibility": "Adults looking for work; some training funds depend on income.",
        "fees": "Free.",
        "apply": "Walk in to register, or call to book an adviser.",
        "min_age": 18,
        "categories": ["job-training", "employment-education"],
        "access": ["free", "walk-in", "wheelchair", "interpreter"],
        "languages": ["es", "pl"],
        "phones": [
            "860-555-0150",
            ("860-555-0151", "textphone", "TTY"),
        ],
        "hours": [weekly(WEEKDAYS, "08:30", "16:30")],
        "locations": ["ajc-west-hartford"],
    },
    {
        "key": "rushford-outpatient",
        "org": "rushford",
        "name": "Outpatient substance use treatment",
        "description": "Counselling, groups and medication-assisted "
        "treatment for alcohol and drug use, with evening programmes for "
        "people who work.",
        "eligibility": "Adults aged 18 and over.",
        "fees": "Covered by HUSKY (Medicaid); most insurance accepted.",
        "apply": "Call for a same-week assessment.",
        "min_age": 18,
        "categories": ["substance-use", "mental-health"],
        "access": ["interpreter", "wheelchair", "lgbtq-affirming"],
        "languages": ["es"],
        "phones": ["860-555-0160"],
        "hours": [
            weekly("MO,TU,WE,TH", "08:00", "20:00"),
            weekly("FR", "08:00", "17:00"),
        ],
        "locations": ["rushford-east-hartford"],
    },
    {
        "key": "rushford-detox",
        "org": "rushford",
        "name": "Detox and medication for opioid use disorder",
        "description": "Medically monitored withdrawal and a start on "
        "buprenorphine or methadone, with a plan for care afterwards.",
        "eligibility": "Adults aged 18 and over.",
        "fees": "Covered by HUSKY (Medicaid); most insurance accepted.",
        "apply": "Call the admissions line at any hour.",
        "min_age": 18,
        "categories": ["substance-use"],
        "access": ["confidential", "wheelchair"],
        "phones": [("860-555-0161", "voice", "Admissions, 24/7")],
        "hours": ALWAYS,
        "locations": ["rushford-east-hartford"],
    },
    {
        "key": "syringe-services",
        "org": "harm-reduction",
        "name": "Syringe services and safer-use supplies",
        "description": "Sterile syringes, safe disposal, fentanyl test strips, "
        "wound care and naloxone, with no requirement to stop using.",
        "eligibility": "Anyone who uses drugs.",
        "fees": "Free.",
        "apply": "Walk in. No name or ID needed.",
        "categories": ["syringe-services", "harm-reduction"],
        "access": [
            "free",
            "walk-in",
            "no-id",
            "confidential",
            "harm-reduction-approach",
        ],
        "languages": ["es"],
        "phones": [
            "860-555-0170",
            ("860-555-0171", "text", "Text for supplies"),
        ],
        "hours": [weekly(WEEKDAYS, "10:00", "16:00")],
        "locations": ["harm-reduction-park"],
    },
    {
        "key": "street-outreach",
        "org": "harm-reduction",
        "name": "Evening street outreach and naloxone",
        "description": "Peer outreach workers bring naloxone, condoms, safer-"
        "use supplies and referrals to people working on the street at night.",
        "eligibility": "Adults who trade sex or use drugs.",
        "fees": "Free.",
        "apply": "Text to arrange a meeting place.",
        "min_age": 18,
        "categories": ["naloxone", "harm-reduction"],
        "access": ["free", "no-id", "confidential", "harm-reduction-approach"],
        "languages": ["es"],
        "phones": [("860-555-0172", "text", "Text the outreach team")],
        "hours": [weekly("TH,FR,SA", "18:00", "23:00")],
        "locations": ["harm-reduction-park"],
    },
    {
        "key": "naloxone-kits",
        "org": "whbhd",
        "name": "Free naloxone kits and overdose training",
        "description": "Free Narcan nasal spray and a 15-minute lesson in "
        "spotting and reversing an opioid overdose.",
        "eligibility": "Anyone.",
        "fees": "Free.",
        "apply": "Walk in to the health district office.",
        "categories": ["naloxone"],
        "access": ["free", "walk-in", "no-id", "wheelchair"],
        "languages": ["es"],
        "phones": ["860-555-0180"],
        "hours": [weekly(WEEKDAYS, "08:30", "16:30")],
        "locations": ["whbhd-town-hall"],
    },
    {
        "key": "court-diversion",
        "org": "community-court",
        "name": "Community Court diversion programme",
        "description": "Instead of a conviction, people complete community "
        "service and up to 40 hours of counselling on substance use and life "
        "skills; charges may then be dismissed.",
        "eligibility": "Adults facing some first-time misdemeanour charges, "
        "referred by the judge or prosecutor.",
        "fees": "Free.",
        "apply": "Ask your lawyer or public defender about the programme at "
        "your first court date.",
        "min_age": 18,
        "categories": ["legal", "record-relief"],
        "access": ["free", "interpreter", "wheelchair"],
        "languages": ["es"],
        "phones": ["860-555-0185"],
        "hours": [weekly(WEEKDAYS, "09:00", "16:00")],
        "locations": ["court-shield"],
    },
    {
        "key": "crt-childcare",
        "org": "crt",
        "name": "Subsidized childcare and early learning",
        "description": "Full-day childcare and Head Start for infants, "
        "toddlers and preschoolers, with meals and family support.",
        "eligibility": "Children from birth to age 5 in Hartford County; "
        "priority for families on low incomes and parents in training or "
        "treatment programmes.",
        "fees": "Free or a reduced fee by family income; Care 4 Kids "
        "subsidies accepted.",
        "apply": "Call to arrange a visit and bring proof of income.",
        "min_age": 0,
        "max_age": 5,
        "categories": ["family-childcare"],
        "access": ["interpreter", "wheelchair"],
        "languages": ["es", "pt"],
        "phones": ["860-555-0190"],
        "hours": [weekly(WEEKDAYS, "07:00", "18:00")],
        "locations": ["crt-market"],
        "areas": ["Hartford County, CT"],
    },
    {
        "key": "crt-housing",
        "org": "crt",
        "name": "Housing search and rental assistance",
        "description": "Help finding an apartment, applying for Section 8 and "
        "rental assistance, and paying a security deposit.",
        "eligibility": "Hartford County residents on low incomes; priority "
        "for survivors of trafficking and domestic violence.",
        "fees": "Free.",
        "apply": "Call to book an appointment with a housing counsellor.",
        "min_age": 18,
        "categories": ["housing"],
        "access": ["free", "interpreter"],
        "languages": ["es"],
        "phones": ["860-555-0191"],
        "hours": OFFICE,
        "locations": ["crt-market"],
        "areas": ["Hartford County, CT"],
    },
    {
        "key": "pro-bono-legal",
        "org": "pro-bono",
        "name": "Free civil legal help",
        "description": "Volunteer lawyers advise on and take cases about "
        "housing, family law, protective orders, benefits and debt.",
        "eligibility": "Hartford County residents on low incomes.",
        "fees": "Free.",
        "apply": "Call for a screening interview; bring any court papers.",
        "categories": ["legal-aid", "legal"],
        "access": ["free", "confidential", "interpreter"],
        "languages": ["es"],
        "phones": [
            "860-555-0192",
            ("860-555-0193", "fax", "Fax court papers"),
        ],
        "hours": OFFICE,
        "locations": ["pro-bono-office"],
        "areas": ["Hartford County, CT"],
    },
    {
        "key": "clean-slate-clinic",
        "org": "pro-bono",
        "name": "Clean Slate record-sealing clinic",
        "description": "Volunteer lawyers check whether your criminal record "
        "can be erased or pardoned and help you fill in the forms.",
        "eligibility": "Anyone with a Connecticut criminal record.",
        "fees": "Free.",
        "apply": "Walk in on the first Saturday of the month; come early.",
        "categories": ["record-relief", "legal-aid"],
        "access": ["free", "walk-in"],
        "languages": ["es"],
        "phones": ["860-555-0194"],
        "hours": [
            monthly("1SA", "10:00", "14:00", "First Saturday of every month"),
        ],
        "locations": ["noah-webster-library"],
        "areas": ["Connecticut"],
    },
    {
        "key": "trafficking-hotline",
        "org": "polaris",
        "name": "National Human Trafficking Hotline",
        "description": "Confidential help for survivors of sex and labour "
        "trafficking, and a place to report a tip, anonymously if you wish. "
        "Advocates connect callers to local services.",
        "eligibility": "Anyone: survivors, people in the sex trade, family, "
        "friends and professionals.",
        "fees": "Free.",
        "apply": "Call or text at any time.",
        "interpretation": "Interpreters in more than 200 languages.",
        "url": "https://humantraffickinghotline.org/",
        "categories": [
            "trafficking-hotlines",
            "reporting-exploitation",
            "crisis-hotlines",
        ],
        "access": ["free", "confidential", "interpreter"],
        "languages": ["es"],
        # Real, well-known national numbers (see the module docstring).
        "phones": [
            ("1-888-373-7888", "voice", "Call 24/7"),
            ("233733", "text", "Text 24/7"),
        ],
        "hours": ALWAYS,
        "locations": ["polaris-virtual"],
        "areas": ["Nationwide"],
    },
    {
        "key": "lifeline-988",
        "org": "lifeline",
        "name": "988 Suicide & Crisis Lifeline",
        "description": "Call or text 988 to talk with a trained crisis "
        "counsellor about thoughts of suicide, a mental health crisis, "
        "substance use or emotional distress.",
        "eligibility": "Anyone, for themselves or someone they are worried about.",
        "fees": "Free.",
        "apply": "Call or text 988 at any time.",
        "url": "https://988lifeline.org/",
        "categories": ["suicide-crisis", "crisis-hotlines", "mental-health"],
        "access": ["free", "confidential", "lgbtq-affirming", "interpreter"],
        "languages": ["es"],
        "phones": [
            ("988", "voice", "Call 24/7"),
            ("988", "text", "Text 24/7"),
        ],
        "hours": ALWAYS,
        "locations": ["lifeline-virtual"],
        "areas": ["Nationwide"],
    },
    {
        "key": "food-pantry",
        "org": "pantry",
        "name": "Community food pantry",
        "description": "Groceries, fresh produce and baby supplies once a "
        "week, with an evening session for people who work.",
        "eligibility": "Residents of West Hartford and Hartford. No proof of "
        "income needed.",
        "fees": "Free.",
        "apply": "Walk in during pantry hours.",
        "categories": ["food", "basic-needs"],
        "access": ["free", "walk-in", "no-id"],
        "languages": ["es", "pl"],
        "phones": ["860-555-0195"],
        "hours": [
            weekly("TU", "10:00", "13:00"),
            weekly("TH", "15:00", "19:00"),
            weekly("SA", "09:00", "12:00"),
        ],
        "locations": ["pantry-farmington"],
        "areas": ["West Hartford, Hartford, CT"],
    },
    {
        "key": "immigration-clinic",
        "org": "immigration",
        "name": "Immigration legal clinic",
        "description": "Advice and representation for T visas (trafficking "
        "survivors), U visas (crime victims), VAWA, asylum and DACA renewals.",
        "eligibility": "Immigrants in Hartford County; priority for survivors "
        "of trafficking and violence.",
        "fees": "Free for survivors; low fees for other cases.",
        "apply": "Call for a confidential screening.",
        "categories": ["immigration-legal", "legal-aid"],
        "access": ["confidential", "interpreter"],
        "languages": ["es", "pt", "pl", "ar"],
        "phones": ["860-555-0196"],
        "hours": [weekly("MO,WE,TH", "09:00", "17:00")],
        "locations": ["immigration-franklin"],
        "areas": ["Hartford County, CT"],
    },
    {
        "key": "sexual-assault-line",
        "org": "sacs",
        "name": "24-hour sexual assault crisis line",
        "description": "Talk with a trained advocate about sexual assault, "
        "recent or long ago, and get someone to meet you at the hospital.",
        "eligibility": "Survivors of any age and gender, and people who support them.",
        "fees": "Free.",
        "apply": "Call at any time.",
        "categories": ["sexual-violence", "crisis-hotlines"],
        "access": ["free", "confidential", "lgbtq-affirming"],
        "languages": ["es"],
        "phones": [
            ("860-555-0197", "voice", "Crisis line, 24/7"),
            ("860-555-0198", "textphone", "TTY, 24/7"),
        ],
        "hours": ALWAYS,
        "locations": ["sacs-office"],
    },
    {
        "key": "sexual-assault-advocacy",
        "org": "sacs",
        "name": "Hospital, police and court accompaniment",
        "description": "An advocate goes with you to the hospital, the police "
        "or court, explains your options and helps with victim compensation.",
        "eligibility": "Survivors of sexual violence.",
        "fees": "Free.",
        "apply": "Call the office or the 24-hour crisis line.",
        "categories": ["sexual-violence", "survivor-services"],
        "access": ["free", "confidential"],
        "languages": ["es"],
        "phones": ["860-555-0199"],
        "hours": OFFICE,
        "locations": ["sacs-office"],
    },
    {
        "key": "pride-youth-drop-in",
        "org": "pride-youth",
        "name": "LGBTQ+ youth drop-in centre",
        "description": "A safe space after school with peer support groups, a "
        "counsellor, snacks, clothing and free STI testing on Fridays.",
        "eligibility": "LGBTQ+ young people and allies aged 13 to 24.",
        "fees": "Free.",
        "apply": "Drop in; no appointment or ID needed.",
        "min_age": 13,
        "max_age": 24,
        "categories": ["mental-health", "basic-needs"],
        "access": ["free", "walk-in", "no-id", "lgbtq-affirming", "youth"],
        "languages": ["es"],
        "phones": [
            "860-555-0104",
            ("860-555-0105", "text", "Text a youth worker"),
        ],
        "hours": [
            weekly("TU,WE,TH,FR", "15:00", "20:00"),
            weekly("SA", "12:00", "17:00"),
        ],
        "locations": ["pride-youth-center"],
    },
    {
        "key": "adult-ed-ged",
        "org": "adult-ed",
        "name": "GED and English classes",
        "description": "Free classes to earn a GED or adult high school "
        "diploma, and English classes at every level, mornings and evenings.",
        "eligibility": "Adults aged 17 and over who have left school.",
        "fees": "Free for town residents; small book fee.",
        "apply": "Register in person; classes start every eight weeks.",
        "min_age": 17,
        "categories": ["adult-education", "employment-education"],
        "access": ["free", "wheelchair"],
        "languages": ["es", "pt", "pl", "ar"],
        "phones": ["860-555-0106"],
        "hours": [
            weekly(WEEKDAYS, "09:00", "12:00", "Morning classes"),
            weekly("MO,TU,WE,TH", "17:30", "20:30", "Evening classes"),
        ],
        "locations": ["adult-ed-north-main"],
    },
    {
        "key": "snap-help-desk",
        "org": "benefits",
        "name": "SNAP and benefits application help",
        "description": "Volunteers help you apply for SNAP (food stamps), "
        "HUSKY health insurance, WIC and cash assistance, and sort out "
        "renewals and letters.",
        "eligibility": "Anyone living in Connecticut.",
        "fees": "Free.",
        "apply": "Walk in with ID and proof of income if you have them; the "
        "desk can still help without.",
        "categories": ["benefits", "food"],
        "access": ["free", "walk-in", "interpreter"],
        "languages": ["es", "pt"],
        "phones": ["860-555-0107"],
        "hours": [weekly("MO,WE,FR", "10:00", "16:00")],
        "locations": ["benefits-main-street"],
        "areas": ["Statewide"],
    },
    {
        "key": "overnight-shelter",
        "org": "open-door",
        "name": "Overnight emergency shelter",
        "description": "A bed, a hot evening meal, showers and breakfast for "
        "adults with nowhere to sleep tonight.",
        "eligibility": "Adults aged 18 and over, any gender.",
        "fees": "Free.",
        "apply": "Come to the door from 8 PM; beds go first come, first served.",
        "min_age": 18,
        "categories": ["emergency-shelter", "housing"],
        "access": ["free", "walk-in", "no-id", "harm-reduction-approach"],
        "languages": ["es"],
        "phones": ["860-555-0108"],
        # Closing earlier than opening means the next morning: 8 PM to 8 AM.
        "hours": [weekly(EVERY_DAY, "20:00", "08:00", "Overnight")],
        "locations": ["open-door-shelter"],
    },
    {
        "key": "peer-exit-support",
        "org": "peer-network",
        "name": "Peer support for leaving the sex trade",
        "description": "A weekly group and one-to-one mentoring led by people "
        "who have left the sex trade, on your terms and at your pace.",
        "eligibility": "Adults who trade or have traded sex, of any gender.",
        "fees": "Free.",
        "apply": "Come to a group or text to meet a mentor first.",
        "min_age": 18,
        "categories": ["exit-programs", "survivor-services"],
        "access": [
            "free",
            "confidential",
            "lgbtq-affirming",
            "harm-reduction-approach",
        ],
        "languages": ["es"],
        "phones": [("860-555-0109", "text", "Text a peer mentor")],
        "hours": [weekly("WE", "18:00", "20:00", "Weekly group")],
        "locations": ["peer-network-room"],
    },
]


# Loading ---------------------------------------------------------------------


class _Writer:
    """Write demo rows by fixed id, counting them per table."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()

    def put(self, model: type[models.Model], key: str, **values) -> uuid.UUID:
        """Create or update one row; leave it alone when nothing changed.

        Skipping unchanged rows keeps a second run from adding a history
        entry to every record.
        """
        pk = demo_id(model._meta.model_name, key)
        row = model._default_manager.filter(pk=pk).first()
        if row is None:
            model._default_manager.create(id=pk, **values)
        elif any(getattr(row, field) != value for field, value in values.items()):
            for field, value in values.items():
                setattr(row, field, value)
            row.save()
        self.counts[str(model._meta.verbose_name_plural)] += 1
        return pk


def _phone(spec: str | tuple[str, str, str]) -> tuple[str, str, str]:
    return (spec, Phone.Type.VOICE, "") if isinstance(spec, str) else spec


def _check_taxonomies() -> None:
    codes = {code for service in SERVICES for code in _term_codes(service)}
    found = TaxonomyTerm.objects.filter(id__in=[term_id(code) for code in codes])
    if found.count() != len(codes):
        raise ImproperlyConfigured(
            "The shipped taxonomy terms are missing; run `manage.py migrate`."
        )


def _term_codes(service: dict) -> list[str]:
    codes = [*service["categories"], *service["access"]]
    if "es" in service.get("languages", ()) and "spanish" not in codes:
        codes.append("spanish")
    return codes


def _provenance(writer: _Writer, resource_type: str, key: str, pk: uuid.UUID):
    writer.put(
        Metadata,
        f"{resource_type}:{key}",
        resource_id=pk,
        resource_type=resource_type,
        last_action_date=LOADED_AT,
        last_action_type="create",
        field_name="source",
        previous_value="",
        replacement_value=SOURCE,
        updated_by=LOADED_BY,
    )


def _load_location(writer: _Writer, key: str, spec: tuple) -> uuid.UUID:
    org, name, street, city, postal_code, latitude, longitude, extra = spec
    pk = writer.put(
        Location,
        key,
        organization_id=demo_id("organization", org) if org else None,
        name=name,
        location_type="physical" if street else "virtual",
        latitude=latitude,
        longitude=longitude,
        time_zone=extra.get("time_zone", ""),
        address_visibility=extra.get("address_visibility", "public"),
        transportation=extra.get("transportation", ""),
    )
    if street:
        writer.put(
            Address,
            key,
            location_id=pk,
            address_1=street,
            city=city,
            state_province="CT",
            postal_code=postal_code,
            country="US",
            address_type="physical",
        )
    return pk


def _load_service(writer: _Writer, spec: dict) -> uuid.UUID:
    key = spec["key"]
    pk = writer.put(
        Service,
        key,
        organization_id=demo_id("organization", spec["org"]),
        name=spec["name"],
        description=spec["description"],
        url=spec.get("url", ""),
        status=spec.get("status", Service.Status.ACTIVE),
        alert=spec.get("alert", ""),
        eligibility_description=spec["eligibility"],
        fees_description=spec["fees"],
        application_process=spec.get("apply", ""),
        interpretation_services=spec.get("interpretation", ""),
        wait_time=spec.get("wait_time", ""),
        minimum_age=spec.get("min_age"),
        maximum_age=spec.get("max_age"),
        publication_status=Service.Publication.PUBLISHED,
        # Reloading restores the article's unverified text, so any
        # verification logged against an edited version no longer holds.
        assured_date=None,
    )
    for location in spec["locations"]:
        writer.put(
            ServiceAtLocation,
            f"{key}@{location}",
            service_id=pk,
            location_id=demo_id("location", location),
        )
    for code in _term_codes(spec):
        writer.put(
            Attribute,
            f"{key}:{code}",
            link_entity="service",
            link_id=pk,
            taxonomy_term_id=term_id(code),
        )
    for number, type_, description in map(_phone, spec["phones"]):
        writer.put(
            Phone,
            f"{key}:{type_}:{number}",
            service_id=pk,
            number=number,
            type=type_,
            description=description,
        )
    for code in spec.get("languages", ()):
        writer.put(
            Language,
            f"{key}:{code}",
            service_id=pk,
            name=LANGUAGE_NAMES[code],
            code=code,
        )
    for n, area in enumerate(spec.get("areas", ())):
        writer.put(ServiceArea, f"{key}:{n}", service_id=pk, name=area)
    for hours in spec["hours"]:
        writer.put(
            Schedule,
            f"{key}:{hours['freq']}:{hours['byday']}:{hours['opens_at']}",
            service_id=pk,
            **hours,
        )
    return pk


def _demo_second_factor(user) -> dict:
    """Give a demo login a known authenticator key and fresh backup codes.

    The key derives from the username, so an authenticator app set up once
    keeps working after reloading; the backup codes are new each time.
    """
    from .two_factor import (
        APP_DEVICE_NAME,
        TOTPDevice,
        issue_backup_codes,
        secret,
    )

    key = hashlib.sha256(f"{NAMESPACE}:totp:{user.username}".encode()).hexdigest()
    TOTPDevice.objects.filter(user=user).exclude(name=APP_DEVICE_NAME).delete()
    device, _created = TOTPDevice.objects.update_or_create(
        user=user,
        name=APP_DEVICE_NAME,
        defaults={"key": key[:40], "confirmed": True},
    )
    return {
        "totp_secret": secret(device),
        "totp_uri": device.config_url,
        "backup_codes": issue_backup_codes(user, count=DEMO_BACKUP_CODES),
    }


def _load_logins() -> list[dict]:
    """Create or reset the demo staff accounts; none of them is a superuser.

    Each gets a second factor (see `_demo_second_factor`); the editor edits
    one demo organization.
    """
    User = get_user_model()
    logins = []
    for username, password, group_name in DEMO_LOGINS:
        group = Group.objects.get(name=group_name)
        user = User.objects.filter(username=username).first() or User(username=username)
        user.is_staff = True
        user.is_superuser = False
        user.is_active = True
        user.email = f"{username}@example.org"
        user.set_password(password)
        user.save()
        user.groups.set([group])
        login = {"username": username, "password": password, "group": group_name}
        if group_name == ORGANIZATION_EDITORS:
            organization_id = demo_id("organization", DEMO_EDITOR_ORGANIZATION)
            OrganizationMembership.objects.filter(user=user).exclude(
                organization_id=organization_id
            ).delete()
            OrganizationMembership.objects.get_or_create(
                user=user, organization_id=organization_id
            )
            login["organization"] = Organization.objects.get(pk=organization_id).name
        logins.append(login | _demo_second_factor(user))
    return logins


# Change requests waiting in the queue ---------------------------------------------

# (key, service, problem, message, correction): reports as the public sends them.
PUBLIC_REPORTS = [
    (
        "pantry-hours",
        "food-pantry",
        "hours",
        "We came on Saturday at 11 and the pantry was closed.",
        "A volunteer said Saturday hours end at 10:30 now.",
    ),
    (
        "ajc-phone",
        "ajc-jobs",
        "phone",
        "The number rings out; nobody answers during the day.",
        "",
    ),
    (
        "clothing-reopened",
        "salvation-army-clothing",
        "closed",
        "The clothing closet is open again since last month.",
        "Open Tuesdays and Thursdays, 10 to 2, as before.",
    ),
]


def _load_change_requests(writer: _Writer, *, editor=None) -> None:
    """Open some requests, once: a caseworker's decision is never undone here."""
    for key, service, problem, message, correction in PUBLIC_REPORTS:
        pk = demo_id("changerequest", key)
        if not ChangeRequest.objects.filter(pk=pk).exists():
            ChangeRequest.objects.create(
                id=pk,
                service_id=demo_id("service", service),
                problem=problem,
                message=message,
                correction=correction,
            )
        writer.counts["change requests"] += 1
    if editor is None:
        return
    pk = demo_id("changerequest", "editor-counselling")
    if not ChangeRequest.objects.filter(pk=pk).exists():
        service = Service.objects.get(
            pk=demo_id("service", "interval-house-counselling")
        )
        phone = service.phones.order_by("number").first()
        new_service, new_phone = copy.copy(service), copy.copy(phone)
        new_service.wait_time = "New clients are seen within two weeks."
        new_phone.description = "Counselling intake, weekdays"
        saturday = Schedule(
            id=demo_id("schedule", "editor-counselling:saturday"),
            service=service,
            freq=Schedule.Frequency.WEEKLY,
            byday="SA",
            opens_at=datetime.time(10),
            closes_at=datetime.time(13),
            description="Saturday support group",
        )
        operations = [
            changes.update_operation(service, new_service, ["wait_time"]),
            changes.update_operation(phone, new_phone, ["description"]),
            changes.create_operation(saturday),
        ]
        ChangeRequest.objects.create(
            id=pk,
            service=service,
            problem=Problem.UPDATE,
            source=RequestSource.EDITOR,
            message=changes.summarize(operations),
            proposed_changes=operations,
            submitted_by=editor,
        )
    writer.counts["change requests"] += 1


@transaction.atomic
def load_demo_data(*, demo_login: bool = False) -> dict:
    """Create or update the demo directory; safe to run again.

    Return the number of demo rows per table, and under "logins" the demo
    staff accounts when `demo_login` asks for them.
    """
    _check_taxonomies()
    writer = _Writer()
    for key, name, alternate_name, description, website in ORGANIZATIONS:
        pk = writer.put(
            Organization,
            key,
            name=name,
            alternate_name=alternate_name,
            description=description,
            website=website,
        )
        _provenance(writer, "organization", key, pk)
    for key, spec in LOCATIONS.items():
        _load_location(writer, key, spec)
    for spec in SERVICES:
        pk = _load_service(writer, spec)
        _provenance(writer, "service", spec["key"], pk)
    logins = _load_logins() if demo_login else []
    editor = next(
        (
            get_user_model().objects.get(username=login["username"])
            for login in logins
            if login["group"] == ORGANIZATION_EDITORS
        ),
        None,
    )
    _load_change_requests(writer, editor=editor)
    result: dict = dict(writer.counts)
    if demo_login:
        result["logins"] = logins
    return result
