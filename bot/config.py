"""Settings read once from the environment by ``bot.app`` and passed down."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=None, extra="ignore")

    database_url: str = "sqlite:///groupbot.db"

    slack_bot_token: str | None = None
    slack_signing_secret: str | None = None
    slack_client_id: str | None = None
    slack_client_secret: str | None = None
    slack_state_secret: str | None = None
    slack_app_token: str | None = None
    slack_api_url: str | None = None

    pbx_backend: Literal["file", "kazoo"] = "file"
    pbx_export_dir: Path = Path("./callflows")
    kazoo_url: str | None = None
    kazoo_api_key: str | None = None
    kazoo_account_id: str | None = None

    # comma-separated in the environment, not JSON
    groupbot_admins: Annotated[frozenset[str], NoDecode] = Field(default_factory=frozenset)
    recordings_dir: Path = Path("./recordings")
    # the base URL the PBX reaches groupbot at (its recording endpoint); unset: off
    groupbot_public_url: str | None = None
    port: int = 3000

    @field_validator("groupbot_admins", mode="before")
    @classmethod
    def _comma_separated(cls, value: object) -> object:
        if isinstance(value, str):
            return frozenset(part.strip() for part in value.split(",") if part.strip())
        return value

    @property
    def oauth_enabled(self) -> bool:
        return bool(self.slack_client_id and self.slack_client_secret)
