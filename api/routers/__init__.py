"""Every router of the JSON API, in the order they appear in the OpenAPI document."""

from fastapi import APIRouter

from api.routers import auth, children, families

ROUTERS: list[APIRouter] = [auth.router, families.router, children.router]
