"""Every router of the JSON API, in the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routers import (
    audit_log,
    auth,
    calendar,
    catalog,
    children,
    consents,
    eligibility,
    enrollments,
    families,
    groups,
    ping,
    referrals,
    reports,
    screenings,
    visits,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    catalog.router,
    families.router,
    children.router,
    screenings.router,
    eligibility.router,
    consents.router,
    enrollments.router,
    visits.router,
    calendar.router,
    referrals.router,
    groups.router,
    reports.router,
    audit_log.router,
    ping.router,
]
