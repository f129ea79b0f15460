"""The synonyms shipped with the app: lay words and the terms listings use.

Pure data plus one loader that a migration calls. Caseworkers edit the
table in the admin; loading again adds missing phrases and never overwrites
their edits.
"""

# (what people search for, what listings say: alternatives separated by commas)
STARTER = [
    ("rehab", "substance use treatment, detox, recovery"),
    ("detox", "substance use treatment, withdrawal management"),
    ("std", "sexually transmitted infection testing, STI testing"),
    ("std test", "sexually transmitted infection testing, STI testing"),
    ("sti test", "sexually transmitted infection testing, STI testing"),
    ("lawyer", "legal aid, legal help, attorney"),
    ("food stamps", "SNAP, food benefits"),
    ("dv", "domestic violence"),
    ("narcan", "naloxone"),
    ("shelter", "emergency housing, emergency shelter"),
    ("trafficking", "exploitation"),
    ("human trafficking", "trafficking, exploitation"),
    ("aa", '"alcoholics anonymous", recovery support'),
    ("na", '"narcotics anonymous", recovery support'),
    ("ged", "adult education, high school equivalency"),
    ("therapy", "counselling, counseling"),
    ("therapist", "counselling, counseling"),
    ("doctor", "clinic, primary care"),
    # Spanish: Hartford is about 40% Hispanic.
    ("abogado", "lawyer, legal aid"),
    ("ayuda legal", "legal aid"),
    ("comida", "food, meals"),
    ("refugio", "shelter, emergency housing"),
    ("albergue", "shelter, emergency housing"),
    ("vivienda", "housing"),
    ("clinica", "clinic"),
    ("medico", "doctor, clinic"),
    ("salud", "health"),
    ("salud mental", "mental health, counselling"),
    ("consejeria", "counselling, counseling"),
    ("terapia", "counselling, therapy"),
    ("trabajo", "job, employment"),
    ("empleo", "job, employment"),
    ("violencia domestica", "domestic violence"),
    ("drogas", "substance use"),
    ("prueba de ets", "STI testing"),
    ("inmigracion", "immigration"),
    ("trata de personas", "human trafficking"),
]


def sync_starter_synonyms(apps) -> None:
    """Add the shipped synonyms that are missing; safe to run again."""
    Synonym = apps.get_model("resources", "Synonym")
    present = {
        phrase.lower() for phrase in Synonym.objects.values_list("phrase", flat=True)
    }
    Synonym.objects.bulk_create(
        Synonym(phrase=phrase, terms=terms)
        for phrase, terms in STARTER
        if phrase not in present
    )
