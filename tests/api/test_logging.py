"""Logs are JSON lines with the request id, and never carry a CPR number, screening answers or a token."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from fastapi.testclient import TestClient

from api.logs import JsonFormatter, configure_logging
from domain.rules.cpr import fictional_cpr
from tests.factories import World, bearer, make_family, token


@pytest.fixture
def log_lines() -> Iterator[io.StringIO]:
    """The service's own logging set-up (as `make run` configures it, at DEBUG), written to a buffer."""
    root = logging.getLogger()
    saved = (list(root.handlers), root.level)
    configure_logging("DEBUG")
    stream = io.StringIO()
    handler = root.handlers[0]
    assert isinstance(handler, logging.StreamHandler) and isinstance(handler.formatter, JsonFormatter)
    handler.setStream(stream)
    yield stream
    root.handlers[:] = saved[0]
    root.setLevel(saved[1])


def test_no_cpr_answer_or_token_reaches_the_log(
    client: TestClient, world: World, log_lines: io.StringIO, today: date
) -> None:
    born = today - timedelta(days=60)
    with world.database.session(write=True) as session:
        _, child = make_family(session, today=today, birth_date=born, health_visitor=world.staff_id("hv1"))
        cpr = child.cpr
        session.commit()
    assert cpr is not None
    access_token = token(client, "hv1")
    headers = bearer(access_token)
    client.get(f"/api/v1/children?cpr={cpr}", headers=headers)
    client.get(f"/api/v1/children?cpr={cpr[:6]}-{cpr[6:]}", headers=headers)
    answers = [3, 2, 1, 0, 3, 2, 1, 0, 2, 1]
    client.post(
        f"/api/v1/children/{child.id}/screenings",
        json={
            "instrument": "EPDS",
            "respondent": "mother",
            "items": answers,
            "administered_on": today.isoformat(),
        },
        headers=headers,
    )
    client.post(
        f"/api/v1/children/{child.id}/screenings",
        json={"instrument": "EPDS", "respondent": "mother", "items": [9] * 10, "administered_on": "2026-01-01"},
        headers=headers,
    )
    other_cpr = fictional_cpr(born, 99, female=False)
    client.post("/api/v1/children", json={"family_id": "not-a-uuid", "cpr": other_cpr}, headers=headers)
    client.get(f"/api/v1/no-such-path?cpr={other_cpr}", headers={"Authorization": f"Bearer {access_token}x"})

    text = log_lines.getvalue()
    lines = [json.loads(line) for line in text.splitlines() if line.strip()]
    assert any(line.get("path") == "/api/v1/children" for line in lines), "requests are logged"
    assert all("request_id" in line for line in lines if line.get("logger") == "tidlig_indsats.access")
    for secret in (cpr, f"{cpr[:6]}-{cpr[6:]}", other_cpr, access_token, access_token[:40]):
        assert secret not in text
    assert str(answers) not in text and "items" not in text


def test_a_failing_write_logs_neither_the_cpr_nor_the_name_nor_the_address(
    client: TestClient, world: World, today: date, caplog: pytest.LogCaptureFixture
) -> None:
    """Every engine hides statement parameters: a failing statement's error, and SQLAlchemy's own log of the
    statements it runs, keep the values out of the log."""
    caplog.set_level(logging.DEBUG)  # every logger ...
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")  # ... SQLAlchemy's too (it sets itself to WARNING)
    born = today - timedelta(days=30)
    mother_cpr = fictional_cpr(born - timedelta(days=9000), 401, female=True)
    child_cpr, twin_cpr = fictional_cpr(born, 402, female=False), fictional_cpr(born, 403, female=True)
    secrets = ("Fiktiva Hemmeligsen", "Lille Hemmeligsen", "Hemmelig Allé 17", mother_cpr, child_cpr, twin_cpr)
    headers = bearer(token(client, "hv1"))
    family = client.post(
        "/api/v1/families",
        json={
            "source_system": "esdh",
            "external_id": "LOG-1",
            "area": "ringparken",
            "address": "Hemmelig Allé 17, 8220 Brabrand",
            "members": [{"role": "mother", "name": "Fiktiva Hemmeligsen", "cpr": mother_cpr}],
            "children": [{"external_id": "C-1", "birth_date": born.isoformat(), "cpr": child_cpr}],
        },
        headers=headers,
    )
    assert family.status_code == 201, family.text

    # A twin under the first child's external id: the insert breaks a unique constraint in the database.
    twin = {"external_id": "C-1", "name": "Lille Hemmeligsen", "birth_date": born.isoformat(), "cpr": twin_cpr}
    response = client.post("/api/v1/children", json={**twin, "family_id": family.json()["id"]}, headers=headers)

    assert response.status_code == 500, response.text
    assert response.headers["content-type"] == "application/problem+json"
    logged = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert "IntegrityError" in logged, "the failure itself is logged, with its statement"
    assert "INSERT INTO family" in logged, "so is every statement (SQLAlchemy's log at INFO)"
    for secret in secrets:
        assert secret not in logged, secret
        assert secret not in caplog.text, secret
        assert secret not in response.text, secret
    for cpr in (mother_cpr, twin_cpr):
        assert f"{cpr[:6]}-{cpr[6:]}" not in logged
