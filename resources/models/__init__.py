"""The HSDS 3.1 data model, one module per cluster."""

from .contacts import Contact, Language, Phone
from .corrections import ChangeRequest
from .editors import OrganizationMembership
from .jobs import Job
from .locations import Accessibility, Address, Location, ServiceAtLocation
from .metadata import Metadata
from .organizations import Funding, Organization, OrganizationIdentifier, Program, Url
from .reports import ZeroResultSearch
from .schedules import Closure, OpeningWindow, Schedule
from .search import (
    AliasLanguage,
    ConceptAlias,
    SearchEntry,
    SearchEntryFTS,
    SearchWord,
    SynonymGroup,
)
from .services import (
    CostOption,
    DataVersion,
    RequiredDocument,
    Service,
    ServiceArea,
    ServiceCapacity,
    StaleService,
    Unit,
)
from .taxonomy import Attribute, Taxonomy, TaxonomyTerm, TermMapping
from .verification import Verification

__all__ = [
    "Accessibility",
    "AliasLanguage",
    "Address",
    "Attribute",
    "ChangeRequest",
    "Closure",
    "Contact",
    "ConceptAlias",
    "CostOption",
    "DataVersion",
    "Funding",
    "Job",
    "Language",
    "Location",
    "Metadata",
    "OpeningWindow",
    "Organization",
    "OrganizationIdentifier",
    "OrganizationMembership",
    "Phone",
    "Program",
    "RequiredDocument",
    "Schedule",
    "SearchEntry",
    "SearchEntryFTS",
    "SearchWord",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceCapacity",
    "StaleService",
    "SynonymGroup",
    "Taxonomy",
    "TaxonomyTerm",
    "TermMapping",
    "Unit",
    "Url",
    "Verification",
    "ZeroResultSearch",
]
