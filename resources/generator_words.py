"""Words and places that `resources.generator` composes listings from.

Pure data, no ORM. Names and offers are written the way providers describe
themselves, so that keyword search over generated listings behaves as it
would over real ones. Offers start in lower case: they are joined into
sentences.
"""

from dataclasses import dataclass

# (zip, city, county, latitude, longitude, area codes): real ZIP codes and
# their centres, for when the `zipcodes` package is not installed.
_HARTFORD = ("860", "959")
_NEW_HAVEN = ("203", "475")
BUILT_IN_PLACES = {
    "CT": (
        ("06103", "Hartford", "Hartford County", 41.7672, -72.676, _HARTFORD),
        ("06106", "Hartford", "Hartford County", 41.7498, -72.6947, _HARTFORD),
        ("06112", "Hartford", "Hartford County", 41.7905, -72.6964, _HARTFORD),
        ("06108", "East Hartford", "Hartford County", 41.7803, -72.618, _HARTFORD),
        ("06107", "West Hartford", "Hartford County", 41.7556, -72.7532, _HARTFORD),
        ("06040", "Manchester", "Hartford County", 41.7777, -72.5244, _HARTFORD),
        ("06051", "New Britain", "Hartford County", 41.6667, -72.7722, _HARTFORD),
        ("06010", "Bristol", "Hartford County", 41.6823, -72.9302, _HARTFORD),
        ("06082", "Enfield", "Hartford County", 41.989, -72.5652, _HARTFORD),
        ("06095", "Windsor", "Hartford County", 41.8561, -72.6639, _HARTFORD),
        ("06002", "Bloomfield", "Hartford County", 41.8316, -72.7249, _HARTFORD),
        ("06450", "Meriden", "New Haven County", 41.5334, -72.7997, _NEW_HAVEN),
        ("06457", "Middletown", "Middlesex County", 41.5569, -72.6652, _HARTFORD),
        ("06492", "Wallingford", "New Haven County", 41.46, -72.8222, _NEW_HAVEN),
        ("06510", "New Haven", "New Haven County", 41.3087, -72.9271, _NEW_HAVEN),
        ("06513", "New Haven", "New Haven County", 41.3072, -72.8654, _NEW_HAVEN),
        ("06514", "Hamden", "New Haven County", 41.362, -72.9361, _NEW_HAVEN),
        ("06604", "Bridgeport", "Fairfield County", 41.1796, -73.2019, _NEW_HAVEN),
        ("06606", "Bridgeport", "Fairfield County", 41.2091, -73.2086, _NEW_HAVEN),
        ("06615", "Stratford", "Fairfield County", 41.177, -73.1336, _NEW_HAVEN),
        ("06460", "Milford", "New Haven County", 41.2175, -73.0549, _NEW_HAVEN),
        ("06702", "Waterbury", "New Haven County", 41.5566, -73.0385, _NEW_HAVEN),
        ("06770", "Naugatuck", "New Haven County", 41.492, -73.0493, _NEW_HAVEN),
        ("06790", "Torrington", "Litchfield County", 41.8131, -73.1156, _HARTFORD),
        ("06810", "Danbury", "Fairfield County", 41.3917, -73.4532, _NEW_HAVEN),
        ("06850", "Norwalk", "Fairfield County", 41.1222, -73.4358, _NEW_HAVEN),
        ("06901", "Stamford", "Fairfield County", 41.0531, -73.539, _NEW_HAVEN),
        ("06830", "Greenwich", "Fairfield County", 41.0427, -73.6262, _NEW_HAVEN),
        ("06320", "New London", "New London County", 41.3507, -72.1062, _HARTFORD),
        ("06340", "Groton", "New London County", 41.3572, -72.0579, _HARTFORD),
        ("06360", "Norwich", "New London County", 41.5371, -72.0849, _HARTFORD),
        ("06226", "Willimantic", "Windham County", 41.7149, -72.2134, _HARTFORD),
        ("06260", "Putnam", "Windham County", 41.9185, -71.8968, _HARTFORD),
        ("06066", "Vernon Rockville", "Tolland County", 41.8365, -72.4633, _HARTFORD),
    )
}


@dataclass(frozen=True)
class Kind:
    """What a category of service is called and what it offers."""

    names: tuple[str, ...]
    offers: tuple[str, ...]
    access: tuple[str, ...]


KINDS = {
    "crisis-hotlines": Kind(
        ("Crisis line", "24-hour support line", "Warmline", "Crisis text line"),
        (
            "someone to talk to right now, by phone or text",
            "safety planning with a trained advocate",
            "referrals to shelter, counselling and legal help",
            "support for friends and family who are worried",
        ),
        ("free", "confidential", "interpreter"),
    ),
    "suicide-crisis": Kind(
        ("Suicide prevention line", "Mobile crisis team", "Crisis counselling"),
        (
            "immediate support from a trained crisis counsellor",
            "a mobile team that comes to you in a mental health crisis",
            "follow-up calls after a crisis",
            "help for anyone worried about someone else",
        ),
        ("free", "confidential", "lgbtq-affirming"),
    ),
    "trafficking-hotlines": Kind(
        ("Anti-trafficking hotline", "Trafficking tip line", "Survivor helpline"),
        (
            "confidential help for survivors of labour and sex trafficking",
            "a way to report a tip about trafficking, anonymously if you wish",
            "connections to shelter, legal and medical care",
        ),
        ("free", "confidential", "interpreter"),
    ),
    "health": Kind(
        ("Health clinic", "Community health services", "Women's health clinic"),
        (
            "check-ups and sick visits",
            "vaccines for children and adults",
            "prenatal care and family planning",
            "blood pressure and diabetes checks",
        ),
        ("wheelchair", "interpreter", "walk-in"),
    ),
    "sti-hiv-testing": Kind(
        (
            "Free STI testing",
            "Rapid HIV testing",
            "HIV and hepatitis C testing",
            "Sexual health clinic",
            "PrEP and PEP clinic",
            "STI testing and treatment",
        ),
        (
            "rapid HIV tests with results in about 20 minutes",
            "testing for chlamydia, gonorrhea and syphilis",
            "HIV counselling and referral to care",
            "PrEP and PEP prescriptions",
            "hepatitis C screening",
            "free condoms and safer-sex supplies",
            "same-day treatment for common infections",
        ),
        ("free", "walk-in", "confidential", "no-id", "lgbtq-affirming"),
    ),
    "clinics": Kind(
        ("Primary care clinic", "Family medicine", "Free clinic", "Urgent care"),
        (
            "check-ups, sick visits and prescriptions",
            "care for diabetes, asthma and high blood pressure",
            "vaccines and school physicals",
            "women's health and family planning",
            "dental cleanings and fillings",
        ),
        ("interpreter", "wheelchair", "walk-in"),
    ),
    "harm-reduction": Kind(
        ("Harm reduction drop-in", "Street outreach", "Drug checking"),
        (
            "fentanyl test strips and safer-use supplies",
            "outreach workers who meet you where you are",
            "wound care and referrals to treatment when you want it",
            "a place to rest, shower and do laundry",
        ),
        ("free", "no-id", "confidential", "harm-reduction-approach"),
    ),
    "naloxone": Kind(
        ("Free naloxone (Narcan)", "Overdose prevention training"),
        (
            "free naloxone (Narcan) kits to reverse an opioid overdose",
            "ten-minute training on how to use naloxone",
            "fentanyl test strips",
        ),
        ("free", "no-id", "walk-in", "harm-reduction-approach"),
    ),
    "syringe-services": Kind(
        ("Syringe services program", "Syringe exchange", "Mobile syringe van"),
        (
            "sterile syringes and safe disposal",
            "HIV and hepatitis C testing",
            "naloxone and fentanyl test strips",
        ),
        ("free", "no-id", "confidential", "harm-reduction-approach"),
    ),
    "mental-health": Kind(
        (
            "Walk-in mental health clinic",
            "Counselling and therapy",
            "Peer support groups",
            "Psychiatric care",
        ),
        (
            "counselling for depression, anxiety and stress",
            "individual and family therapy",
            "medication management with a psychiatric nurse",
            "peer-led support groups",
            "same-day assessment",
        ),
        ("walk-in", "interpreter", "lgbtq-affirming", "wheelchair"),
    ),
    "trauma-counselling": Kind(
        ("Trauma counselling", "Trauma therapy for survivors", "Healing circles"),
        (
            "therapy with counsellors trained in trauma and abuse",
            "support groups for survivors",
            "art and movement therapy",
            "counselling for children who witnessed violence",
        ),
        ("free", "confidential", "lgbtq-affirming"),
    ),
    "substance-use": Kind(
        (
            "Outpatient substance use treatment",
            "Detox and recovery",
            "Medication for opioid use disorder",
            "Recovery support",
        ),
        (
            "counselling and groups for alcohol and drug use",
            "medication-assisted treatment with buprenorphine or methadone",
            "medically monitored detox",
            "recovery coaching and sober-living referrals",
            "evening programmes for people who work",
        ),
        ("interpreter", "harm-reduction-approach", "walk-in"),
    ),
    "housing": Kind(
        ("Housing help", "Rental assistance", "Homelessness prevention"),
        (
            "help finding an apartment",
            "one-time help with back rent or a security deposit",
            "case management to keep your home",
            "help with utility shut-off notices",
        ),
        ("free", "interpreter"),
    ),
    "emergency-shelter": Kind(
        ("Emergency shelter", "Overnight shelter", "Warming centre", "Family shelter"),
        (
            "a bed tonight",
            "hot meals, showers and laundry",
            "lockers for your belongings",
            "case managers who help you find housing",
        ),
        ("free", "walk-in", "no-id", "harm-reduction-approach"),
    ),
    "transitional-housing": Kind(
        ("Transitional housing", "Supportive housing", "Recovery housing"),
        (
            "up to 24 months of housing with a case manager",
            "help with budgeting, jobs and benefits",
            "a plan for moving into a home of your own",
        ),
        ("free", "women-only", "confidential"),
    ),
    "legal": Kind(
        ("Legal advice clinic", "Know your rights workshops", "Court navigation"),
        (
            "free advice from a lawyer",
            "help filling in court forms",
            "someone to explain what happens in court",
        ),
        ("free", "interpreter"),
    ),
    "legal-aid": Kind(
        ("Free legal aid", "Eviction defence", "Family law help", "Legal hotline"),
        (
            "free lawyers for people on low incomes",
            "help with eviction, custody and benefits appeals",
            "protective orders for people facing abuse",
            "advice by phone from a lawyer",
        ),
        ("free", "interpreter", "confidential"),
    ),
    "record-relief": Kind(
        ("Record sealing clinic", "Expungement help", "Clean slate clinic"),
        (
            "help clearing or sealing a criminal record",
            "pardons and erasure applications",
            "advice on jobs and housing with a record",
        ),
        ("free", "walk-in"),
    ),
    "victim-compensation": Kind(
        ("Victim compensation help", "Victim advocacy", "Crime victim services"),
        (
            "money toward medical bills, counselling and lost wages after a crime",
            "a victim advocate in court",
            "help applying for compensation",
        ),
        ("free", "interpreter", "confidential"),
    ),
    "immigration-legal": Kind(
        ("Immigration legal clinic", "Immigration help", "DACA renewal clinic"),
        (
            "T visas for survivors of trafficking and U visas for crime victims",
            "asylum and VAWA petitions",
            "DACA renewals and citizenship applications",
            "screenings with an immigration lawyer",
        ),
        ("confidential", "interpreter", "free"),
    ),
    "survivor-services": Kind(
        ("Survivor advocacy", "Case management for survivors", "Survivor support"),
        (
            "an advocate who helps you plan your next steps",
            "help with housing, benefits and court",
            "support groups led by survivors",
        ),
        ("free", "confidential", "lgbtq-affirming"),
    ),
    "trafficking-survivors": Kind(
        ("Services for trafficking survivors", "Anti-trafficking case management"),
        (
            "case management for survivors of sex and labour trafficking",
            "emergency housing and transportation",
            "help getting identity documents back",
            "therapy with people trained in trafficking trauma",
        ),
        ("free", "confidential", "interpreter", "no-id"),
    ),
    "sexual-violence": Kind(
        ("Sexual assault crisis services", "Hospital and court accompaniment"),
        (
            "an advocate who meets you at the hospital",
            "support for survivors of sexual assault, recent or long ago",
            "counselling for survivors and the people who support them",
        ),
        ("free", "confidential", "lgbtq-affirming"),
    ),
    "domestic-violence": Kind(
        (
            "Domestic violence services",
            "Safe house for survivors of abuse",
            "Domestic violence hotline",
            "Court advocacy",
        ),
        (
            "safety planning with a trained advocate",
            "help with protective orders",
            "a safe, secret place to stay",
            "support groups for survivors of abuse",
        ),
        ("free", "confidential", "interpreter"),
    ),
    "exit-programs": Kind(
        ("Exit programme", "Peer support for leaving the sex trade"),
        (
            "mentoring from people who have left the sex trade",
            "help with housing, jobs and school on your terms",
            "a weekly peer support group",
        ),
        ("free", "confidential", "harm-reduction-approach", "women-only"),
    ),
    "employment-education": Kind(
        ("Career centre", "Job readiness programme"),
        (
            "résumé and interview help",
            "computers for job searching",
            "training grants",
            "career coaching",
        ),
        ("free", "wheelchair"),
    ),
    "job-training": Kind(
        ("Job training", "Paid apprenticeships", "Vocational rehabilitation"),
        (
            "paid job training placements",
            "certificates in healthcare, manufacturing and IT",
            "job placement and follow-up",
            "vocational rehabilitation for people with disabilities",
        ),
        ("free", "wheelchair", "youth"),
    ),
    "adult-education": Kind(
        ("GED classes", "English classes (ESL)", "Adult high school", "Literacy"),
        (
            "classes to earn a GED or adult high school diploma",
            "English classes at every level",
            "one-to-one reading tutors",
            "citizenship classes",
        ),
        ("free", "wheelchair", "interpreter"),
    ),
    "family-childcare": Kind(
        ("Early childhood programme", "Parenting support", "Childcare assistance"),
        (
            "free or low-cost childcare and Head Start",
            "parenting classes and home visits",
            "diapers, car seats and baby supplies",
            "help paying for childcare",
        ),
        ("free", "interpreter"),
    ),
    "basic-needs": Kind(
        ("Clothing closet", "Community resource centre", "Hygiene supplies"),
        (
            "free clothes, shoes and winter coats",
            "hygiene kits and diapers",
            "phone charging and mail service",
            "help with utility bills",
        ),
        ("free", "walk-in", "no-id"),
    ),
    "food": Kind(
        ("Food pantry", "Community meals", "Mobile food pantry", "Soup kitchen"),
        (
            "groceries and fresh produce",
            "hot meals, no questions asked",
            "baby formula and supplies",
            "help applying for SNAP (food stamps) and WIC",
        ),
        ("free", "walk-in", "no-id"),
    ),
    "benefits": Kind(
        ("Benefits application help", "SNAP outreach", "Free tax preparation"),
        (
            "help applying for SNAP (food stamps), Medicaid and cash assistance",
            "help with renewals and letters",
            "free tax returns and the earned income tax credit",
            "energy assistance applications",
        ),
        ("free", "walk-in", "interpreter"),
    ),
    "reporting-exploitation": Kind(
        ("Report exploitation", "Labour exploitation tip line"),
        (
            "a confidential way to report exploitation at work",
            "advice on your rights as a worker",
            "connections to legal help",
        ),
        ("confidential", "free", "interpreter"),
    ),
}


@dataclass(frozen=True)
class OrganizationKind:
    """A kind of provider: what it is called and what its services do."""

    weight: int
    focus: tuple[str, ...]
    names: tuple[str, ...]
    description: str
    # Its second and third sites may be safe houses with a confidential address.
    safe_houses: bool = False


ORGANIZATION_KINDS = (
    OrganizationKind(
        16,
        ("clinics", "sti-hiv-testing", "health", "mental-health", "naloxone"),
        (
            "{city} Community Health Center",
            "{region} Health Partners",
            "{virtue} Clinic",
            "{city} Family Health Services",
        ),
        "A community health centre offering primary care, sexual health and "
        "behavioral health to everyone, insured or not.",
    ),
    OrganizationKind(
        12,
        ("mental-health", "substance-use", "trauma-counselling", "suicide-crisis"),
        (
            "{city} Counseling Center",
            "{region} Behavioral Health",
            "{surname} Center for Recovery",
            "{city} Family Counseling Services",
        ),
        "Mental health and addiction care for adults, young people and families.",
    ),
    OrganizationKind(
        6,
        ("harm-reduction", "naloxone", "syringe-services", "sti-hiv-testing"),
        (
            "{city} Harm Reduction Coalition",
            "{region} Outreach Project",
            "{virtue} Outreach",
        ),
        "Harm reduction run with and for people who use drugs.",
    ),
    OrganizationKind(
        12,
        ("emergency-shelter", "transitional-housing", "housing", "food"),
        (
            "{virtue} House",
            "{city} Emergency Shelter",
            "{region} Housing Partnership",
            "{region} Coalition to End Homelessness",
        ),
        "Shelter, housing and a way home for people without a safe place to stay.",
        safe_houses=True,
    ),
    OrganizationKind(
        9,
        ("legal-aid", "record-relief", "immigration-legal", "victim-compensation"),
        (
            "{region} Legal Aid",
            "{city} Immigrant Legal Clinic",
            "{city} Legal Services",
            "{region} Pro Bono Project",
        ),
        "Free and low-cost lawyers for people who cannot afford one.",
    ),
    OrganizationKind(
        12,
        (
            "domestic-violence",
            "sexual-violence",
            "trafficking-survivors",
            "exit-programs",
            "trauma-counselling",
            "crisis-hotlines",
            "trafficking-hotlines",
            "reporting-exploitation",
        ),
        (
            "{city} Domestic Violence Services",
            "{region} Sexual Assault Crisis Service",
            "{region} Survivor Network",
            "{surname} House",
        ),
        "Confidential help for survivors of domestic violence, sexual assault and "
        "human trafficking.",
        safe_houses=True,
    ),
    OrganizationKind(
        14,
        ("food", "benefits", "basic-needs", "family-childcare", "housing"),
        (
            "{region} Community Action",
            "{city} Food Bank",
            "{virtue} Community Kitchen",
            "{city} Neighborhood Center",
        ),
        "Food, benefits help and everyday essentials for families on low incomes.",
    ),
    OrganizationKind(
        8,
        ("job-training", "adult-education", "employment-education", "benefits"),
        (
            "{city} Adult Education",
            "{region} Workforce Alliance",
            "{city} Career Center",
            "{city} Literacy Volunteers",
        ),
        "Classes, training and job search help for adults.",
    ),
    OrganizationKind(
        11,
        ("family-childcare", "mental-health", "adult-education", "sti-hiv-testing"),
        (
            "{city} Youth Service Bureau",
            "{region} Family Resource Center",
            "{city} Parent Center",
        ),
        "Support for young people, parents and families.",
    ),
)

VIRTUES = ("Hope", "Mercy", "Grace", "Haven", "Harbor", "New Beginnings", "Bethany")
SURNAMES = (
    "Whitman", "Morales", "Coleman", "Nguyen", "Bennett", "Rivera", "Okafor",
    "Sullivan", "Kowalski", "Chen", "Baptiste", "Hartley", "Ortiz", "Freeman",
)  # fmt: skip
STREETS = (
    "Main Street", "Park Street", "Elm Street", "Church Street", "Broad Street",
    "State Street", "Washington Street", "High Street", "Prospect Street",
    "Maple Avenue", "Franklin Avenue", "Farmington Avenue", "Asylum Avenue",
    "Whitney Avenue", "Bank Street", "Union Street", "Grand Street", "Center Street",
    "Orange Street", "Broadway", "Water Street", "Albany Avenue", "Boston Post Road",
    "Chapel Street", "Oak Street", "Summer Street", "Mill Street", "North Avenue",
)  # fmt: skip
SUITES = ("Suite 200", "2nd floor", "Room 104", "Lower level", "Building B")

# (phrase in a description, eligibility, min age, max age, access code, weight)
AUDIENCES = (
    ("", "Anyone in need. No proof of income needed.", None, None, "", 30),
    ("for adults", "Adults aged 18 and over.", 18, None, "", 22),
    ("for young people", "Young people aged 13 to 24.", 13, 24, "youth", 7),
    ("for teens", "Teenagers aged 12 to 17.", 12, 17, "youth", 4),
    ("for women", "Women aged 18 and over, including trans women.", 18, None,
     "women-only", 6),
    ("for families", "Families with children under 18.", None, None, "", 10),
    ("for older adults", "Adults aged 60 and over.", 60, None, "", 5),
    ("for local residents", "Residents of {city} and neighbouring towns.", None,
     None, "", 8),
    ("for people on low incomes", "Households earning up to twice the federal "
     "poverty level.", None, None, "", 8),
)  # fmt: skip
ACCESS_SENTENCES = {
    "free": "Free of charge.",
    "walk-in": "Walk in, no appointment needed.",
    "no-id": "No ID required.",
    "confidential": "Confidential; you can stay anonymous.",
    "spanish": "Se habla español.",
    "interpreter": "Interpreters available for any language.",
    "lgbtq-affirming": "LGBTQ+ affirming staff.",
    "harm-reduction-approach": "No requirement to stop using.",
    "wheelchair": "The building is wheelchair accessible.",
    "women-only": "For women, including trans women.",
    "youth": "Just for young people.",
}
FEES = (
    "Sliding scale by income; nobody is turned away for inability to pay.",
    "Medicaid, Medicare and most insurance accepted.",
    "Low cost; ask about fee waivers.",
)
APPLY = (
    "Call for an appointment.",
    "Call or text to book a first meeting.",
    "Fill in an intake form online or by phone.",
    "A referral from a caseworker is welcome but not required.",
)
ALERTS = (
    "Closed for renovation. Call for the date it reopens.",
    "Temporarily closed because of staff shortages. Call before visiting.",
    "Closed until further notice after a flood; the phone line stays open.",
)


# (code, name, weight): languages other than English and Spanish.
OTHER_LANGUAGES = (
    ("pt", "Portuguese", 18),
    ("pl", "Polish", 12),
    ("ht", "Haitian Creole", 12),
    ("ase", "American Sign Language", 12),
    ("ar", "Arabic", 8),
    ("vi", "Vietnamese", 6),
    ("zh", "Chinese", 6),
    ("ru", "Russian", 6),
    ("fr", "French", 6),
    ("it", "Italian", 5),
    ("sq", "Albanian", 4),
)
# (phone type, description, weight): lines beyond a service's main voice line.
EXTRA_PHONES = (
    ("text", "Text us", 30),
    ("fax", "Fax", 25),
    ("textphone", "TTY", 20),
    ("voice", "After-hours line", 15),
    ("cell", "Outreach worker", 10),
)
MAIN_PHONE = ("Main line", "Intake", "Front desk", "")

# (byday, opens, closes, description) for MONTHLY rules.
MONTHLY = (
    ("1SA", "09:00", "12:00", "First Saturday of the month"),
    ("2TU,4TU", "17:00", "19:00", "Second and fourth Tuesday"),
    ("-1FR", "10:00", "14:00", "Last Friday of the month"),
    ("3WE", "13:00", "16:00", "Third Wednesday of the month"),
    ("1MO,3MO", "18:00", "20:00", "First and third Monday"),
)

# Spanish names and a first sentence per kind of service, for the share of
# generated services a caseworker has translated (their `translations`).
SPANISH = {
    "crisis-hotlines": (
        ("Línea de crisis", "Línea de apoyo 24 horas"),
        "Alguien con quien hablar ahora mismo, por teléfono o por mensaje de texto.",
    ),
    "suicide-crisis": (
        ("Línea de prevención del suicidio", "Equipo móvil de crisis"),
        "Apoyo inmediato de un consejero de crisis capacitado.",
    ),
    "trafficking-hotlines": (
        ("Línea contra la trata", "Línea de ayuda para sobrevivientes"),
        "Ayuda confidencial para sobrevivientes de trata laboral y sexual.",
    ),
    "health": (
        ("Clínica de salud", "Servicios de salud comunitarios"),
        "Chequeos, consultas por enfermedad y vacunas para niños y adultos.",
    ),
    "sti-hiv-testing": (
        ("Pruebas gratuitas de ITS", "Pruebas rápidas de VIH"),
        "Pruebas confidenciales de VIH, sífilis y otras infecciones de "
        "transmisión sexual.",
    ),
    "clinics": (
        ("Clínica comunitaria", "Clínica sin cita"),
        "Atención médica sin cita para personas con o sin seguro.",
    ),
    "harm-reduction": (
        ("Reducción de daños", "Centro de reducción de daños"),
        "Materiales para un consumo más seguro, sin exigir que deje de consumir.",
    ),
    "naloxone": (
        ("Naloxona gratis", "Entrenamiento sobre sobredosis"),
        "Naloxona (Narcan) gratis y una lección para revertir una sobredosis.",
    ),
    "syringe-services": (
        ("Programa de jeringas", "Intercambio de jeringas"),
        "Jeringas estériles y desecho seguro, sin preguntas.",
    ),
    "mental-health": (
        ("Clínica de salud mental", "Consejería"),
        "Consejería y terapia para la depresión, la ansiedad y el estrés.",
    ),
    "trauma-counselling": (
        ("Consejería para el trauma", "Terapia para sobrevivientes"),
        "Terapia con profesionales formados en trauma.",
    ),
    "substance-use": (
        ("Tratamiento de adicciones", "Programa de recuperación"),
        "Tratamiento y grupos de apoyo para el consumo de alcohol y drogas.",
    ),
    "housing": (
        ("Ayuda con la vivienda", "Búsqueda de apartamento"),
        "Ayuda para encontrar vivienda y pagar el alquiler.",
    ),
    "emergency-shelter": (
        ("Albergue de emergencia", "Refugio nocturno"),
        "Una cama, una comida caliente y una ducha para esta noche.",
    ),
    "transitional-housing": (
        ("Vivienda de transición", "Vivienda con apoyo"),
        "Vivienda por un tiempo, con una administradora de casos.",
    ),
    "legal": (
        ("Ayuda legal", "Clínica legal"),
        "Asesoría legal gratuita para personas con ingresos bajos.",
    ),
    "legal-aid": (
        ("Asistencia legal gratuita", "Abogados voluntarios"),
        "Abogados que le ayudan con vivienda, familia y deudas.",
    ),
    "record-relief": (
        ("Borrar antecedentes", "Clínica para sellar antecedentes"),
        "Ayuda para borrar o sellar antecedentes penales.",
    ),
    "victim-compensation": (
        ("Compensación a víctimas", "Ayuda para víctimas de delitos"),
        "Dinero para gastos causados por un delito violento.",
    ),
    "immigration-legal": (
        ("Ayuda legal de inmigración", "Clínica de inmigración"),
        "Asesoría sobre visas, asilo y DACA.",
    ),
    "survivor-services": (
        ("Servicios para sobrevivientes", "Defensoría de víctimas"),
        "Una defensora le acompaña y le explica sus opciones.",
    ),
    "trafficking-survivors": (
        ("Apoyo a sobrevivientes de trata", "Programa para sobrevivientes"),
        "Administración de casos, vivienda y terapia para sobrevivientes de trata.",
    ),
    "sexual-violence": (
        ("Apoyo por agresión sexual", "Línea de crisis por violación"),
        "Apoyo confidencial después de una agresión sexual.",
    ),
    "domestic-violence": (
        ("Ayuda por violencia doméstica", "Línea de violencia doméstica"),
        "Un plan de seguridad, albergue y órdenes de protección.",
    ),
    "exit-programs": (
        ("Programa para salir del comercio sexual", "Apoyo entre pares"),
        "Apoyo para dejar el comercio sexual, a su ritmo.",
    ),
    "employment-education": (
        ("Empleo y educación", "Centro de empleo"),
        "Ayuda para buscar trabajo y seguir estudiando.",
    ),
    "job-training": (
        ("Capacitación laboral", "Formación para el empleo"),
        "Cursos y prácticas pagadas para conseguir trabajo.",
    ),
    "adult-education": (
        ("Educación para adultos", "Clases de GED e inglés"),
        "Clases de GED y de inglés para adultos.",
    ),
    "family-childcare": (
        ("Cuidado infantil", "Apoyo a las familias"),
        "Cuidado infantil y apoyo para madres y padres.",
    ),
    "basic-needs": (
        ("Ropa y artículos básicos", "Ropero comunitario"),
        "Ropa, artículos de higiene y lo básico para el día a día.",
    ),
    "food": (
        ("Despensa de alimentos", "Comedor comunitario"),
        "Comida gratis para usted y su familia.",
    ),
    "benefits": (
        ("Ayuda con beneficios", "Solicitud de SNAP"),
        "Ayuda para solicitar SNAP, HUSKY y otros beneficios.",
    ),
    "reporting-exploitation": (
        ("Denunciar explotación", "Línea de denuncias"),
        "Una forma de denunciar la explotación, de forma anónima si lo desea.",
    ),
}
