"""The catalog: the four intervention levels, the visit packages with every version, and the shared
eligibility criteria. Everyone reads it; only admins add versions, and a new version never changes what
was planned under an earlier one."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Path, Query, Response, status

from api.concurrency import ETAG_HEADER, with_etag
from api.deps import CurrentActor, UnitOfWorkDep
from api.problems import PROBLEM_RESPONSES
from api.schemas.catalog import (
    PACKAGE_EXAMPLE,
    CriteriaDefinition,
    CriteriaOut,
    CriteriaVersionOut,
    LevelOut,
    PackageDefinition,
    PackageOut,
    PackageSummaryOut,
)
from api.schemas.common import Cursor, Limit, Page, UpdatedSince
from domain.clock import copenhagen_today
from domain.rules.catalog import PackageVersion, package_to_mapping
from domain.rules.eligibility import CriteriaSet, criteria_to_mapping
from domain.rules.levels import all_levels
from domain.services import catalog

router = APIRouter(tags=["catalog"], responses=PROBLEM_RESPONSES)

PackageCode = Annotated[str, Path(max_length=64, pattern=r"^[a-z][a-z0-9_]{1,63}$", examples=["mothers_group"])]


def _definition(pv: PackageVersion) -> PackageDefinition:
    return PackageDefinition.model_validate(package_to_mapping(pv))


def _package(uow: UnitOfWorkDep, code: str) -> PackageOut:
    versions = catalog.package_versions(uow.session, code)
    current = catalog.version_in_force(versions, copenhagen_today())
    return PackageOut(
        code=code,
        current_version=current.version if current else None,
        versions=[_definition(pv) for pv in versions],
    )


def _criteria(uow: UnitOfWorkDep, shown: CriteriaSet) -> CriteriaOut:
    rows = catalog.criteria_versions(uow.session)
    return CriteriaOut(
        current_version=catalog.current_criteria(uow.session).version,
        criteria=CriteriaDefinition.model_validate(criteria_to_mapping(shown)),
        versions=[
            CriteriaVersionOut(
                version=r.version, valid_from=r.valid_from, created_at=r.created_at, created_by=r.created_by
            )
            for r in rows
        ],
    )


@router.get("/levels", response_model=Page[LevelOut])
def list_levels() -> Page[LevelOut]:
    """The four intervention levels of the stepped-care staircase, lowest first, in Danish and English."""
    return Page[LevelOut](
        items=[
            LevelOut(
                level=int(info.level),
                name_da=info.name_da,
                name_en=info.name_en,
                description_da=info.description_da,
                description_en=info.description_en,
            )
            for info in all_levels()
        ]
    )


@router.get("/packages", response_model=Page[PackageSummaryOut])
def list_packages(
    uow: UnitOfWorkDep, limit: Limit = 100, cursor: Cursor = None, updated_since: UpdatedSince = None
) -> Page[PackageSummaryOut]:
    """The visit packages by code, each as its version in force today (`updated_since`: got a new version)."""
    today = copenhagen_today()
    page = catalog.package_summaries(uow.session, today=today, updated_since=updated_since, cursor=cursor, limit=limit)
    return Page[PackageSummaryOut](
        items=[
            PackageSummaryOut(
                code=s.current.code,
                version=s.current.version,
                versions=s.versions,
                valid_from=s.current.valid_from,
                in_force=s.in_force,
                name_da=s.current.name_da,
                name_en=s.current.name_en,
                level_min=int(s.current.level_min),
                level_max=int(s.current.level_max),
                roles=list(s.current.roles),
                cadence=s.current.cadence.value,
                target_group_da=s.current.target_group_da,
                target_group_en=s.current.target_group_en,
                legal_basis=s.current.legal_basis_on(today),
            )
            for s in page.items
        ],
        next_cursor=page.next_cursor,
    )


@router.get(
    "/packages/{code}",
    response_model=PackageOut,
    response_model_exclude_none=True,
    responses={200: {"headers": ETAG_HEADER}},
)
def read_package(code: PackageCode, uow: UnitOfWorkDep, response: Response) -> PackageOut:
    """One package with every version in full, oldest first."""
    result = _package(uow, code)
    with_etag(response, result)
    return result


@router.post(
    "/packages/{code}/versions",
    status_code=status.HTTP_201_CREATED,
    response_model=PackageDefinition,
    response_model_exclude_none=True,
)
def add_package_version(
    code: PackageCode,
    body: Annotated[PackageDefinition, Body(openapi_examples={"housing_area_extra": {"value": PACKAGE_EXAMPLE}})],
    uow: UnitOfWorkDep,
    actor: CurrentActor,
    response: Response,
) -> PackageDefinition:
    """Add the next version of a package (or a new package). Earlier versions, and what was planned under them,
    stay as they are; enrolments from `valid_from` on use the new one."""
    definition: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    new = catalog.add_package_version(uow.session, code=code, definition=definition, created_by=actor.audit_name)
    uow.audit.record("catalog_change", details={"package_code": new.code, "version": new.version})
    response.headers["Location"] = f"/api/v1/packages/{new.code}"
    return _definition(new)


@router.get("/criteria", response_model=CriteriaOut, responses={200: {"headers": ETAG_HEADER}})
def read_criteria(
    uow: UnitOfWorkDep,
    response: Response,
    version: Annotated[int | None, Query(ge=1, description="An earlier version (default: the current one)")] = None,
) -> CriteriaOut:
    """The shared eligibility criteria in full (the current version unless asked for another), and every version."""
    shown = (
        catalog.criteria_version(uow.session, version) if version is not None else catalog.current_criteria(uow.session)
    )
    result = _criteria(uow, shown)
    with_etag(response, result)
    return result


@router.post("/criteria/versions", status_code=status.HTTP_201_CREATED, response_model=CriteriaOut)
def add_criteria_version(
    body: CriteriaDefinition, uow: UnitOfWorkDep, actor: CurrentActor, response: Response
) -> CriteriaOut:
    """Add the next version of the shared criteria; unknown package, fact or referral codes are named."""
    definition: dict[str, Any] = body.model_dump(mode="json", exclude_none=True)
    new = catalog.add_criteria_version(uow.session, definition=definition, created_by=actor.audit_name)
    uow.audit.record("catalog_change", details={"criteria_version": new.version})
    response.headers["Location"] = f"/api/v1/criteria?version={new.version}"
    return _criteria(uow, new)
