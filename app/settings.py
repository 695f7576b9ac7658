from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me"


def default_data_dir() -> Path:
    return Path.cwd() / "data"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="VCWATCH_", extra="ignore")

    environment: Literal["development", "production", "test"] = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: str = DEFAULT_SECRET
    allowed_origins: list[str] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    access_log: bool = False  # uvicorn's line per request; writes are in the audit log anyway
    timezone: str = "Asia/Shanghai"
    max_upload_bytes: int = 5 * 1024 * 1024
    max_image_pixels: int = 4096 * 4096
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_window_minutes: int = 15
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    frame_thresholds: dict[str, float] = Field(default_factory=dict)
    audio_thresholds: dict[str, float] = Field(default_factory=dict)
    audio_clip_seconds: float = Field(default=6.0, ge=1.0, le=30.0)
    max_audio_upload_bytes: int = 6 * 1024 * 1024
    max_audio_push_seconds: float = Field(default=30.0, gt=0, le=120.0)
    status_settle_seconds: float = 30.0
    sampler: Literal["on", "off"] = "on"
    sampler_name: str = ""  # defaults to host:pid; shown on the venues page
    sampler_lease_seconds: float = 15.0
    sampler_heartbeat_seconds: float = 5.0
    ws_max_message_bytes: int = 64 * 1024
    ws_messages_per_second: int = 20
    ws_session_check_seconds: float = 10.0

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment == "production":
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "VCWATCH_SECRET_KEY must be set to a random value of at least 32 characters "
                    "outside development"
                )
            if not self.allowed_origins:
                raise ValueError(
                    "VCWATCH_ALLOWED_ORIGINS must list the site's origins in production"
                )
        return self

    @property
    def resolved_database_url(self) -> str:
        if self.database_url:
            return self.database_url
        return f"sqlite:///{self.data_dir / 'vcwatch.sqlite3'}"

    @property
    def evidence_dir(self) -> Path:
        return self.data_dir / "evidence"


@lru_cache
def get_settings() -> Settings:
    return Settings()
