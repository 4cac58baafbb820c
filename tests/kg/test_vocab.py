"""kg/vocab.py is generated from ontology/plankg.ttl: this fails when the two drift apart."""

from __future__ import annotations

import pytest
from plankg.kg import vocabgen
from plankg.kg.vocab import PK


def test_generated_module_matches_the_ontology():
    assert vocabgen.target().read_text(encoding="utf-8") == vocabgen.render(vocabgen.ontology_terms()), (
        "kg/vocab.py is out of date: run `python -m plankg.kg.vocabgen`"
    )


def test_vocabulary_terms_of_the_contract_are_there():
    names = (
        "Plan", "Chapter", "Section", "Task", "Unit", "Platform", "Technology", "Initiative", "Region",
        "leadUnit", "cooperatingUnit", "responsibleUnit", "involvedUnit", "involvedIn", "touchesPlatform",
        "mentionsPlatform", "deadline", "deadlineText", "level", "cites", "alignedWith", "Alignment",
    )  # fmt: skip
    for name in names:
        assert str(getattr(PK, name)) == "https://w3id.org/plankg/ontology#" + name


def test_a_misspelt_term_fails_loudly():
    with pytest.raises(AttributeError):
        PK.leadUnits  # noqa: B018
