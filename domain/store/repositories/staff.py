"""Queries about staff, teams and integration clients."""

from __future__ import annotations

import uuid

from sqlmodel import Session, select

from domain.store.tables import IntegrationClient, SignInThrottle, Staff


def staff_by_username(session: Session, username: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.username == username)).first()


def staff_by_id(session: Session, staff_id: uuid.UUID) -> Staff | None:
    return session.get(Staff, staff_id)


def staff_by_external_subject(session: Session, subject: str) -> Staff | None:
    return session.exec(select(Staff).where(Staff.external_subject == subject)).first()


def client_by_client_id(session: Session, client_id: str) -> IntegrationClient | None:
    return session.exec(select(IntegrationClient).where(IntegrationClient.client_id == client_id)).first()


def client_by_id(session: Session, row_id: uuid.UUID) -> IntegrationClient | None:
    return session.get(IntegrationClient, row_id)


def throttle_for(session: Session, subject: str) -> SignInThrottle | None:
    return session.exec(select(SignInThrottle).where(SignInThrottle.subject == subject)).first()
