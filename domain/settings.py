"""The one settings object, read from the environment (prefix-free names as in design.md)."""

from __future__ import annotations

import secrets
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError


class ConfigurationError(RuntimeError):
    """A setting that cannot work; the message is one line meant for the operator."""


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore", case_sensitive=False)

    environment: Literal["development", "demo", "test", "production"] = "demo"
    data_dir: Path = Path("data")
    database_url: str = ""  # empty: embedded SQLite under data_dir
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=1, le=65535)
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "INFO"

    # Tokens. The signing key lives in data_dir unless given; it is generated on first run.
    signing_key: str = ""
    token_issuer: str = "tidlig-indsats"  # noqa: S105 (a name, not a secret)
    token_audience: str = "tidlig-indsats-api"  # noqa: S105
    access_token_minutes: int = Field(default=30, ge=1, le=12 * 60)

    # Optionally trust an external identity provider's RS256 tokens, verified against its JWKS.
    external_jwks_url: str = ""
    external_jwks_file: str = ""
    external_issuer: str = ""
    external_audience: str = ""
    external_max_token_minutes: int = Field(default=60, ge=1, le=24 * 60)
    external_role_claim: str = "roles"
    # JSON object from the provider's role names to ours, e.g. {"SP": "health_visitor"}.
    external_role_map: str = "{}"

    # Load the fictional municipality on first start (only in demo mode).
    demo_data: bool = True
    # Where the web app reaches the API: empty means in-process through httpx's ASGI transport.
    api_base_url: str = ""

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'tidlig-indsats.sqlite3').as_posix()}"

    @property
    def is_sqlite(self) -> bool:
        return self.resolved_database_url.startswith("sqlite")

    def check(self) -> None:
        """Fail fast, with one clear line, on settings that cannot work."""
        url = self.resolved_database_url
        try:
            parsed = make_url(url)
        except ArgumentError:
            raise ConfigurationError(
                "DATABASE_URL is not a valid database URL "
                "(expected e.g. sqlite:///data/app.sqlite3 or postgresql+psycopg://user:pw@host/db)"
            ) from None
        if parsed.get_backend_name() not in {"sqlite", "postgresql"}:
            raise ConfigurationError(
                f"DATABASE_URL uses '{parsed.get_backend_name()}'; only sqlite and postgresql are supported"
            )
        if self.environment == "production" and not self.signing_key:
            raise ConfigurationError("SIGNING_KEY must be set in production (no generated key)")
        if self.environment == "production" and self.demo_data:
            raise ConfigurationError("DEMO_DATA must be false in production")

    def load_signing_key(self) -> str:
        """The configured key, or a local one generated on first run and kept in data_dir (0600)."""
        if self.signing_key:
            if len(self.signing_key) < 32:
                raise ConfigurationError("SIGNING_KEY must be at least 32 characters")
            return self.signing_key
        key_file = self.data_dir / "signing.key"
        if not key_file.exists():
            self.data_dir.mkdir(parents=True, exist_ok=True)
            key_file.touch(mode=0o600)
            key_file.write_text(secrets.token_urlsafe(48))
        return key_file.read_text().strip()


@lru_cache
def get_settings() -> Settings:
    return Settings()
