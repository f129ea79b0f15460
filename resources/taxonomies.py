"""The taxonomies shipped with the app: service categories and access attributes.

Pure data plus one idempotent loader that migrations call. Identifiers are
derived from the codes (UUID 5), so every deployment gives the same term the
same HSDS id and other systems can rely on it. Names are marked for
translation; templates translate them at display time.
"""

import uuid

from django.utils.translation import gettext_noop as _

NAMESPACE = uuid.UUID("6f1b3c1e-5a52-4f3e-9a55-1f1c0b9f2d10")

CATEGORIES_ID = uuid.uuid5(NAMESPACE, "taxonomy:categories")
ACCESS_ID = uuid.uuid5(NAMESPACE, "taxonomy:access")

TAXONOMIES = [
    {
        "id": CATEGORIES_ID,
        "name": "Service categories",
        "description": "What kind of help a service gives.",
        "version": "1",
    },
    {
        "id": ACCESS_ID,
        "name": "Access",
        "description": "How people can use a service: cost, ID, language, "
        "who it is for.",
        "version": "1",
    },
]

# (code, name, description, children)
CATEGORY_TREE = [
    (
        "crisis-hotlines",
        _("Crisis lines and hotlines"),
        _("Talk to someone now, day or night, by phone or text."),
        [
            (
                "suicide-crisis",
                _("Suicide and crisis lines"),
                _("Immediate support for anyone in emotional crisis."),
            ),
            (
                "trafficking-hotlines",
                _("Trafficking hotlines"),
                _("Confidential help and reporting for human trafficking."),
            ),
        ],
    ),
    (
        "health",
        _("Health care"),
        _("Clinics, testing and medical care."),
        [
            (
                "sti-hiv-testing",
                _("STI and HIV testing"),
                _("Testing and treatment for sexually transmitted infections."),
            ),
            (
                "clinics",
                _("Clinics and primary care"),
                _("Doctors and nurses for everyday health needs."),
            ),
        ],
    ),
    (
        "harm-reduction",
        _("Harm reduction"),
        _("Safer use supplies, naloxone and support without judgement."),
        [
            (
                "naloxone",
                _("Naloxone (Narcan)"),
                _("Free naloxone to reverse an opioid overdose."),
            ),
            (
                "syringe-services",
                _("Syringe services"),
                _("Sterile supplies and safe disposal."),
            ),
        ],
    ),
    (
        "mental-health",
        _("Mental health and counselling"),
        _("Counselling, therapy and emotional support."),
        [
            (
                "trauma-counselling",
                _("Trauma counselling"),
                _("Therapy with people trained in trauma and abuse."),
            ),
        ],
    ),
    (
        "substance-use",
        _("Substance use treatment"),
        _("Detox, rehab, recovery support and medication treatment."),
        [],
    ),
    (
        "housing",
        _("Housing and shelter"),
        _("A safe place to stay tonight or for longer."),
        [
            (
                "emergency-shelter",
                _("Emergency shelter"),
                _("A bed tonight."),
            ),
            (
                "transitional-housing",
                _("Transitional housing"),
                _("Housing for months while you get settled."),
            ),
        ],
    ),
    (
        "legal",
        _("Legal help"),
        _("Free or low-cost lawyers and legal advice."),
        [
            ("legal-aid", _("Legal aid"), _("Free lawyers for people on low income.")),
            (
                "record-relief",
                _("Record relief and expungement"),
                _("Clearing or sealing a criminal record."),
            ),
            (
                "victim-compensation",
                _("Victim compensation"),
                _("Money for costs caused by a crime against you."),
            ),
            (
                "immigration-legal",
                _("Immigration legal help"),
                _("Visas, status and protection for immigrants and survivors."),
            ),
        ],
    ),
    (
        "survivor-services",
        _("Survivor services"),
        _("Support for survivors of trafficking and violence."),
        [
            (
                "trafficking-survivors",
                _("Human trafficking survivors"),
                _("Case management and support for trafficking survivors."),
            ),
            (
                "sexual-violence",
                _("Sexual violence"),
                _("Advocacy and support after sexual assault."),
            ),
            (
                "domestic-violence",
                _("Domestic violence"),
                _("Safety planning, advocacy and shelter for people facing abuse."),
            ),
            (
                "exit-programs",
                _("Exit programmes"),
                _("Help to leave the sex trade, on your own terms."),
            ),
        ],
    ),
    (
        "employment-education",
        _("Employment and education"),
        _("Job training, job search and adult education."),
        [
            ("job-training", _("Job training"), _("Skills and job placement.")),
            (
                "adult-education",
                _("Adult education and GED"),
                _("Finish high school, learn English, earn a GED."),
            ),
        ],
    ),
    (
        "family-childcare",
        _("Family and childcare"),
        _("Childcare, parenting support and help for families."),
        [],
    ),
    (
        "basic-needs",
        _("Basic needs"),
        _("Food, clothing, benefits and everyday essentials."),
        [
            ("food", _("Food"), _("Meals, pantries and SNAP (food stamps).")),
            (
                "benefits",
                _("Benefits and financial help"),
                _("Help applying for cash, health and food benefits."),
            ),
        ],
    ),
    (
        "reporting-exploitation",
        _("Reporting exploitation"),
        _("Ways to report trafficking or exploitation, anonymously if you wish."),
        [],
    ),
]

# (code, name, description)
ACCESS_TERMS = [
    ("free", _("Free"), _("No cost to the person served.")),
    ("walk-in", _("Walk-in"), _("No appointment needed.")),
    ("no-id", _("No ID required"), _("You do not need to show identification.")),
    (
        "confidential",
        _("Confidential or anonymous"),
        _("Your information is kept private; anonymous help is possible."),
    ),
    ("spanish", _("Spanish spoken"), _("Staff speak Spanish.")),
    (
        "interpreter",
        _("Interpreter available"),
        _("An interpreter can be arranged for other languages."),
    ),
    (
        "lgbtq-affirming",
        _("LGBTQ+ affirming"),
        _("Welcoming to lesbian, gay, bisexual, trans and queer people."),
    ),
    (
        "harm-reduction-approach",
        _("Harm-reduction approach"),
        _("Meets people where they are; no requirement to stop using."),
    ),
    (
        "wheelchair",
        _("Wheelchair accessible"),
        _("Step-free entrance and accessible rooms."),
    ),
    ("women-only", _("Women only"), _("For women, including trans women.")),
    ("youth", _("Youth"), _("For young people, usually under 25.")),
]


def term_id(code: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{code}")


def iter_terms():
    """Yield (taxonomy id, parent code or None, code, name, description)."""
    for code, name, description, children in CATEGORY_TREE:
        yield CATEGORIES_ID, None, code, name, description
        for child_code, child_name, child_description in children:
            yield CATEGORIES_ID, code, child_code, child_name, child_description
    for code, name, description in ACCESS_TERMS:
        yield ACCESS_ID, None, code, name, description


def sync_taxonomies(apps) -> None:
    """Create or update the shipped taxonomies; safe to run again."""
    Taxonomy = apps.get_model("resources", "Taxonomy")
    TaxonomyTerm = apps.get_model("resources", "TaxonomyTerm")
    names = {}
    for taxonomy in TAXONOMIES:
        values = {k: v for k, v in taxonomy.items() if k != "id"}
        Taxonomy.objects.update_or_create(id=taxonomy["id"], defaults=values)
        names[taxonomy["id"]] = taxonomy["name"]
    for taxonomy_id, parent_code, code, name, description in iter_terms():
        TaxonomyTerm.objects.update_or_create(
            id=term_id(code),
            defaults={
                "code": code,
                "name": name,
                "description": description,
                "parent_id": term_id(parent_code) if parent_code else None,
                "taxonomy_detail_id": taxonomy_id,
                "taxonomy": names[taxonomy_id],
                "language": "en",
            },
        )
