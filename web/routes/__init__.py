"""Every page router of the web app."""

from fastapi import APIRouter

from web.routes import (
    admin_pages,
    auth,
    child,
    eligibility_forms,
    enrollment_forms,
    group_pages,
    my_day,
    report_pages,
    screening_forms,
    search,
    sharing_forms,
)

ROUTERS: list[APIRouter] = [
    auth.router,
    my_day.router,
    search.router,
    child.router,
    screening_forms.router,
    sharing_forms.router,
    eligibility_forms.router,
    enrollment_forms.router,
    group_pages.router,
    admin_pages.router,
    report_pages.router,
]
