"""Terms of the plankg ontology (pk:), generated from ontology/plankg.ttl by kg/vocabgen.py.

Do not edit by hand: run `python -m plankg.kg.vocabgen`.  PK.someTypo raises AttributeError.
"""

from rdflib.namespace import DefinedNamespace, Namespace
from rdflib.term import URIRef


class PK(DefinedNamespace):
    _NS = Namespace("https://w3id.org/plankg/ontology#")
    _fail = True

    Alignment: URIRef
    Assignment: URIRef
    Chapter: URIRef
    Collective: URIRef
    CoordinationPair: URIRef
    County: URIRef
    DevelopmentZone: URIRef
    GovernmentDepartment: URIRef
    Initiative: URIRef
    Level: URIRef
    Municipal: URIRef
    National: URIRef
    PartyOrgan: URIRef
    PeoplesOrganisation: URIRef
    Plan: URIRef
    Platform: URIRef
    Provincial: URIRef
    PublicInstitution: URIRef
    Region: URIRef
    Section: URIRef
    StateOwnedEnterprise: URIRef
    Task: URIRef
    Technology: URIRef
    Unit: URIRef
    UnitLoad: URIRef
    VerticallyManaged: URIRef
    addressee: URIRef
    alignedWith: URIRef
    approvedBy: URIRef
    chapter: URIRef
    checksum: URIRef
    cites: URIRef
    collectiveOf: URIRef
    cooperatingCount: URIRef
    cooperatingUnit: URIRef
    deadline: URIRef
    deadlineText: URIRef
    encoding: URIRef
    end: URIRef
    evidence: URIRef
    forPlan: URIRef
    fromTask: URIRef
    fullName: URIRef
    genre: URIRef
    identifier: URIRef
    involvedIn: URIRef
    involvedUnit: URIRef
    issued: URIRef
    leadCount: URIRef
    leadUnit: URIRef
    level: URIRef
    loadInProgress: URIRef
    loadOf: URIRef
    mentionsInitiative: URIRef
    mentionsPlatform: URIRef
    mentionsRegion: URIRef
    mentionsTechnology: URIRef
    number: URIRef
    partOfPlatform: URIRef
    partOfRegion: URIRef
    plan: URIRef
    preamble: URIRef
    publicity: URIRef
    region: URIRef
    reliesOnPlatform: URIRef
    responsibleCount: URIRef
    responsibleUnit: URIRef
    role: URIRef
    score: URIRef
    section: URIRef
    sharedTasks: URIRef
    sourceFile: URIRef
    sourceFormat: URIRef
    sourceLine: URIRef
    sourceText: URIRef
    start: URIRef
    task: URIRef
    taskCount: URIRef
    text: URIRef
    toTask: URIRef
    touchesPlatform: URIRef
    unit: URIRef
    unitA: URIRef
    unitB: URIRef
    upwardReference: URIRef
    weightedLoad: URIRef
    year: URIRef
