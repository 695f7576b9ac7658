"""The audio checks at work: each followed venue's sound is judged against its audio state, and
flags raised with a short clip of the sound as evidence.

Invariants: decoding and analysis run on the audio sampler's workers or the request's thread
pool, never on the event loop; a flag reaches the database only through `flags.raise_flag`; a
clip is a WAV of at most `audio_clip_seconds` (16 kHz mono 16-bit, so at most 32 kB a second),
stored beside the snapshots under a server-made name; a venue's audio state is the one the
controller set (静音收听 until set), taken up by its checker at once.
"""

from __future__ import annotations

import logging
import threading
import uuid
from datetime import UTC, datetime
from pathlib import Path

from app.db.engine import Database
from app.services import flags, venues
from app.services.context import Actor, utc_now
from app.services.errors import Invalid, ServiceError
from app.services.images import TooLarge
from app.settings import Settings
from frame_checks.audio_checker import AudioChecker, AudioResult
from frame_checks.audio_judge import (
    AUDIO_STATES,
    AudioState,
    AudioThresholdError,
    AudioThresholds,
)
from frame_checks.audio_sampler import AudioSampler
from frame_checks.audio_source import AudioPushError, decode_pushed_audio
from frame_checks.sources import SourceState
from frame_checks.turns import Turns

log = logging.getLogger(__name__)
SAMPLER = Actor(username="audio-checks", role="controller")


class UnsupportedAudio(ServiceError):
    status = 415


def store_clip(wav: bytes, *, folder: Path) -> str:
    """Save a clip under a server-made name and return that name."""
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{uuid.uuid4().hex}.wav"
    temporary = folder / f".{name}.part"
    temporary.write_bytes(wav)
    temporary.replace(folder / name)
    return name


def _state(value: str) -> AudioState:
    for state in AUDIO_STATES:
        if state == value:
            return state
    return "muted"


class AudioWatch:
    """Listens to the venues whose source this process follows, and checks pushed windows."""

    def __init__(self, db: Database, settings: Settings, *, turns: Turns | None = None) -> None:
        self.db = db
        self.settings = settings
        self.turns = turns
        try:
            self.base = AudioThresholds.from_mapping(settings.audio_thresholds)
        except AudioThresholdError as error:
            log.warning("ignoring the audio thresholds of the settings (%s)", error)
            self.base = AudioThresholds()
        self.base = self.base.with_overrides(
            {"clip_seconds": min(self.base.clip_seconds, settings.audio_clip_seconds)}
        )
        self.sampler = AudioSampler(on_audio=self.heard, on_status=self.status, turns=self.turns)
        self._pushed: dict[str, AudioChecker] = {}
        self._following: dict[str, str] = {}
        self._lock = threading.Lock()

    # -- following sources ------------------------------------------------------------------

    def follow(self, sources: dict[str, str]) -> None:
        """Listen to exactly these venues (code → source URL or path)."""
        for code, url in list(self._following.items()):
            if sources.get(code) != url:
                self.sampler.unlisten(code)
                del self._following[code]
        if not sources:
            return
        states = venues.audio_states(self.db)
        for code, url in sources.items():
            if code in self._following:
                continue
            checker = AudioChecker(thresholds=self.base, state=_state(states.get(code, "muted")))
            self.sampler.listen(code, url, checker=checker)
            self._following[code] = url

    def sync_states(self) -> None:
        """Take up audio states set through another process (a controller's console talks to
        the web server; a separate `vcwatch sampler` learns of the change here)."""
        if not self._following and not self._pushed:
            return
        states = venues.audio_states(self.db)
        for code, state in states.items():
            for checker in (self.sampler.checker(code), self._pushed.get(code)):
                if checker is not None and checker.state != state:
                    checker.set_state(_state(state))

    def stop(self) -> None:
        self.sampler.stop()
        self.sampler = AudioSampler(on_audio=self.heard, on_status=self.status, turns=self.turns)
        self._following.clear()

    def set_state(self, code: str, state: str) -> None:
        """The controller changed the venue's audio state: its checkers judge by it at once."""
        checkers = [self.sampler.checker(code)]
        with self._lock:
            checkers.append(self._pushed.get(code))
        for checker in checkers:
            if checker is not None:
                checker.set_state(_state(state))

    # -- pushed windows -------------------------------------------------------------------

    def check_pushed(self, code: str, data: bytes, *, content_type: str) -> list[AudioResult]:
        """Judge a window of sound posted by an external grabber for the venue."""
        try:
            samples = decode_pushed_audio(
                data,
                content_type=content_type,
                max_seconds=self.settings.max_audio_push_seconds,
            )
        except AudioPushError as error:
            if error.reason == "too_long":
                raise TooLarge(str(error), field="body", code="audio.too_long") from None
            if error.reason == "not_audio":
                raise UnsupportedAudio(str(error), field="body", code="audio.not_audio") from None
            if error.reason == "unsupported":
                raise UnsupportedAudio(str(error), field="body", code="audio.unsupported") from None
            if error.reason == "empty":
                raise Invalid(str(error), field="body", code="audio.empty") from None
            raise Invalid(str(error), field="body", code="audio.truncated") from None
        with self._lock:
            checker = self._pushed.get(code)
        if checker is None:
            venue = venues.get_venue(self.db, settings=self.settings, unit_code=code)
            fresh = AudioChecker(thresholds=self.base, state=_state(venue.audio_state))
            with self._lock:
                checker = self._pushed.setdefault(code, fresh)
        results = checker.feed(samples, at=datetime.now(UTC).timestamp())
        for result in results:
            self.heard(code, result)
        return results

    def pending_seconds(self, code: str) -> float:
        with self._lock:
            checker = self._pushed.get(code)
        return checker.pending_seconds if checker is not None else 0.0

    # -- callbacks (worker threads) -------------------------------------------------------

    def heard(self, code: str, result: AudioResult) -> None:
        try:
            for event in result.events:
                if event.kind == "raised":
                    clip = (
                        store_clip(result.clip, folder=self.settings.evidence_dir)
                        if result.clip
                        else None
                    )
                    flags.raise_flag(
                        self.db,
                        actor=SAMPLER,
                        unit_code=code,
                        kind=event.flag,
                        basis=event.basis,
                        metrics={**dict(event.metrics), "audio_state": result.state},
                        snapshot=self._sample_snapshot(code),
                        clip=clip,
                        at=utc_now(),
                    )
                else:
                    flags.clear_flag(
                        self.db, actor=SAMPLER, unit_code=code, kind=event.flag, at=utc_now()
                    )
        except ServiceError as error:
            log.warning("venue %s: audio-check result not recorded: %s", code, error.message)

    def _sample_snapshot(self, code: str) -> str | None:
        """The venue's newest picture beside the clip, when it has one (a copy: the sample file
        is overwritten at every sample)."""
        sample = venues.sample_path(self.settings, code)
        if not sample.is_file():
            return None
        try:
            data = sample.read_bytes()
        except OSError:
            return None
        name = f"{uuid.uuid4().hex}.jpg"
        folder = self.settings.evidence_dir
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)
        return name

    def status(self, code: str, state: SourceState, detail: str) -> None:
        if state == "offline":
            log.info("venue %s: no sound (%s)", code, detail)
