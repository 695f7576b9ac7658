"""Frame checks on real public footage with known degradations, side by side with FFmpeg.

    python benchmarks/frame_checks.py [--quick] [--scenes-only] [--seed S] [--keep DIR]
                                      [--dump FILE]

Material (read at run time from installed packages; nothing is downloaded):

- Debian's `opencv-doc`: OpenCV's sample photographs and the videos vtest.avi (a real, fixed
  CCTV camera: people walking, real sensor and codec noise) and Megamind.avi (night scenes)
  under /usr/share/doc/opencv-doc/examples/data/;
- scikit-image's bundled images (`skimage.data.astronaut()`, `camera()`, … — only those in the
  wheel);
- Debian's `ffmpeg`, to encode the clips with libx264 and to run `blackdetect`, `freezedetect`,
  `signalstats` and `blurdetect` beside our checks (without it the clips are skipped).

Scenes. Every normally exposed base picture (mean luma 70–190) becomes a venue at 1920×1080:
the picture is scaled to cover a larger "world" (2880×1620) and the venue's camera sees its
centre; that view is the venue's reference frame. Scenes apply known degradations to the
camera — darkened to a mean luma of 22, 32 and 45; black (no signal, limited-range black, black
with an OSD text); Gaussian blur (σ 4, 6, 10 px) and motion blur (25, 40 px); rotation by
±2…±15°; shift (70–335 px) and zoom (×0.88, ×1.08, ×1.2) — and clean controls: fresh noise,
sub-threshold camera jitter, exposure drift, and for vtest other moments of the real footage
(other people in other places). Every venue also gets `VQD_DRAWS` scenes of each VQD picture
fault, modelled physically and with parameters drawn over realistic ranges (`degrade.py`, so
that the set is not built from the checks' own constants): over-exposure +1.5…+3 EV in linear
light clipped at full well; a grey veil (transmission 0.08–0.3); a colour fault 1.6–3× between
channels in linear light (wrong white balance, stuck IR-cut filter, weak colour line); snow at
a PSNR of 17–27 dB with impulses; rolling interference bars; a hand or cloth out of focus over
35–75 % of the view; SMPTE/EBU bars or a blue screen, with or without a clock; and a shaking
mount (12–40 px, 0.2–0.6°, a new pose at each of three samples: a posted frame has no burst,
so the shake shows only between samples). Every sample gets fresh sensor noise (σ 1.5–3) and is
JPEG-encoded (quality 75–92) and decoded through `decode_frame`, like a posted frame. A scene
is two samples 2 s apart through a fresh `VenueChecker`: its verdict (flags active after the
second sample) obeys the N-hits rule. Megamind's night frames (whole-frame mean luma below 50)
are real dark positives, judged without a reference.

Clips (10 fps, 20 s, libx264 CRF 23, a key frame every 10 s) carry the temporal checks: a still
scene with fresh noise (σ 2–3; control), real motion (vtest; control), a held frame — live for
4 s, then the same frame fed to the encoder for 16 s, so that it is re-encoded with fresh
compression noise and refreshed by a key frame — and whole-clip dark, black and blurred, for
the venues in `CLIP_VENUES`, with a shaking mount (a new pose at every frame; each sample is
checked with the burst of frames after it, as the sampler takes them); every other venue adds a
still and a held clip. The
still scenes' noise is on the quiet side of real cameras: vtest's static background differs by
0.8–1.7 grey levels between frames 2 s apart, the synthetic still scenes by 0.1–0.7 after x264.
Quieter still scenes (σ 1.5) are run too and reported without a target: x264 discards most of
such faint noise. Each clip is checked from the file (decode included, one thread) at one
sample per 2 s; FFmpeg is fed the same samples (`fps=1/2`) with the same minimum durations:
blackdetect d = N×interval with the same pixel and picture thresholds, freezedetect
d = freeze_seconds + (N−1)×interval at its default noise (-60 dB); dark against signalstats
YAVG below the dark threshold converted to limited range, N samples in a row; blur against
blurdetect at the threshold that best separates the labelled clips (an oracle, to FFmpeg's
advantage). A black clip is not scored for `frozen` (our rule excludes black; FFmpeg's does not).

Reported per check: recall, precision, and the false-positive rate on the clean controls; the
alignment error against the known rotation and shift; analysis CPU time per 1080p sample (one
thread; with and without the reference alignment); file-to-verdict CPU time, ours and FFmpeg's,
on the same clips.
"""

from __future__ import annotations

import argparse
import json
import math
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from functools import partial
from itertools import pairwise
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

import cv2  # noqa: E402
import degrade  # noqa: E402
import footage_set  # noqa: E402
import numpy as np  # noqa: E402
from numpy.typing import NDArray  # noqa: E402

from frame_checks import Reference, Thresholds, VenueChecker, decode_frame  # noqa: E402
from frame_checks.judge import FLAGS  # noqa: E402
from frame_checks.sources import BURST_FRAMES, BURST_GAP, FileSource  # noqa: E402

Image = NDArray[np.uint8]

OPENCV_DATA = Path("/usr/share/doc/opencv-doc/examples/data")
OPENCV_PHOTOS = (
    "aero1.jpg",
    "aero3.jpg",
    "aloeL.jpg",
    "apple.jpg",
    "baboon.jpg",
    "basketball1.png",
    "board.jpg",
    "box_in_scene.png",
    "building.jpg",
    "butterfly.jpg",
    "fruits.jpg",
    "graf1.png",
    "home.jpg",
    "left.jpg",
    "left01.jpg",
    "leuvenA.jpg",
    "messi5.jpg",
    "orange.jpg",
    "rubberwhale1.png",
    "squirrel_cls.jpg",
    "stuff.jpg",
)
SKIMAGE_PHOTOS = ("astronaut", "camera", "coffee", "chelsea", "rocket", "coins")
CLIP_VENUES = ("vtest", "astronaut", "coffee", "messi5", "home", "left01", "box_in_scene")

WIDTH, HEIGHT = 1920, 1080
WORLD = (2880, 1620)
CENTRE = ((WIDTH - 1) / 2.0, (HEIGHT - 1) / 2.0)
INTERVAL = 2.0
CLIP_FPS = 10
CLIP_SECONDS = 20
CLIP_GOP = 100
NORMAL_LUMA = (70.0, 190.0)
CLIP_SIGMAS = (2.0, 2.5, 3.0)
QUIET_SIGMA = 1.5
MEGAMIND_FRAMES = (40, 120, 200)
NIGHT_LUMA = 50.0

TARGET_RECALL = 0.95
TARGET_FPR = 0.02
TARGET_ROTATION_ERROR = 0.5
TARGET_SHIFT_ERROR = 3.0
TARGET_MS_WITH_REFERENCE = 8.0
TARGET_MS_WITHOUT_REFERENCE = 2.0


# --------------------------------------------------------------------------------------------
# Material


@dataclass
class Venue:
    name: str
    world: Image
    moments: list[Image] = field(default_factory=list)
    """Other moments of real footage (same camera, different content), in world size."""


def missing_material() -> list[str]:
    missing = []
    if not OPENCV_DATA.is_dir():
        missing.append(f"{OPENCV_DATA} (apt-get install -y opencv-doc)")
    else:
        for name in (*OPENCV_PHOTOS, "vtest.avi", "Megamind.avi"):
            if not (OPENCV_DATA / name).is_file():
                missing.append(f"{OPENCV_DATA / name} (opencv-doc)")
    try:
        import skimage.data  # noqa: F401
    except ImportError:
        missing.append("scikit-image (pip install scikit-image)")
    return missing


def to_world(picture: Image) -> Image:
    """Scale to cover the world size and crop its centre."""
    w, h = WORLD
    scale = max(w / picture.shape[1], h / picture.shape[0])
    size = (math.ceil(picture.shape[1] * scale), math.ceil(picture.shape[0] * scale))
    big = cv2.resize(picture, size, interpolation=cv2.INTER_CUBIC)
    y, x = (big.shape[0] - h) // 2, (big.shape[1] - w) // 2
    return np.ascontiguousarray(big[y : y + h, x : x + w])


def luma_mean(picture: Image) -> float:
    return float(cv2.cvtColor(picture, cv2.COLOR_BGR2GRAY).mean())


def read_video(path: Path, indexes: Sequence[int]) -> dict[int, Image]:
    wanted = set(indexes)
    found: dict[int, Image] = {}
    capture = cv2.VideoCapture(str(path))
    index = 0
    while wanted - found.keys():
        ok, frame = capture.read()
        if not ok:
            break
        if index in wanted:
            found[index] = frame
        index += 1
    capture.release()
    return found


def load_venues() -> tuple[list[Venue], list[str], list[Image]]:
    """Normally exposed base pictures as venues; the rest is listed as excluded."""
    import skimage.data

    pictures: list[tuple[str, Image]] = []
    for name in OPENCV_PHOTOS:
        picture = cv2.imread(str(OPENCV_DATA / name), cv2.IMREAD_COLOR)
        if picture is not None:
            pictures.append((Path(name).stem, picture))
    for name in SKIMAGE_PHOTOS:
        array = np.asarray(getattr(skimage.data, name)())
        if array.ndim == 2:
            array = cv2.cvtColor(array, cv2.COLOR_GRAY2BGR)
        else:
            array = cv2.cvtColor(array[:, :, :3], cv2.COLOR_RGB2BGR)
        pictures.append((name, np.ascontiguousarray(array, dtype=np.uint8)))
    venues: list[Venue] = []
    excluded: list[str] = []
    for name, picture in pictures:
        mean = luma_mean(picture)
        if not NORMAL_LUMA[0] <= mean <= NORMAL_LUMA[1]:
            excluded.append(f"{name} (mean luma {mean:.0f}: not normally exposed)")
            continue
        venues.append(Venue(name, to_world(picture)))
    vtest = read_video(OPENCV_DATA / "vtest.avi", (60, 250, 450, 650, 780))
    venues.append(
        Venue("vtest", to_world(vtest[60]), [to_world(vtest[i]) for i in (250, 450, 650, 780)])
    )
    megamind = read_video(OPENCV_DATA / "Megamind.avi", MEGAMIND_FRAMES)
    night = [frame for frame in megamind.values() if luma_mean(frame) < NIGHT_LUMA]
    return venues, excluded, night


# --------------------------------------------------------------------------------------------
# The camera: view, optics, sensor, encoder


@dataclass(frozen=True)
class Pose:
    rotation: float = 0.0
    shift: tuple[float, float] = (0.0, 0.0)
    zoom: float = 1.0


def view(world: Image, pose: Pose) -> Image:
    """The camera's 1920×1080 picture of the world: rotated counter-clockwise by `rotation`
    about the picture's centre, zoomed, and with the centre moved by `shift` (px)."""
    crop = np.array(
        [[1.0, 0.0, -(world.shape[1] - WIDTH) / 2.0], [0.0, 1.0, -(world.shape[0] - HEIGHT) / 2.0]]
    )
    turn = cv2.getRotationMatrix2D(CENTRE, pose.rotation, pose.zoom)
    full = np.vstack([turn, [0.0, 0.0, 1.0]]) @ np.vstack([crop, [0.0, 0.0, 1.0]])
    full[0, 2] += pose.shift[0]
    full[1, 2] += pose.shift[1]
    return cv2.warpAffine(
        world, full[:2], (WIDTH, HEIGHT), flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT
    )


def motion_blur(picture: Image, length: int, angle: float) -> Image:
    kernel = np.zeros((length, length), np.float32)
    kernel[length // 2, :] = 1.0
    centre = ((length - 1) / 2.0, (length - 1) / 2.0)
    kernel = cv2.warpAffine(kernel, cv2.getRotationMatrix2D(centre, angle, 1.0), (length, length))
    return cv2.filter2D(picture, -1, kernel / kernel.sum())


def sensor(picture: Image, sigma: float) -> Image:
    """Fresh Gaussian sensor noise on every channel (OpenCV's generator, seeded in main)."""
    noise = np.empty(picture.shape, np.int16)
    channels = picture.shape[2] if picture.ndim == 3 else 1
    cv2.randn(noise, (0.0,) * channels, (sigma,) * channels)
    return cv2.add(picture.astype(np.int16), noise).clip(0, 255).astype(np.uint8)


def jpeg(picture: Image, quality: int) -> bytes:
    ok, data = cv2.imencode(".jpg", picture, [cv2.IMWRITE_JPEG_QUALITY, quality])
    assert ok
    return data.tobytes()


def posted(picture: Image, rng: np.random.Generator) -> Image:
    """Fresh sensor noise, then a JPEG through the posted-frame decoder."""
    sigma = float(rng.uniform(1.5, 3.0))
    quality = int(rng.integers(75, 93))
    return decode_frame(jpeg(sensor(picture, sigma), quality))


def gain(picture: Image, factor: float) -> Image:
    return cv2.convertScaleAbs(picture, alpha=factor)


def darkened(picture: Image, target: float) -> Image:
    return gain(picture, target / max(luma_mean(picture), 1.0))


def black(kind: str) -> Image:
    frame = np.zeros((HEIGHT, WIDTH, 3), np.uint8)
    if kind == "limited":
        frame[:] = 16
    elif kind == "osd":
        cv2.putText(
            frame, "NO SIGNAL", (760, 560), cv2.FONT_HERSHEY_SIMPLEX, 2.0, (235, 235, 235), 3
        )
    return frame


# --------------------------------------------------------------------------------------------
# Scenes (two posted samples through a fresh checker)

Truth = dict[str, bool | None]


def truth(**flags: bool | None) -> Truth:
    """Every flag false unless given; None: not scored for that flag."""
    values: Truth = dict.fromkeys(FLAGS, False)
    values["frozen"] = None
    values.update(flags)
    return values


@dataclass
class Scene:
    venue: str
    kind: str
    label: str
    truth: Truth
    make: Callable[[np.random.Generator], Image]
    pose: Pose | None = None
    use_reference: bool = True
    samples: int = 2
    """Samples through the checker (a shake shows between samples: three)."""


def scenes_for(venue: Venue, draw: np.random.Generator | None = None) -> list[Scene]:
    """The venue's scenes; with `draw`, also `VQD_DRAWS` scenes of each VQD picture fault,
    their parameters drawn from `degrade`'s realistic ranges."""
    w = venue.world
    base = Pose()
    found: list[Scene] = []

    def add(
        kind: str, label: str, t: Truth, make: Callable[[np.random.Generator], Image], pose: Pose
    ) -> None:
        found.append(Scene(venue.name, kind, label, t, make, pose))

    add("clean", "fresh noise", truth(), lambda rng: view(w, base), base)
    jitter = Pose(rotation=0.25, shift=(4.0, -3.0), zoom=1.004)
    add("clean", "camera jitter", truth(), lambda rng: view(w, jitter), jitter)
    add("clean", "exposure drift", truth(), lambda rng: gain(view(w, base), 0.87), base)
    for i, moment in enumerate(venue.moments):
        add("clean", f"real moment {i + 1}", truth(), lambda rng, m=moment: view(m, base), base)
    for target in (22.0, 32.0, 45.0):
        add(
            "dark",
            f"mean luma {target:.0f}",
            truth(dark=True, blurred=None),
            lambda rng, t=target: darkened(view(w, base), t),
            base,
        )
    for kind in ("zero", "limited", "osd"):
        add(
            "black",
            f"black ({kind})",
            truth(black=True, blurred=None, tilted=None, moved=None),
            lambda rng, k=kind: black(k),
            base,
        )
    for sigma in (4.0, 6.0, 10.0):
        add(
            "blurred",
            f"gaussian σ{sigma:.0f}",
            truth(blurred=True),
            lambda rng, s=sigma: cv2.GaussianBlur(view(w, base), (0, 0), s),
            base,
        )
    for length, angle in ((25, 20.0), (40, 115.0)):
        add(
            "blurred",
            f"motion {length}px",
            truth(blurred=True),
            lambda rng, n=length, a=angle: motion_blur(view(w, base), n, a),
            base,
        )
    for degrees in (2.0, -2.0, 5.0, -5.0, 10.0, -10.0, 15.0, -15.0):
        pose = Pose(rotation=degrees)
        add(
            "tilted",
            f"rotated {degrees:+.0f}°",
            truth(tilted=True),
            lambda rng, p=pose: view(w, p),
            pose,
        )
    for shift in ((70.0, 0.0), (-110.0, 80.0), (0.0, -200.0), (300.0, 150.0)):
        pose = Pose(shift=shift)
        add("moved", f"shifted {shift}", truth(moved=True), lambda rng, p=pose: view(w, p), pose)
    for zoom in (0.88, 1.08, 1.2):
        pose = Pose(zoom=zoom)
        # A zoom-in re-samples the picture: whether it looks softer is not a known truth.
        t = truth(moved=True, blurred=None if zoom > 1 else False)
        add("moved", f"zoom ×{zoom}", t, lambda rng, p=pose: view(w, p), pose)
    if draw is not None:
        found += vqd_scenes(venue, draw)
    return found


VQD_DRAWS = 2
"""Scenes per VQD fault kind and venue, each with its own drawn parameters."""
VQD_TRUTH: dict[str, Truth] = {
    # What a fault makes unknowable is not scored: an over-exposed or veiled picture may look
    # soft; a dark cloth may make the whole picture dark; snow is not blur.
    "overexposed": truth(overexposed=True, blurred=None, low_contrast=None),
    "low_contrast": truth(low_contrast=True, blurred=None),
    "colour_cast": truth(colour_cast=True),
    "noisy": truth(noisy=True),
    "stripes": truth(stripes=True),
    "covered": truth(covered=True, dark=None, blurred=None),
    "no_signal": truth(no_signal=True),
    "shaking": truth(shaking=True, moved=None, tilted=None, blurred=None),
}


def vqd_scenes(venue: Venue, draw: np.random.Generator) -> list[Scene]:
    """The VQD picture faults on the venue's camera, physically modelled (`degrade`), and a
    shaking mount: a new random pose at each of three samples."""
    w = venue.world
    base = Pose()
    found: list[Scene] = []
    for kind, make_fault in degrade.PICTURE_FAULTS.items():
        for _ in range(VQD_DRAWS):
            fault = make_fault(draw)
            found.append(
                Scene(
                    venue.name,
                    kind,
                    fault.label,
                    VQD_TRUTH[kind],
                    lambda rng, f=fault: f.apply(view(w, base), rng),
                    base,
                )
            )
    for _ in range(VQD_DRAWS):
        mount = degrade.shake(draw)

        def shaken(rng: np.random.Generator, m: degrade.Shake = mount) -> Image:
            dx, dy, turn = m.pose(rng, WIDTH)
            return view(w, Pose(rotation=turn, shift=(dx, dy)))

        found.append(
            Scene(
                venue.name,
                "shaking",
                f"shaking ±{mount.amplitude:.0f} px ±{mount.rotation:.1f}°",
                VQD_TRUTH["shaking"],
                shaken,
                None,
                samples=3,
            )
        )
    return found


def megamind_scenes(frames: list[Image]) -> list[Scene]:
    """Real night footage (the whole original frame's mean luma below `NIGHT_LUMA`), shown
    whole at 1080p: dark by its own exposure; judged without a reference."""
    return [
        Scene(
            "Megamind",
            "dark",
            f"real night scene {i + 1}",
            truth(dark=True, blurred=None, tilted=None, moved=None),
            lambda rng, f=frame: cv2.resize(f, (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC),
            None,
            use_reference=False,
        )
        for i, frame in enumerate(frames)
    ]


@dataclass
class SceneResult:
    scene: Scene
    flags: frozenset[str]
    sample_hits: list[frozenset[str]]
    rotation: float | None
    shift: tuple[float, float] | None
    scale: float | None
    frames: list[Image]
    metrics: list[dict[str, object]]
    alignment: str | None = None
    """The last sample's alignment status."""


def dump(path: Path, results: list[SceneResult]) -> None:
    with path.open("w", encoding="utf-8") as out:
        for result in results:
            for index, (metrics, hits) in enumerate(
                zip(result.metrics, result.sample_hits, strict=True)
            ):
                line = {
                    "venue": result.scene.venue,
                    "kind": result.scene.kind,
                    "label": result.scene.label,
                    "truth": result.scene.truth,
                    "sample": index,
                    "hits": sorted(hits),
                    "metrics": metrics,
                }
                out.write(json.dumps(line, ensure_ascii=False) + "\n")


def run_scene(scene: Scene, reference: Reference | None, rng: np.random.Generator) -> SceneResult:
    checker = VenueChecker(reference=reference if scene.use_reference else None)
    hits: list[frozenset[str]] = []
    frames: list[Image] = []
    metrics: list[dict[str, object]] = []
    result = None
    for i in range(scene.samples):
        frame = posted(scene.make(rng), rng)
        frames.append(frame)
        result = checker.check(frame, at=INTERVAL * i)
        hits.append(frozenset(result.hits))
        metrics.append(dict(result.metrics))
    assert result is not None
    alignment = result.measurement.alignment
    ok = alignment is not None and alignment.status == "ok"
    return SceneResult(
        scene,
        result.active,
        hits,
        alignment.rotation_deg if ok and alignment else None,
        (alignment.shift_x_px or 0.0, alignment.shift_y_px or 0.0) if ok and alignment else None,
        alignment.scale if ok and alignment else None,
        frames,
        metrics,
        alignment.status if alignment else None,
    )


# --------------------------------------------------------------------------------------------
# Clips


@dataclass
class Clip:
    venue: str
    kind: str
    label: str
    truth: Truth
    path: Path
    reference: Reference


def clip_truth(**flags: bool | None) -> Truth:
    values: Truth = dict.fromkeys(FLAGS, False)
    values.update(flags)
    return values


def encode_clip(path: Path, frames: Iterator[Image]) -> None:
    command = [
        "ffmpeg", "-v", "error", "-y", "-f", "rawvideo", "-pix_fmt", "bgr24",
        "-s", f"{WIDTH}x{HEIGHT}", "-r", str(CLIP_FPS), "-i", "-",
        "-c:v", "libx264", "-preset", "veryfast", "-crf", "23", "-g", str(CLIP_GOP),
        "-pix_fmt", "yuv420p", str(path),
    ]  # fmt: skip
    process = subprocess.Popen(command, stdin=subprocess.PIPE)
    assert process.stdin is not None
    try:
        for frame in frames:
            process.stdin.write(frame.tobytes())
    finally:
        process.stdin.close()
        if process.wait(timeout=600) != 0:
            raise RuntimeError(f"ffmpeg could not encode {path}")


def noisy(picture: Image, rng: np.random.Generator, sigma: float) -> Iterator[Image]:
    """A still scene: the same picture with fresh sensor noise in every frame."""
    for _ in range(CLIP_FPS * CLIP_SECONDS):
        yield sensor(picture, sigma)


def footage(start: int) -> Iterator[Image]:
    """Real CCTV footage (vtest.avi, 10 fps) from frame `start`, as the venue's camera."""
    capture = cv2.VideoCapture(str(OPENCV_DATA / "vtest.avi"))
    index = 0
    try:
        while index < start + CLIP_FPS * CLIP_SECONDS:
            ok, frame = capture.read()
            if not ok:
                return
            if index >= start:
                yield view(to_world(frame), Pose())
            index += 1
    finally:
        capture.release()


def shaken(
    venue: Venue, mount: degrade.Shake, rng: np.random.Generator, sigma: float
) -> Iterator[Image]:
    """The venue's camera on a shaking mount: a new small shift and turn at every frame (real
    motion for vtest, fresh sensor noise for a still scene)."""
    moments = [venue.world, *venue.moments]
    for index in range(CLIP_FPS * CLIP_SECONDS):
        dx, dy, turn = mount.pose(rng, WIDTH)
        world = moments[(index // (CLIP_FPS * 4)) % len(moments)]
        yield sensor(view(world, Pose(rotation=turn, shift=(dx, dy))), sigma)


def held(frames: Iterator[Image], live_seconds: float = 4.0) -> Iterator[Image]:
    """Live for a while, then the last live frame is fed to the encoder again and again."""
    last: Image | None = None
    for index, frame in enumerate(frames):
        if index < live_seconds * CLIP_FPS:
            last = frame
        assert last is not None
        yield last


ClipPlan = tuple[str, str, Truth, Callable[[], Iterator[Image]]]


def freeze_plans(still: Image, rng: np.random.Generator, sigma: float) -> list[ClipPlan]:
    """The pair every other venue contributes to the frozen check."""
    return [
        ("clean", f"still, fresh noise σ{sigma}", clip_truth(), partial(noisy, still, rng, sigma)),
        (
            "frozen",
            "held frame",
            clip_truth(frozen=True),
            lambda: held(noisy(still, rng, sigma)),
        ),
    ]


def clip_plans(
    venue: Venue, still: Image, rng: np.random.Generator, sigma: float
) -> list[ClipPlan]:
    plans: list[ClipPlan] = []
    if venue.name == "vtest":
        for start in (0, 200, 400):
            plans.append(
                ("clean", f"real motion from frame {start}", clip_truth(), partial(footage, start))
            )
        plans.append(("frozen", "held frame", clip_truth(frozen=True), lambda: held(footage(100))))
    else:
        plans.append(
            (
                "clean",
                f"still, fresh noise σ{sigma}",
                clip_truth(),
                partial(noisy, still, rng, sigma),
            )
        )
        plans.append(
            (
                "quiet",
                f"still, fresh noise σ{QUIET_SIGMA} (below the calibrated range)",
                clip_truth(frozen=None),
                partial(noisy, still, rng, QUIET_SIGMA),
            )
        )
        plans.append(
            (
                "frozen",
                "held frame",
                clip_truth(frozen=True),
                lambda: held(noisy(still, rng, sigma)),
            )
        )
    plans.append(
        (
            "dark",
            "dark (mean luma 32)",
            clip_truth(dark=True, blurred=None),
            partial(noisy, darkened(still, 32.0), rng, sigma),
        )
    )
    plans.append(
        (
            "black",
            "black (limited range)",
            clip_truth(black=True, frozen=None, blurred=None, tilted=None, moved=None),
            partial(noisy, black("limited"), rng, 2.0),
        )
    )
    mount = degrade.shake(rng)
    plans.append(
        (
            "shaking",
            f"shaking mount ±{mount.amplitude:.0f} px ±{mount.rotation:.1f}°",
            clip_truth(shaking=True, moved=None, tilted=None, blurred=None, frozen=None),
            partial(shaken, venue, mount, rng, sigma),
        )
    )
    plans.append(
        (
            "blurred",
            "gaussian σ6",
            clip_truth(blurred=True),
            partial(noisy, cv2.GaussianBlur(still, (0, 0), 6.0), rng, sigma),
        )
    )
    return plans


def make_clips(
    venues: list[Venue], folder: Path, rng: np.random.Generator, quick: bool
) -> list[Clip]:
    """Every degradation for the venues in `CLIP_VENUES`; a still and a held clip for the
    others, so that the frozen check has enough of both."""
    clips: list[Clip] = []
    full = [v for v in venues if v.name in CLIP_VENUES]
    pairs = [v for v in venues if v.name not in CLIP_VENUES]
    if quick:
        full, pairs = full[:3], pairs[:3]
    for index, venue in enumerate(full + pairs):
        sigma = CLIP_SIGMAS[index % len(CLIP_SIGMAS)]
        still = view(venue.world, Pose())
        reference = Reference.from_frame(sensor(still, sigma))
        plans = (
            clip_plans(venue, still, rng, sigma)
            if venue in full
            else freeze_plans(still, rng, sigma)
        )
        for kind, label, t, frames in plans:
            slug = re.sub(r"[^a-z0-9]+", "-", f"{venue.name}-{label}".lower()).strip("-")
            path = folder / f"{slug}.mp4"
            encode_clip(path, frames())
            clips.append(Clip(venue.name, kind, label, t, path, reference))
    return clips


@dataclass
class ClipResult:
    clip: Clip
    flags: frozenset[str]
    samples: int
    cpu: float
    wall: float
    fine_differences: list[tuple[float, float]] = field(default_factory=list)
    """(stream time, full-resolution difference from the base) of the samples with no motion."""


def vtest_background_noise() -> float:
    """Median difference (grey levels) of vtest.avi's static lawn between frames 2 s apart."""
    capture = cv2.VideoCapture(str(OPENCV_DATA / "vtest.avi"))
    lawn: list[NDArray[np.float32]] = []
    index = 0
    while True:
        ok, frame = capture.read()
        if not ok:
            break
        if index % 20 == 0:
            grey = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
            lawn.append(grey[430:570, 0:260].astype(np.float32))
        index += 1
    capture.release()
    return float(np.median([np.abs(a - b).mean() for a, b in pairwise(lawn)]))


def check_clip(clip: Clip) -> ClipResult:
    checker = VenueChecker(reference=clip.reference)
    raised: set[str] = set()
    fine: list[tuple[float, float]] = []
    samples = 0
    cpu0, wall0 = time.process_time(), time.perf_counter()
    source = FileSource(clip.path)
    source.open()
    try:
        for frame in source.frames(interval=INTERVAL, burst=BURST_FRAMES):
            result = checker.check(frame.image, at=frame.at, pts=frame.pts, burst=frame.burst)
            raised |= result.active
            samples += 1
            change = result.motion.change
            if change is not None and result.motion.stillness != "moving":
                fine.append((frame.at, change.fine_mad))
    finally:
        source.close()
    return ClipResult(
        clip,
        frozenset(raised),
        samples,
        time.process_time() - cpu0,
        time.perf_counter() - wall0,
        fine,
    )


# --------------------------------------------------------------------------------------------
# FFmpeg beside us


@dataclass
class FfmpegResult:
    black: bool
    frozen: bool
    yavg: list[float]
    blur: list[float]
    cpu_detect: float
    wall_detect: float
    cpu_all: float
    wall_all: float


@contextmanager
def child_cpu() -> Iterator[list[float]]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    box: list[float] = []
    yield box
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    box.append((after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime))


def run_ffmpeg(clip: Path, filters: str, metadata: Path | None = None) -> tuple[str, float, float]:
    command = [
        "ffmpeg", "-hide_banner", "-nostats", "-v", "info", "-threads", "1",
        "-filter_threads", "1", "-i", str(clip), "-an", "-vf", filters, "-f", "null", "-",
    ]  # fmt: skip
    wall0 = time.perf_counter()
    with child_cpu() as cpu:
        done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"ffmpeg failed on {clip}: {done.stderr[-400:]}")
    return done.stderr, cpu[0], time.perf_counter() - wall0


def ffmpeg_clip(clip: Clip, thresholds: Thresholds, folder: Path) -> FfmpegResult:
    n = thresholds.raise_after
    black_d = n * INTERVAL
    freeze_d = thresholds.freeze_seconds + (n - 1) * INTERVAL
    pix_th = thresholds.black_level / 255.0
    detect = (
        f"fps=fps=1/{INTERVAL:g},"
        f"blackdetect=d={black_d:g}:pix_th={pix_th:.4f}:pic_th={thresholds.black_share:g},"
        f"freezedetect=n=-60dB:d={freeze_d:g}"
    )
    log, cpu_detect, wall_detect = run_ffmpeg(clip.path, detect)
    metadata = folder / (clip.path.stem + ".meta.txt")
    everything = f"{detect},signalstats,blurdetect,metadata=mode=print:file={metadata.as_posix()}"
    _, cpu_all, wall_all = run_ffmpeg(clip.path, everything)
    text = metadata.read_text(encoding="utf-8", errors="replace")
    yavg = [float(v) for v in re.findall(r"lavfi\.signalstats\.YAVG=([\d.]+)", text)]
    blur = [float(v) for v in re.findall(r"lavfi\.blur=([\d.]+)", text)]
    return FfmpegResult(
        black="black_start" in log,
        frozen="freeze_start" in log,
        yavg=yavg,
        blur=blur,
        cpu_detect=cpu_detect,
        wall_detect=wall_detect,
        cpu_all=cpu_all,
        wall_all=wall_all,
    )


def runs(values: Sequence[bool], n: int) -> bool:
    """N hits in a row somewhere in the series."""
    streak = 0
    for value in values:
        streak = streak + 1 if value else 0
        if streak >= n:
            return True
    return False


# --------------------------------------------------------------------------------------------
# Scoring and the report


@dataclass
class Tally:
    positives: int = 0
    true_positives: int = 0
    flagged_negatives: int = 0
    negatives: int = 0
    clean: int = 0
    clean_flagged: int = 0

    def add(self, expected: bool | None, got: bool, *, clean: bool) -> None:
        if expected is None:
            return
        if expected:
            self.positives += 1
            self.true_positives += int(got)
        else:
            self.negatives += 1
            self.flagged_negatives += int(got)
            if clean:
                self.clean += 1
                self.clean_flagged += int(got)

    @property
    def recall(self) -> float:
        return self.true_positives / self.positives if self.positives else float("nan")

    @property
    def precision(self) -> float:
        flagged = self.true_positives + self.flagged_negatives
        return self.true_positives / flagged if flagged else float("nan")

    @property
    def fpr(self) -> float:
        return self.clean_flagged / self.clean if self.clean else float("nan")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True))
    body = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) for row in rows]
    return "\n".join([line, "  ".join("-" * w for w in widths), *body])


def fmt(value: float, digits: int = 3) -> str:
    return "—" if math.isnan(value) else f"{value:.{digits}f}"


def time_analysis(
    frames: dict[str, list[Image]], references: dict[str, Reference] | None, repeat: int = 3
) -> float:
    """Mean CPU milliseconds (this thread) per sample through `VenueChecker.check`, each venue's
    samples against its own reference (or none); the best of `repeat` rounds."""
    count = sum(len(samples) for samples in frames.values())
    best = math.inf
    for _ in range(repeat):
        checkers = {
            venue: VenueChecker(reference=references[venue] if references else None)
            for venue in frames
        }
        start = time.thread_time()
        for venue, samples in frames.items():
            for i, frame in enumerate(samples):
                checkers[venue].check(frame, at=INTERVAL * i)
        best = min(best, (time.thread_time() - start) / count * 1000.0)
    return best


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer venues and clips")
    parser.add_argument("--seed", type=int, default=20190305)
    parser.add_argument("--keep", metavar="DIR", help="keep the clips in DIR")
    parser.add_argument("--scenes-only", action="store_true", help="skip the clips and FFmpeg")
    parser.add_argument(
        "--set",
        choices=("both", "photos", "footage"),
        default="both",
        help="photos: the first set (tuning material); footage: the second, evaluation only",
    )
    parser.add_argument(
        "--dump", metavar="FILE", help="write every scene sample's metrics (JSON lines)"
    )
    parser.add_argument(
        "--per-kind",
        type=int,
        default=footage_set.PER_KIND,
        help="second set: fault clips per kind (--quick: one)",
    )
    args = parser.parse_args(argv)

    missing = missing_material()
    if missing:
        print("Missing material — install it and run again:", file=sys.stderr)
        for item in missing:
            print(f"  - {item}", file=sys.stderr)
        return 2
    have_ffmpeg = shutil.which("ffmpeg") is not None
    if args.scenes_only:
        have_ffmpeg = False
    elif not have_ffmpeg:
        print(
            "ffmpeg not found (apt-get install -y ffmpeg): the clips and the FFmpeg comparison "
            "are skipped.",
            file=sys.stderr,
        )

    cv2.setNumThreads(1)
    cv2.setRNGSeed(args.seed)
    rng = np.random.default_rng(args.seed)
    thresholds = Thresholds()
    started = time.perf_counter()

    if args.set == "footage":
        run_footage(args, thresholds)
        print(f"\n(total run time {time.perf_counter() - started:.0f} s)")
        return 0

    venues, excluded, megamind = load_venues()
    if args.quick:
        venues = [v for v in venues if v.name in CLIP_VENUES][:4] + venues[:4]
    print(f"venues: {len(venues)} ({', '.join(v.name for v in venues)})")
    if excluded:
        print(f"excluded base pictures: {', '.join(excluded)}")

    # Scenes --------------------------------------------------------------------------------
    scene_results: list[SceneResult] = []
    references: dict[str, Reference] = {}
    draw = np.random.default_rng(args.seed + 1)
    for venue in venues:
        reference = Reference.from_frame(posted(view(venue.world, Pose()), rng))
        references[venue.name] = reference
        for scene in scenes_for(venue, draw):
            scene_results.append(run_scene(scene, reference, rng))
    for scene in megamind_scenes(megamind):
        scene_results.append(run_scene(scene, None, rng))
    print(f"scenes: {len(scene_results)} ({2 * len(scene_results)} samples)")
    if args.dump:
        dump(Path(args.dump), scene_results)

    # Clips ---------------------------------------------------------------------------------
    clip_results: list[ClipResult] = []
    ffmpeg_results: list[FfmpegResult] = []
    with ExitStack() as stack:
        if args.keep:
            folder = Path(args.keep)
            folder.mkdir(parents=True, exist_ok=True)
        else:
            scratch = tempfile.TemporaryDirectory(prefix="vcwatch-frame-checks-")
            folder = Path(stack.enter_context(scratch))
        if have_ffmpeg:
            clips = make_clips(venues, folder, rng, args.quick)
            for clip in clips:
                clip_results.append(check_clip(clip))
                ffmpeg_results.append(ffmpeg_clip(clip, thresholds, folder))
            print(f"clips: {len(clips)} ({sum(r.samples for r in clip_results)} samples)")
        report(scene_results, references, clip_results, ffmpeg_results, thresholds)
    if args.set == "both" and have_ffmpeg:
        run_footage(args, thresholds)
    print(f"\n(total run time {time.perf_counter() - started:.0f} s)")
    return 0


def run_footage(args: argparse.Namespace, thresholds: Thresholds) -> None:
    """The second set (`footage_set`): evaluation only, never tuned on."""
    print(
        "\n== Second set: continuous real footage (vtest.avi), evaluation only — thresholds were "
        "tuned on the first set and the unit tests' frames, never on this set"
    )
    recording = footage_set.read_vtest()
    with ExitStack() as stack:
        if args.keep:
            folder = Path(args.keep) / "footage"
            folder.mkdir(parents=True, exist_ok=True)
        else:
            scratch = tempfile.TemporaryDirectory(prefix="vcwatch-footage-")
            folder = Path(stack.enter_context(scratch))
        clips = footage_set.build_clips(recording, folder, quick=args.quick, per_kind=args.per_kind)
        # the reference: another moment of the recording (other people, other places)
        reference = Reference.from_frame(footage_set.camera(recording[400]))
        runs = [footage_set.check_clip(clip, reference) for clip in clips]
        for run in runs:
            footage_set.ffmpeg_verdicts(run, thresholds, run_ffmpeg, folder)
        # the sampler's default: no bursts, a shake measured between samples
        plain = [footage_set.check_clip(clip, reference, burst=0) for clip in clips]
        for alone, run in zip(plain, runs, strict=True):
            alone.ffmpeg = run.ffmpeg  # the same sample moments
    samples = sum(len(r.samples) for r in runs)
    print(f"clips: {len(clips)} ({samples} samples at {footage_set.INTERVAL:g} s)")
    for title, these in (
        (f"with a burst of {BURST_FRAMES} frames {BURST_GAP:g} s apart after each sample", runs),
        ("the sampler's default: no bursts (a shake is measured between samples)", plain),
    ):
        print(f"\n{title}")
        footage_table(these)
    print(
        "agree FFmpeg: per-sample agreement with freezedetect / blackdetect (flag state) and "
        "signalstats (single-sample judgement) on the same 2-s samples; — where FFmpeg has no filter"
    )
    ours = sum(r.cpu for r in runs) / samples * 1000.0
    theirs = sum(r.ffmpeg_cpu for r in runs) / samples * 1000.0
    print(
        f"file to verdict, 720p, CPU ms per sample (decode of every frame included): ours "
        f"{ours:.1f} (all video kinds, alignment), FFmpeg {theirs:.1f} (blackdetect, "
        "freezedetect, signalstats)"
    )
    hd = footage_set.time_hd(recording)
    print(
        f"analysis per 1080p sample, one core, alignment and every video kind: {hd:.2f} ms "
        f"(target ≤ {TARGET_MS_WITH_REFERENCE:g}) {verdict(hd <= TARGET_MS_WITH_REFERENCE)}"
    )


def footage_table(runs: Sequence[footage_set.ClipRun]) -> None:
    scores = footage_set.score(runs)
    rows = []
    for kind in FLAGS:
        k = scores[kind]
        ok = k.recall() >= TARGET_RECALL and k.fpr() <= TARGET_FPR
        rows.append(
            [kind, str(k.segments), str(k.clean), fmt(k.recall()), fmt(k.precision()),
             fmt(k.fpr()), fmt(k.agreement()) if k.compared else "—", verdict(ok)]
        )  # fmt: skip
    print(
        table(
            ["kind", "faults", "clean", "recall", "precision", "FPR", "agree FFmpeg", "target"],
            rows,
        )
    )
    wrong = footage_set.wrong_clips(runs)
    if wrong:
        print(f"clips with a missed fault or a wrong raise ({len(wrong)}):")
        print("\n".join(f"  {line}" for line in wrong))


def report(
    scene_results: list[SceneResult],
    references: dict[str, Reference],
    clip_results: list[ClipResult],
    ffmpeg_results: list[FfmpegResult],
    thresholds: Thresholds,
) -> None:
    tallies = {flag: Tally() for flag in FLAGS}
    sample_tallies = {flag: Tally() for flag in FLAGS}
    for result in scene_results:
        clean = result.scene.kind == "clean"
        for flag in FLAGS:
            expected = result.scene.truth[flag]
            tallies[flag].add(expected, flag in result.flags, clean=clean)
            for hits in result.sample_hits:
                sample_tallies[flag].add(expected, flag in hits, clean=clean)
    for result in clip_results:
        clean = result.clip.kind == "clean"
        for flag in FLAGS:
            tallies[flag].add(result.clip.truth[flag], flag in result.flags, clean=clean)

    print("\n== Checks: scenes (verdict after the N-hits rule) and clips, against known truth")
    rows = []
    for flag in FLAGS:
        t = tallies[flag]
        ok = t.recall >= TARGET_RECALL and t.fpr <= TARGET_FPR
        rows.append(
            [
                flag,
                str(t.positives),
                str(t.negatives),
                str(t.clean),
                fmt(t.recall),
                fmt(t.precision),
                fmt(t.fpr),
                verdict(ok) if t.positives else "—",  # frozen: clips only
            ]
        )
    print(
        table(
            ["check", "positives", "negatives", "clean", "recall", "precision", "FPR(clean)", ""],
            rows,
        )
    )
    print(
        f"targets: recall ≥ {TARGET_RECALL}, false-positive rate on clean controls ≤ {TARGET_FPR}"
    )

    print("\n== Per sample (single hits, before the N-hits rule), scenes only")
    rows = [
        [flag, fmt(t.recall), fmt(t.precision), fmt(t.fpr)]
        for flag, t in sample_tallies.items()
        if t.positives
    ]
    print(table(["check", "recall", "precision", "FPR(clean)"], rows))

    misses = [
        f"  {r.scene.venue}: {r.scene.label} → {sorted(r.flags)}"
        for r in scene_results
        if any(
            (r.scene.truth[f] is True and f not in r.flags)
            or (r.scene.truth[f] is False and f in r.flags)
            for f in FLAGS
        )
    ]
    misses += [
        f"  clip {r.clip.venue}: {r.clip.label} → {sorted(r.flags)}"
        for r in clip_results
        if any(
            (r.clip.truth[f] is True and f not in r.flags)
            or (r.clip.truth[f] is False and f in r.flags)
            for f in FLAGS
        )
    ]
    if misses:
        print(f"\nwrong verdicts ({len(misses)}):")
        print("\n".join(misses[:40]))

    # Geometry accuracy -------------------------------------------------------------------
    rotation_errors: list[float] = []
    shift_errors: list[float] = []
    scale_errors: list[float] = []
    not_aligned: Counter[str] = Counter()
    for result in scene_results:
        pose = result.scene.pose
        if pose is None or result.scene.kind not in ("clean", "tilted", "moved"):
            continue
        if result.scene.label.startswith("real moment"):
            continue
        if result.rotation is None or result.shift is None or result.scale is None:
            not_aligned[result.alignment or "none"] += 1
            continue
        rotation_errors.append(abs(result.rotation - pose.rotation))
        shift_errors.append(
            math.hypot(result.shift[0] - pose.shift[0], result.shift[1] - pose.shift[1])
        )
        scale_errors.append(abs(result.scale - pose.zoom))
    print("\n== Alignment against the reference (clean, tilted and moved scenes, 1080p)")
    if rotation_errors:
        p95 = lambda v: float(np.percentile(v, 95))  # noqa: E731
        rows = [
            [
                "rotation error (°)",
                fmt(statistics.mean(rotation_errors)),
                fmt(p95(rotation_errors)),
                fmt(max(rotation_errors)),
                f"≤ {TARGET_ROTATION_ERROR}",
                verdict(max(rotation_errors) <= TARGET_ROTATION_ERROR),
            ],
            [
                "shift error (px)",
                fmt(statistics.mean(shift_errors), 2),
                fmt(p95(shift_errors), 2),
                fmt(max(shift_errors), 2),
                f"≤ {TARGET_SHIFT_ERROR}",
                verdict(max(shift_errors) <= TARGET_SHIFT_ERROR),
            ],
            [
                "scale error",
                fmt(statistics.mean(scale_errors), 4),
                fmt(p95(scale_errors), 4),
                fmt(max(scale_errors), 4),
                "",
                "",
            ],
        ]
        print(table(["", "mean", "p95", "max", "target", ""], rows))
    left = sum(not_aligned.values())
    statuses = ", ".join(f"{status} {count}" for status, count in sorted(not_aligned.items()))
    print(
        f"errors of the {len(rotation_errors)} accepted alignments; not accepted: {left} of "
        f"{left + len(rotation_errors)}"
        + (f" ({statuses}: their verdicts are in the tilted and moved rows above)" if left else "")
    )

    # Without a reference ---------------------------------------------------------------------
    print("\n== Without a reference (weak hints, no target): the same scenes, first sample")
    hint = {flag: Tally() for flag in ("blurred", "tilted")}
    for result in scene_results:
        if not result.scene.use_reference:
            continue
        checker = VenueChecker()
        sample = checker.check(result.frames[0], at=0.0)
        clean = result.scene.kind == "clean"
        for flag, tally in hint.items():
            tally.add(result.scene.truth[flag], flag in sample.hits, clean=clean)
    rows = [
        [f"{flag} ({'absolute sharpness' if flag == 'blurred' else 'line angle'})",
         fmt(t.recall), fmt(t.precision), fmt(t.fpr)]
        for flag, t in hint.items()
    ]  # fmt: skip
    print(table(["check", "recall", "precision", "FPR(clean)"], rows))

    # Speed ---------------------------------------------------------------------------------
    frames: dict[str, list[Image]] = {}
    for result in scene_results:
        if result.scene.venue in references:
            frames.setdefault(result.scene.venue, []).append(result.frames[1])
    with_reference = time_analysis(frames, references)
    without_reference = time_analysis(frames, None)
    print(
        f"\n== Analysis speed, {sum(map(len, frames.values()))} samples of 1920×1080 (every scene "
        "of every venue), one thread (CPU time)"
    )
    rows = [
        [
            "with reference alignment",
            f"{with_reference:.2f}",
            f"{1000 / with_reference:.0f}",
            f"≤ {TARGET_MS_WITH_REFERENCE}",
            verdict(with_reference <= TARGET_MS_WITH_REFERENCE),
        ],
        [
            "without reference",
            f"{without_reference:.2f}",
            f"{1000 / without_reference:.0f}",
            f"≤ {TARGET_MS_WITHOUT_REFERENCE}",
            verdict(without_reference <= TARGET_MS_WITHOUT_REFERENCE),
        ],
    ]
    print(table(["", "ms/sample", "samples/s/core", "target ms", ""], rows))

    if not clip_results:
        return
    report_ffmpeg(clip_results, ffmpeg_results, thresholds)


def report_ffmpeg(
    clip_results: list[ClipResult], ffmpeg_results: list[FfmpegResult], thresholds: Thresholds
) -> None:
    n = thresholds.raise_after
    dark_limited = 16.0 + thresholds.dark_luma * 219.0 / 255.0
    ffmpeg_dark = [
        runs([y < dark_limited for y in f.yavg], n) and not f.black for f in ffmpeg_results
    ]
    # blurdetect has no threshold of its own: take the one that best separates the labelled
    # clips (an oracle, which favours FFmpeg).
    labelled = [
        (r.clip.truth["blurred"], f.blur)
        for r, f in zip(clip_results, ffmpeg_results, strict=True)
        if r.clip.truth["blurred"] is not None
    ]
    candidates = sorted({v for _, values in labelled for v in values})
    best_threshold, best_score = 0.0, -1.0
    for candidate in candidates:
        tp = sum(
            1 for truth_, values in labelled if truth_ and runs([v >= candidate for v in values], n)
        )
        fp = sum(
            1
            for truth_, values in labelled
            if not truth_ and runs([v >= candidate for v in values], n)
        )
        positives = sum(1 for truth_, _ in labelled if truth_) or 1
        negatives = sum(1 for truth_, _ in labelled if not truth_) or 1
        score = tp / positives - fp / negatives
        if score > best_score:
            best_threshold, best_score = candidate, score
    ffmpeg_blur = [runs([v >= best_threshold for v in f.blur], n) for f in ffmpeg_results]
    theirs = {
        "black": [f.black for f in ffmpeg_results],
        "frozen": [f.frozen for f in ffmpeg_results],
        "dark": ffmpeg_dark,
        "blurred": ffmpeg_blur,
    }
    print("\n== Side by side with FFmpeg on the same clips and samples (clip verdicts)")
    print(
        f"FFmpeg: fps=1/{INTERVAL:g}; blackdetect d={n * INTERVAL:g} pix_th="
        f"{thresholds.black_level / 255:.3f} pic_th={thresholds.black_share}; freezedetect "
        f"n=-60dB d={thresholds.freeze_seconds + (n - 1) * INTERVAL:g}; dark = signalstats YAVG "
        f"< {dark_limited:.1f} (limited range) {n}× in a row; blur = blurdetect ≥ "
        f"{best_threshold:.3f} {n}× in a row (oracle threshold)"
    )
    rows = []
    for flag, verdicts in theirs.items():
        ours_tally, theirs_tally = Tally(), Tally()
        agree = 0
        scored = 0
        for result, their in zip(clip_results, verdicts, strict=True):
            expected = result.clip.truth[flag]
            clean = result.clip.kind == "clean"
            ours = flag in result.flags
            ours_tally.add(expected, ours, clean=clean)
            theirs_tally.add(expected, their, clean=clean)
            if expected is not None:
                scored += 1
                agree += int(ours == their)
        rows.append(
            [
                flag,
                str(scored),
                f"{agree}/{scored}",
                fmt(ours_tally.recall),
                fmt(ours_tally.fpr),
                fmt(theirs_tally.recall),
                fmt(theirs_tally.fpr),
            ]
        )
    print(
        table(
            ["check", "clips", "agreement", "our recall", "our FPR", "FFmpeg recall", "FFmpeg FPR"],
            rows,
        )
    )
    disagreements = [
        f"  {r.clip.venue}: {r.clip.label}: {flag} ours={flag in r.flags}"
        f" ffmpeg={verdicts[i]} truth={r.clip.truth[flag]}"
        for flag, verdicts in theirs.items()
        for i, r in enumerate(clip_results)
        if r.clip.truth[flag] is not None and (flag in r.flags) != verdicts[i]
    ]
    if disagreements:
        print("disagreements:")
        print("\n".join(disagreements[:30]))

    def differences(kind: str, *, after: float = 0.0) -> list[float]:
        return [
            value
            for r in clip_results
            if r.clip.kind == kind and r.clip.venue != "vtest"
            for at, value in r.fine_differences
            if at >= after
        ]

    def percentiles(values: list[float], *points: int) -> str:
        if not values:
            return "—"
        return "/".join(f"{np.percentile(values, p):.3f}" for p in points)

    print(
        f"\nfreeze noise floor: threshold {thresholds.freeze_noise * 255:.3f} grey levels. "
        "Full-resolution difference from the last base, samples without motion — held frames "
        f"once held (median/90th percentile): {percentiles(differences('frozen', after=6.0), 50, 90)}"
        f"; still scenes σ{CLIP_SIGMAS[0]}–{CLIP_SIGMAS[-1]} (5th percentile/median): "
        f"{percentiles(differences('clean'), 5, 50)}; σ{QUIET_SIGMA}: "
        f"{percentiles(differences('quiet'), 5, 50)}; a real camera (vtest.avi's static lawn, "
        f"frames 2 s apart, median): {vtest_background_noise():.2f}"
    )

    quiet = [r for r in clip_results if r.clip.kind == "quiet"]
    if quiet:
        flagged = sum(1 for r in quiet if "frozen" in r.flags)
        print(
            f"\nstill scenes quieter than calibrated (σ{QUIET_SIGMA}, no target): frozen raised on "
            f"{flagged} of {len(quiet)} — the encoder discards most of such faint noise, and only "
            "the stream's timestamps could tell them from a held frame"
        )

    ours_cpu = sum(r.cpu for r in clip_results)
    ours_wall = sum(r.wall for r in clip_results)
    detect_cpu = sum(f.cpu_detect for f in ffmpeg_results)
    detect_wall = sum(f.wall_detect for f in ffmpeg_results)
    all_cpu = sum(f.cpu_all for f in ffmpeg_results)
    all_wall = sum(f.wall_all for f in ffmpeg_results)
    samples = sum(r.samples for r in clip_results)
    print(
        f"\n== File to verdict, {len(clip_results)} clips of {CLIP_SECONDS} s at {CLIP_FPS} fps "
        f"(1080p H.264, decode on one thread), {samples} samples"
    )
    rows = [
        ["ours: all six checks (+ reference alignment)", f"{ours_cpu:.2f}", f"{ours_wall:.2f}", "1.00", ""],
        [
            "FFmpeg: blackdetect + freezedetect",
            f"{detect_cpu:.2f}",
            f"{detect_wall:.2f}",
            f"{detect_cpu / ours_cpu:.2f}",
            verdict(detect_cpu >= ours_cpu),
        ],
        [
            "FFmpeg: + signalstats + blurdetect",
            f"{all_cpu:.2f}",
            f"{all_wall:.2f}",
            f"{all_cpu / ours_cpu:.2f}",
            verdict(all_cpu >= ours_cpu),
        ],
    ]  # fmt: skip
    print(table(["pipeline", "CPU s", "wall s", "speed ratio (their CPU / ours)", ""], rows))
    print("target: ours at least as fast as FFmpeg with the same sampling (ratio ≥ 1.00)")


if __name__ == "__main__":
    raise SystemExit(main())
