from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Annotated, Literal

from pydantic import Field, StringConstraints, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

DEFAULT_SECRET = "change-me"
# The environments that may run with the default secret and no origin allow-list; every other
# name (production, staging, a typo) is held to production's rules.
RELAXED_ENVIRONMENTS = frozenset({"development", "test"})


def default_data_dir() -> Path:
    return Path.cwd() / "data"


class Settings(BaseSettings):
    # A refused setting's value is never echoed: it may be the secret.
    model_config = SettingsConfigDict(
        env_prefix="VCWATCH_", extra="ignore", hide_input_in_errors=True
    )

    environment: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,32}$")] = "development"
    data_dir: Path = Field(default_factory=default_data_dir)
    database_url: str = ""
    secret_key: str = DEFAULT_SECRET
    allowed_origins: list[str] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = 8000
    # The reverse proxy's address(es), comma-separated ("10.0.0.5", "10.0.0.0/24"): only a
    # request from there has its X-Forwarded-For / X-Forwarded-Proto believed. Empty: nobody's.
    forwarded_allow_ips: str = ""
    access_log: bool = False  # uvicorn's line per request; writes are in the audit log anyway
    # Request bodies: every route's default, the image uploads', and the records import's (the
    # two larger ones only for a logged-in caller).
    max_body_bytes: int = 1024 * 1024
    # Who issues the annual table: printed on it and on its PDF (VCWATCH_ISSUING_OFFICE).
    issuing_office: str = Field(default="三明市人民政府办公室", min_length=1, max_length=100)
    max_upload_bytes: int = 5 * 1024 * 1024
    max_import_bytes: int = 256 * 1024 * 1024
    max_image_pixels: int = 4096 * 4096
    session_idle_minutes: int = 120
    session_absolute_hours: int = 12
    login_window_minutes: int = 15
    login_failures_per_account: int = 5
    login_failures_per_address: int = 20
    # Guesses at one account spread over many addresses: past this, only known addresses may try.
    login_failures_per_account_everywhere: int = 100
    frame_thresholds: dict[str, float] = Field(default_factory=dict)
    # Venue sources the server may open (see app/services/source_urls.py); nothing by default.
    source_allowed_schemes: list[str] = Field(
        default_factory=lambda: ["rtsp", "rtsps", "http", "https"]
    )
    source_allowed_hosts: list[str] = Field(default_factory=list)
    source_file_folder: Path | None = None
    audio_thresholds: dict[str, float] = Field(default_factory=dict)
    audio_clip_seconds: float = Field(default=6.0, ge=1.0, le=30.0)
    max_audio_upload_bytes: int = 6 * 1024 * 1024
    max_audio_push_seconds: float = Field(default=30.0, gt=0, le=120.0)
    status_settle_seconds: float = 30.0
    sampler: Literal["on", "off"] = "on"
    sampler_name: str = ""  # defaults to host:pid; shown on the venues page
    sampler_lease_seconds: float = 15.0
    sampler_heartbeat_seconds: float = 5.0
    # Frames taken 0.2 s apart after each sample, for the shake check (`frame_checks.BURST_GAP`):
    # 0 measures shakes between samples only; 2 also catches a mount swaying in step with the
    # samples, at about three times the decoding (100 venues then need more than one core).
    frame_burst: int = Field(default=0, ge=0, le=4)
    ws_max_message_bytes: int = 64 * 1024
    ws_messages_per_second: int = 20
    ws_session_check_seconds: float = 10.0
    # /docs, /redoc and /openapi.json: None serves them everywhere but in production.
    api_reference: bool | None = None
    # "minimal": argon2id at its smallest cost, for test suites that log in thousands of times;
    # honoured in the test environment only, so that no setting can weaken production's hashes.
    password_hash_cost: Literal["standard", "minimal"] = "standard"

    @model_validator(mode="after")
    def _refuse_unsafe_production(self) -> Settings:
        if self.environment not in RELAXED_ENVIRONMENTS:
            if self.secret_key == DEFAULT_SECRET or len(self.secret_key) < 32:
                raise ValueError(
                    "VCWATCH_SECRET_KEY must be set to a random value of at least 32 characters "
                    "outside development and tests"
                )
            if not self.allowed_origins:
                raise ValueError(
                    "VCWATCH_ALLOWED_ORIGINS must list the site's origins outside development"
                )
        return self

    @property
    def serves_api_reference(self) -> bool:
        if self.api_reference is None:
            return self.environment != "production"
        return self.api_reference

    @property
    def minimal_password_hashing(self) -> bool:
        return self.environment == "test" and self.password_hash_cost == "minimal"

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
