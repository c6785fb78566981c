"""The shipped instruments: valid files, sound rules, idempotent install, the two commands."""

from __future__ import annotations

import itertools
import json
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import override_settings
from django.utils import translation
from fhir.resources.R4B.questionnaire import Questionnaire as FhirQuestionnaire

from medvirk.questionnaires.choices import Origin, VersionStatus
from medvirk.questionnaires.definition import parse_definition
from medvirk.questionnaires.importing import import_resources
from medvirk.questionnaires.instruments import (
    SHIPPED,
    content_root,
    install_instruments,
    load_instrument,
)
from medvirk.questionnaires.models import Questionnaire, QuestionnaireVersion
from medvirk.questionnaires.tests.factories import FIXTURES

KEYS = [instrument.key for instrument in SHIPPED]
LOINC = "http://loinc.org"


@pytest.fixture(autouse=True)
def _english():
    """Messages are checked in English (the UI defaults to bokmål)."""
    with translation.override("en"):
        yield


def test_every_instrument_has_its_files_and_a_licence():
    assert {"phq-9", "gad-7", "who-5", "medvirk-status", "medvirk-session"} <= set(KEYS)
    for instrument in SHIPPED:
        assert instrument.resource_file().is_file(), instrument.path
        assert instrument.rules_file().is_file(), instrument.rules_path
    licence = (content_root() / "LICENCE.md").read_text(encoding="utf-8")
    for name in ("PHQ-9", "GAD-7", "WHO-5", "medvirk-status", "medvirk-session"):
        assert name in licence


@pytest.mark.parametrize("key", KEYS)
def test_shipped_file_validates_and_parses(key):
    resource, rules = load_instrument(key)
    FhirQuestionnaire.model_validate(resource)
    definition = parse_definition(resource)
    assert definition.language == ("en" if key.endswith("-en") else "nb")
    # Every scored item exists and is a required question the respondent answers.
    for link_id in rules["score"]["items"]:
        item = definition.by_link_id[link_id]
        assert item.required
        assert item.answerable
        if item.type == "choice":
            assert item.control == "radio-button"
            assert all(option.ordinal is not None for option in item.options)
        else:
            assert (item.type, item.control) == ("integer", "slider")
            assert (item.min_value, item.max_value) == (Decimal(0), Decimal(10))
            assert item.sublabel  # the end labels
    for risk in rules.get("risk_items") or []:
        assert risk["link_id"] in definition.by_link_id


@pytest.mark.parametrize("key", ["phq-9", "gad-7", "who-5", "medvirk-status", "medvirk-session"])
def test_rules_bands_cover_the_range_without_gaps(key):
    resource, rules = load_instrument(key)
    low, high = rules["range"]
    bands = rules["bands"]
    assert bands[0]["min"] == low
    assert bands[-1]["max"] == high
    for before, after in itertools.pairwise(bands):
        assert after["min"] == before["max"] + 1
    for band in bands:
        assert band["label"]["nb"]
        assert band["label"]["en"]
    assert rules["direction"] in {"higher_is_better", "higher_is_worse"}
    assert rules["reliable_change"] > 0
    # The range is what the scored items can give: items × max ordinal × multiplier.
    definition = parse_definition(resource)
    multiplier = rules["score"].get("multiplier", 1)
    most = Decimal(0)
    for link_id in rules["score"]["items"]:
        item = definition.by_link_id[link_id]
        if item.options:
            most += max(option.ordinal or 0 for option in item.options)
        else:
            most += item.max_value
    assert most * multiplier == high


def test_english_and_bokmal_versions_have_the_same_questions_and_codes():
    for instrument in SHIPPED:
        if instrument.key.endswith("-en"):
            continue
        nb = parse_definition(load_instrument(instrument.key)[0])
        en = parse_definition(load_instrument(f"{instrument.key}-en")[0])
        assert list(nb.by_link_id) == list(en.by_link_id)
        for link_id, item in nb.by_link_id.items():
            assert [o.key for o in item.options] == [o.key for o in en.by_link_id[link_id].options]
            assert [o.ordinal for o in item.options] == [
                o.ordinal for o in en.by_link_id[link_id].options
            ]


def test_phq9_and_gad7_use_the_loinc_answer_codes():
    for key in ("phq-9", "gad-7"):
        definition = parse_definition(load_instrument(key)[0])
        first = definition.by_link_id["1"]
        assert [(o.system, o.code, o.ordinal) for o in first.options] == [
            (LOINC, "LA6568-5", Decimal(0)),
            (LOINC, "LA6569-3", Decimal(1)),
            (LOINC, "LA6570-1", Decimal(2)),
            (LOINC, "LA6571-9", Decimal(3)),
        ]


@pytest.mark.parametrize("key", KEYS)
def test_shipped_file_passes_the_importer_without_warnings(world, key):
    resource, rules = load_instrument(key)
    forms = import_resources(world.a.org, resource, origin=Origin.SHIPPED, key=key, rules=rules)
    assert forms[0].warnings == []
    assert forms[0].version.rules == rules


# --- install_instruments --------------------------------------------------------------------


def test_install_is_idempotent(world):
    org = world.a.org
    first = install_instruments(org, user=world.a["coordinator"])
    assert len(first) == len(SHIPPED)
    assert {v.questionnaire.key for v in first} == set(KEYS)
    for version in first:
        version.refresh_from_db()
        assert version.status == VersionStatus.ACTIVE
        assert version.questionnaire.origin == Origin.SHIPPED
        assert version.rules == load_instrument(version.questionnaire.key)[1]
    counts = (Questionnaire.objects.count(), QuestionnaireVersion.objects.count())
    second = install_instruments(org)
    assert [v.pk for v in second] == [v.pk for v in first]
    assert counts == (Questionnaire.objects.count(), QuestionnaireVersion.objects.count())
    # Another organisation gets its own copies.
    install_instruments(world.b.org, keys=["phq-9"])
    assert Questionnaire.objects.filter(key="phq-9").count() == 2


def test_a_changed_file_becomes_the_next_active_version(world, tmp_path):
    content = tmp_path / "questionnaires"
    shutil.copytree(content_root(), content)
    with override_settings(QUESTIONNAIRE_CONTENT_DIR=content):
        (old,) = install_instruments(world.a.org, keys=["gad-7"])
        rules_file = content / "gad-7.rules.json"
        rules = json.loads(rules_file.read_text(encoding="utf-8"))
        rules["reliable_change"] = 4
        rules_file.write_text(json.dumps(rules), encoding="utf-8")
        (new,) = install_instruments(world.a.org, keys=["gad-7"])
        resource_file = content / "gad-7.json"
        resource = json.loads(resource_file.read_text(encoding="utf-8"))
        resource["version"] = "1.0.1"
        resource_file.write_text(json.dumps(resource), encoding="utf-8")
        (newest,) = install_instruments(world.a.org, keys=["gad-7"])
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.number, new.number, newest.number) == (1, 2, 3)
    assert old.questionnaire_id == new.questionnaire_id == newest.questionnaire_id
    assert (old.status, new.status, newest.status) == (
        VersionStatus.RETIRED,
        VersionStatus.RETIRED,
        VersionStatus.ACTIVE,
    )
    assert newest.rules["reliable_change"] == 4


def test_demo_organisations_get_the_instruments(db):
    from medvirk.demo.services import demo_load

    demo_load()
    keys = set(
        Questionnaire.objects.filter(organization__slug="eksempel-kommune").values_list(
            "key", flat=True
        )
    )
    assert set(KEYS) <= keys


def test_install_instruments_command(world, capsys):
    call_command("install_instruments", "--organization", world.a.org.slug, "--key", "who-5")
    out = capsys.readouterr().out
    assert out.startswith("who-5: id=")
    assert "version=1 (active)" in out
    with pytest.raises(CommandError, match="no-such-org"):
        call_command("install_instruments", "--organization", "no-such-org")


# --- score_response -------------------------------------------------------------------------


def phq9_response(ordinals: list[int]) -> dict[str, Any]:
    codes = ["LA6568-5", "LA6569-3", "LA6570-1", "LA6571-9"]
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "item": [
            {"linkId": str(n), "answer": [{"valueCoding": {"system": LOINC, "code": codes[v]}}]}
            for n, v in enumerate(ordinals, start=1)
        ],
    }


def write_json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def run_score(*args: str) -> dict[str, Any]:
    from io import StringIO

    out = StringIO()
    call_command("score_response", *args, stdout=out)
    data: dict[str, Any] = json.loads(out.getvalue())
    return data


def test_score_response_with_a_questionnaire_file_and_its_rules(tmp_path):
    response = write_json(tmp_path / "qr.json", phq9_response([3, 2, 1, 0, 1, 2, 3, 0, 1]))
    with translation.override("nb"):  # the band's label in the default language
        data = run_score(str(content_root() / "phq-9.json"), str(response))
    # 13 → moderate, above the cutoff of 10, item 9 = 1 flagged (worked in test_scoring).
    assert data["total"] == 13
    assert data["band"]["label"] == "Moderate symptomer"
    assert data["above_cutoff"] is True
    assert [risk["link_id"] for risk in data["risks"]] == ["9"]
    english = run_score(str(content_root() / "phq-9.json"), str(response), "--language", "en")
    assert english["band"]["label"] == "Moderate"


def test_score_response_without_rules_file_uses_helsenorge_codes(tmp_path):
    questionnaire = tmp_path / "scoring.json"
    shutil.copy(FIXTURES / "helsenorge" / "scoring-choice-radio.json", questionnaire)
    response = write_json(
        tmp_path / "qr.json",
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": [
                {
                    "linkId": "2",
                    "item": [{"linkId": "2.1", "answer": [{"valueCoding": {"code": "LA6570-1"}}]}],
                }
            ],
        },
    )
    data = run_score(str(questionnaire), str(response))
    assert data["calculated"] == {"3.1": 2}
    assert data["band"] is None


def test_score_response_with_an_imported_questionnaire_id(world, tmp_path):
    (version,) = install_instruments(world.a.org, keys=["who-5"])
    system = "urn:medvirk:codesystem:who-5-answers"
    response = write_json(
        tmp_path / "qr.json",
        {
            "resourceType": "QuestionnaireResponse",
            "status": "completed",
            "item": [
                {"linkId": str(n), "answer": [{"valueCoding": {"system": system, "code": v}}]}
                for n, v in enumerate(["3", "3", "3", "2", "2"], start=1)
            ],
        },
    )
    data = run_score(str(version.questionnaire_id), str(response))
    assert (data["raw_total"], data["total"], data["above_cutoff"]) == (13, 52, False)


def test_score_response_errors_are_clear(world, tmp_path):
    good = write_json(tmp_path / "qr.json", phq9_response([0] * 9))
    phq9 = str(content_root() / "phq-9.json")
    with pytest.raises(CommandError, match="no such file"):
        run_score(phq9, str(tmp_path / "missing.json"))
    with pytest.raises(CommandError, match="No questionnaire with id 999999"):
        run_score("999999", str(good))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="not valid JSON"):
        run_score(phq9, str(bad))
    with pytest.raises(CommandError, match="not a FHIR QuestionnaireResponse"):
        run_score(phq9, str(write_json(tmp_path / "q.json", {"resourceType": "Patient"})))
    with pytest.raises(CommandError, match="not a FHIR Questionnaire"):
        run_score(str(good), str(good))
