"""Every page router of the web app."""

from fastapi import APIRouter

from web.routes import auth

ROUTERS: list[APIRouter] = [auth.router]
