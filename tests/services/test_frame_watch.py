"""The frame checks at work in the app: one process's samplers share their turns."""

from __future__ import annotations

from app.db.engine import Database
from app.services.frame_watch import FrameWatch
from app.settings import Settings


def test_the_pictures_and_the_sound_of_the_venues_take_the_same_turns(
    db: Database, settings: Settings
) -> None:
    watch = FrameWatch(db, settings)
    try:
        turns = watch.sampler.turns
        assert turns is not None
        assert watch.audio.sampler.turns is turns
        watch.stop()  # stopping makes new samplers, with the same turns
        assert watch.sampler.turns is turns
        assert watch.audio.sampler.turns is turns
    finally:
        watch.stop()
