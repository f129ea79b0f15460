"""Reports: listings by category and verification state, and unmet searches.

Searches that found nothing are counted without anything personal: only
words the directory or the common words of English and Spanish know, shown
once seen on three different days, deleted after ninety.
"""

import datetime
import unicodedata

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from resources.models import (
    ConceptAlias,
    SearchWord,
    SynonymGroup,
    ZeroResultSearch,
)
from resources.models.reports import MIN_DAYS_SEEN, RETENTION_DAYS
from resources.search import language
from resources.services import (
    zero_result_search_make_alias,
    zero_result_search_make_synonyms,
    zero_result_search_purge,
    zero_result_search_record,
    zero_result_words,
)

from .factories import make_editor, make_service, make_staff, tag, term

# Words no common-word list knows: known here only as the test makes them.
INDEXED = "zorbex"  # in a listing
ALIASED = "flurbo"  # a caseworker's alias
SYNONYM = "grimblat"  # a member of a synonym group
UNKNOWN = "quillax"  # nobody's word: a surname, say


def search(client, **params):
    response = client.get(reverse("resources:service-list"), params)
    assert response.status_code == 200
    return response


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def seen_on(words: str, *days: int, count: int = 1) -> None:
    """Count `words` on each of these days ago."""
    for n in days:
        ZeroResultSearch.objects.create(words=words, date=days_ago(n), count=count)


@pytest.fixture
def vocabulary(db):
    SearchWord.objects.create(word=INDEXED)
    ConceptAlias.objects.create(term=term("housing"), phrase=ALIASED)
    SynonymGroup.objects.create(members=f"{SYNONYM}, dentist")


# Which words are kept ---------------------------------------------------------


def test_words_are_normalised_and_counted_once_in_the_order_typed(db):
    assert zero_result_words("Clínica  DENTAL for the kids!") == "clinica dental kids"
    assert zero_result_words("rehab REHAB shelter") == "rehab shelter"
    assert zero_result_words("the of and") == ""


def test_words_of_asking_name_no_need(db):
    assert zero_result_words("I need help near me please") == ""
    assert zero_result_words("busco ayuda con comida") == "comida"


def test_only_known_words_are_kept(vocabulary):
    # A surname or a word nobody uses is dropped; the rest stays.
    assert zero_result_words(f"food {UNKNOWN} Kowalczyk") == "food"
    assert zero_result_words(f"{INDEXED} {ALIASED} {SYNONYM}") == (
        f"{INDEXED} {ALIASED} {SYNONYM}"
    )
    assert zero_result_words(UNKNOWN) == ""


def test_a_word_with_a_digit_is_dropped(db):
    assert zero_result_words("food 06107 room4rent 2nd floor") == "food floor"
    assert zero_result_words("shelter ８ ²") == "shelter"


@pytest.mark.parametrize(
    "text",
    [
        "food ana@example.org",
        "food ana ＠ example",  # a full-width at sign
        "@maria shelter",
        "maria lopez at gmail dot com shelter",
        "call 860-555-0199 food",
        "food (860) 555 0199",
        "food +1 860 555 01 99",
        "shelter ８６０５５５０１９９",  # full-width digits
        "food https://example.org/maria",
        "food www.example.org",
        "food maria.lopez.com",
        "born 2026-03-01 shelter",
    ],
)
def test_contact_details_anywhere_drop_the_whole_search(db, text):
    assert zero_result_words(text) == ""

    zero_result_search_record(text=text)

    assert not ZeroResultSearch.objects.exists()


def test_at_most_eight_words_are_kept(db):
    long = "shelter food clothing housing legal dental medical doctor rehab"
    assert zero_result_words(long).split() == long.split()[:8]


def known(word: str) -> bool:
    return (
        language.is_common(word)
        or SearchWord.objects.filter(word=word).exists()
        or word in {INDEXED, ALIASED, SYNONYM, "dentist"}
    )


PERSONAL = st.one_of(
    st.emails(),
    st.from_regex(r"\(?[2-9]\d\d\)?[ .-]?\d{3}[ .-]?\d{4}", fullmatch=True),
    st.from_regex(r"\+\d{1,3} \d{3} \d{3} \d{4}", fullmatch=True),
    st.from_regex(
        r"(https?://|www\.)[a-z]{2,10}\.(org|com|net)(/[a-z]*)?", fullmatch=True
    ),
)
WORDS = st.sampled_from(
    ["food", "shelter", "maria", "lopez", INDEXED, ALIASED, SYNONYM, UNKNOWN, "06107"]
)


class StoredWordsTests(HypothesisTestCase):
    """Whatever is typed, only known words without digits are ever stored."""

    @classmethod
    def setUpTestData(cls):
        SearchWord.objects.create(word=INDEXED)
        ConceptAlias.objects.create(term=term("housing"), phrase=ALIASED)
        SynonymGroup.objects.create(members=f"{SYNONYM}, dentist")

    def stored_words(self) -> list[str]:
        return [
            word
            for text in ZeroResultSearch.objects.values_list("words", flat=True)
            for word in text.split(" ")
        ]

    @settings(
        max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
    )
    @given(
        st.lists(st.one_of(WORDS, st.text(max_size=20), PERSONAL), max_size=10).map(
            " ".join
        )
    )
    def test_random_text_stores_only_known_words_without_digits(self, text):
        zero_result_search_record(text=text)

        for word in self.stored_words():
            assert word, text
            assert word.isalpha(), (text, word)
            assert not any(ch.isdigit() for ch in word), (text, word)
            assert "@" not in word
            assert word not in language.stopwords()
            assert known(word), (text, word)
        if "@" in unicodedata.normalize("NFKC", text):
            assert not ZeroResultSearch.objects.exists(), text

    @settings(max_examples=100, deadline=None)
    @given(st.lists(WORDS, max_size=4), PERSONAL, st.lists(WORDS, max_size=4))
    def test_contact_details_among_known_words_store_nothing(
        self, before, personal, after
    ):
        zero_result_search_record(text=" ".join([*before, personal, *after]))

        assert not ZeroResultSearch.objects.exists(), personal


# Counting ----------------------------------------------------------------------


def test_a_search_that_finds_nothing_is_counted_per_day(
    client, db, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # index it
        make_service(name="Food pantry")

    search(client, q="Ukulele lessons")
    search(client, q="ukulele  LESSONS")
    search(client, q="food")  # found something: not counted
    search(client, q="ukulele lessons from maria@example.org")  # not counted

    row = ZeroResultSearch.objects.get()
    assert (row.words, row.date, row.count) == (
        "ukulele lessons",
        timezone.localdate(),
        2,
    )
    # Only these three columns exist: no address, agent or time of day.
    assert {f.name for f in ZeroResultSearch._meta.concrete_fields} == {
        "id",
        "words",
        "date",
        "count",
    }


def test_a_search_narrowed_by_filters_is_not_counted(client, db):
    make_service(name="Food pantry")

    search(client, q="ukulele", category="food")
    search(client, q="ukulele", open_now="true")

    assert not ZeroResultSearch.objects.exists()


def test_the_count_is_an_upsert_per_words_and_day(db):
    day = days_ago(10)
    for _ in range(3):
        zero_result_search_record(text="dog shelter", day=day)
    zero_result_search_record(text="dog shelter", day=day + datetime.timedelta(1))

    assert sorted(ZeroResultSearch.objects.values_list("date", "count")) == [
        (day, 3),
        (day + datetime.timedelta(1), 1),
    ]


def test_counting_sets_no_cookie(client, db):
    response = search(client, q="nothing like this")
    assert response.cookies == {}


# Expiry ------------------------------------------------------------------------


def test_counts_older_than_ninety_days_go_on_the_next_write(db):
    assert RETENTION_DAYS == 90
    seen_on("dog shelter", RETENTION_DAYS, RETENTION_DAYS + 40)  # too old
    seen_on("food", RETENTION_DAYS - 1)  # the oldest day kept

    # Even a search that records nothing deletes them.
    zero_result_search_record(text="call 860-555-0199")

    assert list(ZeroResultSearch.objects.values_list("words", "date")) == [
        ("food", days_ago(RETENTION_DAYS - 1))
    ]


def test_a_count_for_a_day_past_the_retention_is_not_written(db):
    zero_result_search_record(text="dog shelter", day=days_ago(RETENTION_DAYS))

    assert not ZeroResultSearch.objects.exists()


def test_purging_is_one_delete(db, django_assert_num_queries):
    seen_on("dog shelter", RETENTION_DAYS, RETENTION_DAYS + 1)

    with django_assert_num_queries(1):
        assert zero_result_search_purge() == 2


def test_the_purge_command_deletes_old_counts(db, capsys):
    seen_on("dog shelter", RETENTION_DAYS + 1, 3)

    call_command("purge_search_reports")

    assert list(ZeroResultSearch.objects.values_list("date", flat=True)) == [
        days_ago(3)
    ]
    assert "1 count(s)" in capsys.readouterr().out


def test_the_purge_command_says_how_to_run_it_from_cron():
    from resources.management.commands.purge_search_reports import Command

    assert "cron" in Command.help
    assert "* * *" in Command.help


# What caseworkers see ----------------------------------------------------------


def test_reports_page_counts_by_category_state_and_words(caseworker_client):
    today = timezone.localdate()
    never = make_service(assured_date=None)
    tag(never, "food")
    fresh = make_service(assured_date=today)
    tag(fresh, "food", "emergency-shelter")
    make_service(assured_date=None, publication_status="draft")  # not public
    seen_on("ukulele", 0, count=4)
    seen_on("ukulele", 2, 40)

    response = caseworker_client.get(reverse("admin:reports"))

    assert response.status_code == 200
    context = response.context
    assert context["total"] == 2
    assert dict(context["by_state"])["Never verified"] == 1
    assert dict(context["by_state"])["Up to date"] == 1
    by_category = {row["code"]: row for row in context["by_category"]}
    assert by_category["food"]["total"] == 2
    assert by_category["housing"]["total"] == 1  # counted through its child
    assert by_category["emergency-shelter"]["total"] == 1
    # Seen on three days in all, two of them in the last 30.
    assert list(context["words"]) == [{"words": "ukulele", "total": 5, "days_seen": 2}]
    quarter = caseworker_client.get(reverse("admin:reports"), {"days": 90})
    assert list(quarter.context["words"]) == [
        {"words": "ukulele", "total": 6, "days_seen": 3}
    ]


def test_words_are_shown_only_once_seen_on_three_different_days(caseworker_client):
    assert MIN_DAYS_SEEN == 3
    for _ in range(5):  # many searches on one day: still one day
        zero_result_search_record(text="maria lopez", day=days_ago(1))
    zero_result_search_record(text="maria lopez", day=days_ago(2))

    def listed():
        report = caseworker_client.get(reverse("admin:reports"))
        changelist = caseworker_client.get(
            reverse("admin:resources_zeroresultsearch_changelist")
        )
        return (
            [row["words"] for row in report.context["words"]],
            {row.words for row in changelist.context["cl"].result_list},
            "maria lopez" in report.text + changelist.text,
        )

    assert listed() == ([], set(), False)
    # The counts by day name no words: they are all there.
    report = caseworker_client.get(reverse("admin:reports"))
    assert [row["total"] for row in report.context["daily"]] == [5, 1]

    zero_result_search_record(text="maria lopez", day=days_ago(3))

    assert listed() == (["maria lopez"], {"maria lopez"}, True)


def test_a_row_seen_on_fewer_days_cannot_be_opened_in_the_admin(caseworker_client):
    seen_on("maria", 1, 2)
    row = ZeroResultSearch.objects.first()

    response = caseworker_client.get(
        reverse("admin:resources_zeroresultsearch_change", args=[row.pk])
    )

    assert response.status_code == 302
    assert "maria" not in caseworker_client.get(response.url).text


# One step to the vocabulary ----------------------------------------------------


def vocabulary_url(kind: str) -> str:
    return reverse("admin:resources_zeroresultsearch_vocabulary", args=[kind])


def test_a_search_added_as_alias_finds_the_category_later(
    client, caseworker, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        shelter = make_service(name="Night beds", description="A bed tonight.")
        tag(shelter, "emergency-shelter")
    for n in (1, 2):
        zero_result_search_record(text="azotea", day=days_ago(n))
    search(client, q="Azotea")  # the third day: today
    assert ZeroResultSearch.objects.shown().count() == 3
    client.force_login(caseworker)

    page = client.get(reverse("admin:reports"))
    assert vocabulary_url("alias") + "?words=azotea" in page.text
    form = client.get(vocabulary_url("alias"), {"words": "azotea"})
    assert form.status_code == 200
    assert form.context["form"].initial["language"] == "es"
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            vocabulary_url("alias"),
            {
                "words": "azotea",
                "apply": "1",
                "term": str(term("housing").pk),
                "language": "es",
            },
        )

    assert response.status_code == 302
    assert response.url == reverse("admin:reports")
    alias = ConceptAlias.objects.get(phrase="azotea")
    assert (alias.term, alias.language) == (term("housing"), "es")
    assert alias.history.get().history_user == caseworker
    assert not ZeroResultSearch.objects.exists()
    client.logout()
    # The engine now reads the alias: housing's sub-category answers.
    found = search(client, q="azotea")
    assert [s.pk for s in found.context["services"]] == [shelter.pk]
    assert not ZeroResultSearch.objects.exists()


def test_the_alias_action_on_the_list_of_searches(caseworker_client):
    seen_on("flurbo", 1, 2, 3)
    seen_on("ukulele", 1, 2, 3)
    rows = ZeroResultSearch.objects.filter(words="flurbo")
    changelist = reverse("admin:resources_zeroresultsearch_changelist")
    selected = {
        "action": "add_alias",
        "_selected_action": [str(row.pk) for row in rows[:1]],
    }

    page = caseworker_client.post(changelist, selected)
    assert page.status_code == 200
    assert page.templates[0].name == "admin/resources/zeroresultsearch_vocabulary.html"
    assert page.context["words"] == ["flurbo"]
    response = caseworker_client.post(
        changelist,
        selected | {"apply": "1", "term": str(term("food").pk), "language": "en"},
    )

    assert response.status_code == 302
    alias = ConceptAlias.objects.get(phrase="flurbo")
    assert (alias.term, alias.language) == (term("food"), "en")
    # Every day's count of these words goes; other words stay.
    assert set(ZeroResultSearch.objects.values_list("words", flat=True)) == {"ukulele"}


def test_an_alias_the_term_already_has_is_refused_and_the_counts_stay(
    caseworker_client,
):
    ConceptAlias.objects.create(term=term("food"), phrase="Flurbo")
    seen_on("flurbo", 1, 2, 3)

    response = caseworker_client.post(
        vocabulary_url("alias"),
        {
            "words": "flurbo",
            "apply": "1",
            "term": str(term("food").pk),
            "language": "en",
        },
    )

    assert response.status_code == 200
    assert "This term already has this alias." in response.text
    assert ZeroResultSearch.objects.count() == 3


def test_a_search_becomes_a_new_synonym_group(caseworker_client, caseworker):
    seen_on("food pantry", 1, 2, 3)

    response = caseworker_client.post(
        vocabulary_url("synonyms"),
        {"words": "food pantry", "apply": "1", "group": "", "members": "food bank"},
    )

    assert response.status_code == 302
    group = SynonymGroup.objects.get(members="food pantry, food bank")
    assert group.history.get().history_user == caseworker
    assert not ZeroResultSearch.objects.exists()


def test_a_new_group_needs_another_member(caseworker_client):
    seen_on("food pantry", 1, 2, 3)

    response = caseworker_client.post(
        vocabulary_url("synonyms"),
        {"words": "food pantry", "apply": "1", "group": "", "members": ""},
    )

    assert response.status_code == 200
    assert "Give at least two members" in response.text
    assert ZeroResultSearch.objects.count() == 3


def test_a_search_joins_an_existing_synonym_group(caseworker_client):
    group = SynonymGroup.objects.create(members="dentist, dental")
    seen_on("teeth", 1, 2, 3)
    seen_on("muelas", 1, 2, 3)
    changelist = reverse("admin:resources_zeroresultsearch_changelist")

    response = caseworker_client.post(
        changelist,
        {
            "action": "add_synonyms",
            "_selected_action": [
                str(pk) for pk in ZeroResultSearch.objects.values_list("pk", flat=True)
            ],
            "apply": "1",
            "group": str(group.pk),
            "members": "Dental, molar",
        },
    )

    assert response.status_code == 302
    group.refresh_from_db()
    assert group.members == "dentist, dental, muelas, teeth, molar"
    assert not ZeroResultSearch.objects.exists()


def test_adding_only_takes_searches_that_are_listed(caseworker_client):
    seen_on("maria", 1)  # one day: not listed

    response = caseworker_client.post(
        vocabulary_url("alias"),
        {
            "words": "maria",
            "apply": "1",
            "term": str(term("food").pk),
            "language": "en",
        },
    )

    assert response.status_code == 302
    assert not ConceptAlias.objects.filter(phrase="maria").exists()
    assert ZeroResultSearch.objects.count() == 1


def test_the_services_check_the_term_and_the_group(db):
    from django.core.exceptions import ValidationError

    from resources.models import Taxonomy, TaxonomyTerm

    other = TaxonomyTerm.objects.create(
        name="Other",
        description="Not ours.",
        taxonomy_detail=Taxonomy.objects.create(name="Other", description="Other."),
    )
    aliases = ConceptAlias.objects.count()
    with pytest.raises(ValidationError):
        zero_result_search_make_alias(
            words=["flurbo"], term=other, language="en", user=None
        )
    with pytest.raises(ValidationError):
        zero_result_search_make_alias(
            words=["flurbo"], term=term("food"), language="fr", user=None
        )
    with pytest.raises(ValidationError):
        zero_result_search_make_synonyms(words=["flurbo"], user=None)
    assert ConceptAlias.objects.count() == aliases
    assert not SynonymGroup.objects.filter(members__contains="flurbo").exists()


# Who may ------------------------------------------------------------------------


def test_organization_editors_cannot_add_searches_to_the_vocabulary(client, db):
    seen_on("flurbo", 1, 2, 3)
    client.force_login(make_editor())
    data = {"words": "flurbo", "apply": "1", "term": str(term("food").pk)}

    for kind in ("alias", "synonyms"):
        assert client.get(vocabulary_url(kind), {"words": "flurbo"}).status_code == 403
        assert client.post(vocabulary_url(kind), data).status_code == 403
    changelist = reverse("admin:resources_zeroresultsearch_changelist")
    selected = {
        "action": "add_alias",
        "_selected_action": [str(ZeroResultSearch.objects.first().pk)],
    } | data
    assert client.post(changelist, selected).status_code == 403
    assert client.get(reverse("admin:reports")).status_code == 403
    assert not ConceptAlias.objects.filter(phrase="flurbo").exists()
    assert ZeroResultSearch.objects.count() == 3


def test_staff_without_the_vocabulary_rights_get_no_links_or_actions(client, db):
    from django.contrib.auth.models import Group, Permission

    seen_on("flurbo", 1, 2, 3)
    Group.objects.create(name="Readers")
    reader = make_staff(role="Readers")
    client.force_login(reader)
    assert client.get(vocabulary_url("alias"), {"words": "flurbo"}).status_code == 403

    reader.groups.get().permissions.set(
        Permission.objects.filter(
            codename__in=["view_service", "view_zeroresultsearch"]
        )
    )
    reader = type(reader).objects.get(pk=reader.pk)
    client.force_login(reader)
    page = client.get(reverse("admin:reports"))
    assert page.status_code == 200
    assert "flurbo" in page.text
    assert vocabulary_url("alias") not in page.text
    changelist = client.get(reverse("admin:resources_zeroresultsearch_changelist"))
    assert changelist.status_code == 200
    assert "add_alias" not in changelist.text
    assert "add_synonyms" not in changelist.text
