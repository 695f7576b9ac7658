"""Judgements on single samples: each flag on small synthetic frames and on real pictures."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from frame_checks import Reference, ThresholdError, Thresholds, VenueChecker
from frame_checks import measure as measure_module
from frame_checks.align import Alignment
from frame_checks.judge import Flag, Hit
from frame_checks.venue import ALIGNMENT_REUSE

from .support import REAL_PICTURES, darkened, noisy, real_world, reencoded, scene, view

SMALL = (640, 360)


def hits(
    frame: np.ndarray, reference: np.ndarray | None = None, **overrides: object
) -> dict[Flag, Hit]:
    checker = VenueChecker(
        thresholds=Thresholds.from_mapping(overrides),
        reference=Reference.from_frame(reference) if reference is not None else None,
    )
    return dict(checker.check(frame, at=0.0).hits)


@pytest.fixture(scope="module")
def world() -> np.ndarray:
    return scene(960, 540, seed=21)


@pytest.fixture(scope="module")
def room(world: np.ndarray) -> np.ndarray:
    return view(world, size=SMALL)


def test_a_clean_picture_raises_nothing(room: np.ndarray) -> None:
    rng = np.random.default_rng(0)

    assert hits(noisy(room, 2.0, rng), reference=room) == {}


@pytest.mark.parametrize("mean", [20.0, 35.0, 50.0])
def test_a_darkened_picture_is_dark_not_black_nor_blurred(room: np.ndarray, mean: float) -> None:
    found = hits(darkened(room, mean), reference=room)

    assert set(found) == {"dark"}
    assert found["dark"].metrics["luma_mean"] == pytest.approx(mean, abs=3)


@pytest.mark.parametrize(
    "frame",
    [
        np.zeros((360, 640, 3), np.uint8),
        np.full((360, 640, 3), 16, np.uint8),
        noisy(np.full((360, 640, 3), 8, np.uint8), 3.0, np.random.default_rng(1)),
    ],
    ids=["zero", "limited-range black", "noisy black"],
)
def test_no_picture_is_black_and_not_dark(room: np.ndarray, frame: np.ndarray) -> None:
    assert set(hits(frame, reference=room)) == {"black"}


def test_a_black_picture_with_an_osd_text_is_still_black() -> None:
    frame = np.zeros((360, 640, 3), np.uint8)
    cv2.putText(frame, "NO SIGNAL", (230, 190), cv2.FONT_HERSHEY_SIMPLEX, 0.8, (255, 255, 255), 2)

    assert set(hits(frame)) == {"black"}


def test_blur_against_the_reference(room: np.ndarray) -> None:
    found = hits(cv2.GaussianBlur(room, (0, 0), 2.0), reference=room)

    assert set(found) == {"blurred"}
    assert found["blurred"].basis == "reference"


def test_heavy_blur_without_a_reference() -> None:
    found = hits(cv2.GaussianBlur(scene(*SMALL, seed=3), (0, 0), 6.0))

    assert "blurred" in found
    assert found["blurred"].basis == "absolute"


def test_sharpness_is_not_judged_on_dark_or_flat_pictures(room: np.ndarray) -> None:
    dark_and_soft = darkened(np.asarray(cv2.GaussianBlur(room, (0, 0), 3.0), np.uint8), 30.0)

    assert set(hits(dark_and_soft, reference=room)) == {"dark"}
    # A flat grey picture is not judged blurred: it is washed out (no contrast at all).
    assert set(hits(np.full((360, 640, 3), 128, np.uint8))) == {"low_contrast"}


@pytest.mark.parametrize(("rotation", "tilted"), [(5.0, True), (-3.0, True), (1.0, False)])
def test_tilt_against_the_reference(world: np.ndarray, rotation: float, tilted: bool) -> None:
    found = hits(view(world, size=SMALL, rotation=rotation), reference=view(world, size=SMALL))

    assert ("tilted" in found) is tilted
    if tilted:
        assert found["tilted"].basis == "reference"
        assert found["tilted"].metrics["rotation_deg"] == pytest.approx(rotation, abs=0.5)
    assert "moved" not in found


def test_tilt_without_a_reference_rests_on_a_large_line_angle() -> None:
    world = scene(1920, 1080, seed=11)

    turned = hits(view(world, size=(1280, 720), rotation=12.0))
    level = hits(view(world, size=(1280, 720)))

    assert turned["tilted"].basis == "line_angle"
    assert turned["tilted"].metrics["line_angle_deg"] == pytest.approx(12.0, abs=1.5)
    assert "tilted" not in level


@pytest.mark.parametrize(
    ("shift", "zoom", "moved"),
    [((40.0, 0.0), 1.0, True), ((0.0, -30.0), 1.0, True), ((4.0, 3.0), 1.0, False),
     ((0.0, 0.0), 1.12, True), ((0.0, 0.0), 0.9, True), ((0.0, 0.0), 1.01, False)],
)  # fmt: skip
def test_shift_and_zoom_against_the_reference(
    world: np.ndarray, shift: tuple[float, float], zoom: float, moved: bool
) -> None:
    found = hits(view(world, size=SMALL, shift=shift, zoom=zoom), reference=view(world, size=SMALL))

    assert ("moved" in found) is moved
    assert "tilted" not in found


def test_a_clear_picture_of_another_view_has_moved(room: np.ndarray) -> None:
    found = hits(scene(*SMALL, seed=99), reference=room)

    assert found["moved"].basis == "no_match"


@pytest.mark.parametrize("name", REAL_PICTURES)
def test_each_judgement_on_a_real_picture(name: str) -> None:
    rng = np.random.default_rng(5)
    world = real_world(name, SMALL)
    reference = reencoded(noisy(view(world, size=SMALL), 2.0, rng))

    def sample(frame: np.ndarray) -> set[str]:
        return set(hits(reencoded(noisy(frame, 2.0, rng), 85), reference=reference))

    assert sample(view(world, size=SMALL)) == set()
    assert sample(darkened(view(world, size=SMALL), 30.0)) == {"dark"}
    assert sample(np.zeros((360, 640, 3), np.uint8)) == {"black"}
    assert sample(cv2.GaussianBlur(view(world, size=SMALL), (0, 0), 2.5)) == {"blurred"}
    assert sample(view(world, size=SMALL, rotation=6.0)) == {"tilted"}
    assert sample(view(world, size=SMALL, shift=(-50.0, 25.0))) == {"moved"}


def test_thresholds_take_deployment_and_venue_overrides() -> None:
    deployment = Thresholds.from_mapping({"dark_luma": 40, "raise_after": "3"})
    venue = deployment.with_overrides({"freeze_noise": "-60dB", "tilt_deg": 2.5})

    assert (venue.dark_luma, venue.raise_after, venue.tilt_deg) == (40.0, 3, 2.5)
    assert venue.freeze_noise == pytest.approx(0.001)
    assert Thresholds().dark_luma == 55.0


def test_a_threshold_decides_the_judgement(room: np.ndarray) -> None:
    dim = darkened(room, 45.0)

    assert "dark" in hits(dim)
    assert "dark" not in hits(dim, dark_luma=40)


@pytest.mark.parametrize(
    "overrides",
    [{"dark": 40}, {"dark_luma": True}, {"dark_luma": "dim"}, {"dark_luma": -1},
     {"raise_after": 0}, {"raise_after": 1.5}, {"black_share": 2}, {"tilt_deg": float("nan")},
     {"freeze_noise": "loud"}],
)  # fmt: skip
def test_unusable_threshold_overrides_are_refused(overrides: dict[str, object]) -> None:
    with pytest.raises(ThresholdError):
        Thresholds.from_mapping(overrides)


def test_an_unchanged_picture_keeps_its_alignment_and_a_moved_one_is_aligned_afresh(
    world: np.ndarray, monkeypatch: pytest.MonkeyPatch
) -> None:
    aligned: list[float] = []
    original = measure_module.align

    def counting_align(*args: object, **kwargs: object) -> Alignment:
        found = original(*args, **kwargs)  # type: ignore[arg-type]
        aligned.append(found.shift_px or 0.0)
        return found

    monkeypatch.setattr(measure_module, "align", counting_align)
    room = view(world, size=SMALL)
    checker = VenueChecker(reference=Reference.from_frame(room))
    rng = np.random.default_rng(3)
    samples = [noisy(room, 1.0, rng) for _ in range(ALIGNMENT_REUSE + 2)]
    samples.append(view(world, size=SMALL, shift=(40.0, 0.0)))

    results = [checker.check(frame, at=2.0 * i) for i, frame in enumerate(samples)]

    # One alignment for the first sample, one after ALIGNMENT_REUSE reuses, one for the move.
    assert len(aligned) == 3
    assert aligned[-1] == pytest.approx(40.0, abs=1.0)
    assert all(r.measurement.alignment is not None for r in results)
    assert "moved" in results[-1].hits
    assert not any(r.hits for r in results[:-1])


def test_a_new_reference_is_aligned_against_at_once(world: np.ndarray) -> None:
    room = view(world, size=SMALL)
    checker = VenueChecker(reference=Reference.from_frame(room))
    checker.check(room, at=0.0)

    checker.set_reference(Reference.from_frame(view(world, size=SMALL, shift=(0.0, 30.0))))
    result = checker.check(room, at=2.0)

    assert result.measurement.alignment is not None
    assert result.measurement.alignment.shift_px == pytest.approx(30.0, abs=1.0)
    assert "moved" in result.hits
