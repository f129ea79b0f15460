"""`modified_after` sync is exact: editing anything shown with a service moves it."""

import datetime as dt
import json
import shutil
import tempfile
from pathlib import Path

from django.test import TestCase
from django.utils import timezone

from resources.hsds import exporter
from resources.hsds.importer import import_hsds
from resources.models import (
    Accessibility,
    Address,
    Attribute,
    Contact,
    CostOption,
    Language,
    Phone,
    RequiredDocument,
    Schedule,
    Service,
    ServiceArea,
    TaxonomyTerm,
)

from .factories import link, make_location, make_service, tag, term

LONG_AGO = timezone.make_aware(dt.datetime(2020, 1, 1))


class ModifiedAfterTests(TestCase):
    def setUp(self):
        self.service = make_service(name="Drop-in centre")
        self.bystander = make_service(name="Someone else")
        self.location = make_location(name="Main site")
        link(self.service, self.location)
        tag(self.service, "basic-needs")
        self.phone = Phone.objects.create(service=self.service, number="860-555-0100")
        Service.objects.update(last_modified=LONG_AGO)

    def modified_since(self, moment) -> set[str]:
        stamp = moment.isoformat().replace("+00:00", "Z")
        response = self.client.get(
            "/api/services", {"modified_after": stamp, "per_page": 100}
        )
        self.assertEqual(response.status_code, 200)
        return {item["name"] for item in response.json()["contents"]}

    def assert_moves(self, change):
        Service.objects.update(last_modified=LONG_AGO)
        before = timezone.now() - dt.timedelta(seconds=1)
        change()
        self.assertEqual(self.modified_since(before), {"Drop-in centre"})

    def test_each_related_record_moves_the_service(self):
        service, location = self.service, self.location
        changes = {
            "phone": lambda: Phone.objects.filter(pk=self.phone.pk).get().save(),
            "new phone": lambda: Phone.objects.create(service=service, number="211"),
            "deleted phone": lambda: self.phone.delete(),
            "schedule": lambda: Schedule.objects.create(
                service=service, freq="WEEKLY", byday="MO"
            ),
            "location": lambda: location.save(),
            "address": lambda: Address.objects.filter(location=location).get().save(),
            "accessibility": lambda: Accessibility.objects.create(
                location=location, description="Ramp"
            ),
            "language at the location": lambda: Language.objects.create(
                location=location, name="Spanish", code="es"
            ),
            "organization": lambda: service.organization.save(),
            "category": lambda: tag(service, "free"),
            "category renamed": lambda: (
                TaxonomyTerm.objects.filter(pk=term("basic-needs").pk).get().save()
            ),
            "cost": lambda: CostOption.objects.create(service=service, amount=5),
            "document": lambda: RequiredDocument.objects.create(
                service=service, document="Photo ID"
            ),
            "contact": lambda: Contact.objects.create(service=service, name="Desk"),
            "area": lambda: ServiceArea.objects.create(
                service=service, name="Hartford County"
            ),
            "attribute removed": lambda: (
                Attribute.objects.filter(
                    link_id=service.pk, taxonomy_term=term("basic-needs")
                )
                .get()
                .delete()
            ),
        }
        for name, change in changes.items():
            with self.subTest(name):
                self.assert_moves(change)

    def test_an_import_that_changes_a_phone_moves_the_service(self):
        folder = Path(tempfile.mkdtemp())
        self.addCleanup(shutil.rmtree, folder, ignore_errors=True)
        [document] = [
            d
            for d in exporter.service_documents(public=False)
            if d["id"] == str(self.service.pk)
        ]
        document.pop("last_modified", None)
        document["phones"][0]["number"] = "860-555-0199"
        path = folder / "services.json"
        path.write_text(json.dumps([document], default=str))

        def imported():
            report = import_hsds(path)
            self.assertTrue(report.ok, report.lines())

        self.assert_moves(imported)
