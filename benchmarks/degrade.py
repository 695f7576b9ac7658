"""Physically motivated picture faults for the benchmark sets, with their parameters drawn over
realistic ranges (never one fixed value), so that a set is not built from the constants the
checks are tuned on.

Every fault acts on a BGR picture the way the fault acts on a camera: exposure and white
balance in linear light (sRGB decoded, scaled, clipped at the sensor's full well, encoded
again); haze or a washed-out encoder as the atmospheric-scattering model (the scene seen
through a veil of light: contrast compressed, black lifted); snow as Gaussian noise at a given
signal-to-noise ratio with impulse noise on top; interference as horizontal bars that roll
from one picture to the next; a hand or a cloth close to the lens as a large, far out of
focus, unevenly lit blob over part of the view; a shaking mount as a small random shift and
turn at every picture; and the test patterns an encoder shows without an input, drawn in code
(SMPTE and EBU colour bars, a blue screen with a message).

A `Draw` picks one fault's parameters with a generator; `apply` then makes the faulty picture
from a clean one, with fresh randomness (noise, the bars' phase, the shake) at every call.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

import cv2
import numpy as np
from numpy.typing import NDArray

Image = NDArray[np.uint8]

_CODES = np.arange(256, dtype=np.float32) / 255.0
_TO_LINEAR = np.where(_CODES <= 0.04045, _CODES / 12.92, ((_CODES + 0.055) / 1.055) ** 2.4).astype(
    np.float32
)


def to_linear(picture: Image) -> NDArray[np.float32]:
    """sRGB codes → linear light (0–1)."""
    return np.asarray(_TO_LINEAR[picture], np.float32)


def to_codes(linear: NDArray[np.float32]) -> Image:
    """Linear light → sRGB codes, clipped at full scale (the sensor's saturation)."""
    clipped = np.clip(linear, 0.0, 1.0)
    encoded = np.where(
        clipped <= 0.0031308, clipped * 12.92, 1.055 * np.power(clipped, 1.0 / 2.4) - 0.055
    )
    return np.clip(encoded * 255.0 + 0.5, 0, 255).astype(np.uint8)


@dataclass(frozen=True)
class Fault:
    """One drawn fault: its kind, a readable label with its parameters, and the picture maker."""

    kind: str
    label: str
    apply: Callable[[Image, np.random.Generator], Image] = field(repr=False)
    samples: int = 2
    """Samples a scene of it takes (a shake shows between samples: one more)."""


# --------------------------------------------------------------------------------------------
# Tone and colour


def overexposed(rng: np.random.Generator) -> Fault:
    """Exposure too long or iris open: +1.5…+3 EV in linear light, clipped at full well."""
    ev = float(rng.uniform(1.5, 3.0))

    def apply(picture: Image, _: np.random.Generator) -> Image:
        return to_codes(to_linear(picture) * np.float32(2.0**ev))

    return Fault("overexposed", f"over-exposed +{ev:.1f} EV", apply)


def washed_out(rng: np.random.Generator) -> Fault:
    """A veil of light (haze, fog on the dome, a flare, a mis-set encoder): the scene seen
    with transmission t through an airlight A — I = t·J + (1 − t)·A, in linear light."""
    transmission = float(rng.uniform(0.08, 0.3))
    airlight = float(rng.uniform(0.15, 0.5))  # a grey veil: codes 108–188
    tint = rng.uniform(0.96, 1.04, 3).astype(np.float32)

    def apply(picture: Image, _: np.random.Generator) -> Image:
        veil = np.float32(airlight * (1.0 - transmission)) * tint
        return to_codes(to_linear(picture) * np.float32(transmission) + veil)

    return Fault("low_contrast", f"veiled t={transmission:.2f} A={airlight:.2f}", apply)


_CASTS = {
    # a colour fault as (blue, green, red) gain directions in log space
    "warm (tungsten light, daylight balance)": (-1.0, 0.0, 1.0),
    "cool (daylight, tungsten balance)": (1.0, 0.0, -1.0),
    "green (fluorescent light)": (-0.5, 1.0, -0.5),
    "magenta (IR-cut filter stuck open)": (0.5, -1.0, 0.5),
    "red (blue and green weak: a loose cable)": (-0.5, -0.5, 1.0),
}


def colour_cast(rng: np.random.Generator) -> Fault:
    """A colour fault: per-channel gains in linear light, 1.6–3× between the strongest and the
    weakest channel (a white balance set for the wrong light, a stuck IR-cut filter, a weak
    colour line), the picture's luminance kept. Milder errors (1.2–1.5×) are a slightly warm or
    cool picture, not a fault the picture shows."""
    name = str(rng.choice(list(_CASTS)))
    direction = np.array(_CASTS[name], np.float32)
    ratio = float(rng.uniform(1.6, 3.0))
    strength = math.log(ratio) / float(direction.max() - direction.min())
    gains = np.exp(np.float32(strength) * direction)
    gains /= np.float32(0.0722 * gains[0] + 0.7152 * gains[1] + 0.2126 * gains[2])
    ratio = float(gains.max() / gains.min())

    def apply(picture: Image, _: np.random.Generator) -> Image:
        return to_codes(to_linear(picture) * gains.astype(np.float32))

    return Fault("colour_cast", f"{name} ×{ratio:.2f}", apply)


# --------------------------------------------------------------------------------------------
# Noise and interference


def snow(rng: np.random.Generator) -> Fault:
    """A weak or disturbed analogue signal: Gaussian noise at a peak signal-to-noise ratio of
    17–27 dB (σ 36–11 grey levels), and impulse noise (0–2 % of the pixels) on top."""
    snr_db = float(rng.uniform(17.0, 27.0))
    impulses = float(rng.choice([0.0, rng.uniform(0.002, 0.02)]))

    def apply(picture: Image, fresh: np.random.Generator) -> Image:
        sigma = 255.0 / 10.0 ** (snr_db / 20.0)
        noise = fresh.standard_normal(picture.shape[:2], dtype=np.float32) * np.float32(sigma)
        # Luma noise with some independent chroma noise, as a decoder shows snow.
        out = picture.astype(np.float32) + noise[:, :, None]
        out += fresh.standard_normal(picture.shape, dtype=np.float32) * np.float32(sigma * 0.4)
        if impulses:
            hit = fresh.random(picture.shape[:2]) < impulses
            out[hit] = np.where(fresh.random(int(hit.sum())) < 0.5, 0.0, 255.0)[:, None]
        return np.clip(out, 0, 255).astype(np.uint8)

    extra = f" + impulses {impulses:.1%}" if impulses else ""
    return Fault("noisy", f"snow PSNR {snr_db:.0f} dB{extra}", apply)


def rolling_bars(rng: np.random.Generator) -> Fault:
    """Interference (a ground loop, a nearby transmitter) beating with the frame rate:
    horizontal bars 12–60 to the picture's height, 5–16 grey levels, sine or clipped (bar-like)
    waveform, rolling — a new phase at every picture."""
    cycles = float(rng.uniform(12.0, 60.0))
    amplitude = float(rng.uniform(5.0, 16.0))
    hardness = float(rng.choice([1.0, rng.uniform(1.5, 4.0)]))  # 1: sine; more: bars

    def apply(picture: Image, fresh: np.random.Generator) -> Image:
        height = picture.shape[0]
        phase = float(fresh.uniform(0.0, 2.0 * math.pi))
        rows = np.arange(height, dtype=np.float32)
        wave = np.tanh(hardness * np.sin(2.0 * np.pi * cycles * rows / height + phase))
        wave /= max(float(np.abs(wave).max()), 1e-6)
        bars = (np.float32(amplitude) * wave)[:, None, None]
        return np.clip(picture.astype(np.float32) + bars, 0, 255).astype(np.uint8)

    shape = "sine" if hardness == 1.0 else "bars"
    return Fault("stripes", f"rolling {shape} ×{cycles:.0f} ±{amplitude:.0f}", apply)


# --------------------------------------------------------------------------------------------
# Something in front of the lens


def covering(rng: np.random.Generator) -> Fault:
    """A hand or a cloth a few centimetres from the lens: far out of focus, so a smooth blob
    with a soft edge, lit unevenly, over 35–75 % of the view from one side or a corner."""
    share = float(rng.uniform(0.35, 0.75))
    what = str(rng.choice(["hand", "dark cloth", "light cloth"]))
    level = {
        "hand": rng.uniform(90.0, 170.0),
        "dark cloth": rng.uniform(35.0, 70.0),
        "light cloth": rng.uniform(140.0, 210.0),
    }[what]
    colour = (
        np.array([0.72, 0.85, 1.15], np.float32)  # skin (BGR)
        if what == "hand"
        else rng.uniform(0.85, 1.15, 3).astype(np.float32)
    )
    side = int(rng.integers(0, 4))
    corner = bool(rng.random() < 0.4)
    softness = float(rng.uniform(0.02, 0.06))
    falloff = float(rng.uniform(0.1, 0.35))

    def apply(picture: Image, fresh: np.random.Generator) -> Image:
        height, width = picture.shape[:2]
        ys, xs = np.mgrid[0:height, 0:width].astype(np.float32)
        u, v = xs / width, ys / height
        # distance into the picture from the side (or corner) the object comes from
        depth = {0: u, 1: 1.0 - u, 2: v, 3: 1.0 - v}[side]
        if corner:
            other = v if side < 2 else u
            depth = np.maximum(depth, other * 0.6)
        # a wavy boundary (fingers, folds) at the depth that covers `share`
        wave = 0.04 * np.sin(2.0 * np.pi * (v if side < 2 else u) * fresh.uniform(1.5, 3.5))
        edge = float(np.quantile(depth, share))
        inside = (edge + wave - depth) / np.float32(softness)
        alpha = np.clip(0.5 + inside, 0.0, 1.0)
        alpha = cv2.GaussianBlur(alpha, (0, 0), softness * width)
        # lit from the open side: brighter towards the edge of the object
        light = np.float32(level) * (1.0 - np.float32(falloff) * np.clip(-inside / 10.0, 0, 1))
        blob = light[:, :, None] * colour[None, None, :]
        blob += fresh.standard_normal(blob.shape, dtype=np.float32) * np.float32(1.5)
        out = picture.astype(np.float32) * (1.0 - alpha[:, :, None]) + blob * alpha[:, :, None]
        return np.clip(out, 0, 255).astype(np.uint8)

    where = ("left", "right", "top", "bottom")[side] + (" corner" if corner else "")
    return Fault("covered", f"{what} {share:.0%} from the {where}", apply)


# --------------------------------------------------------------------------------------------
# Test patterns an encoder shows without an input


def smpte_bars(size: tuple[int, int], *, level: float = 0.75) -> Image:
    """SMPTE RP 219-style bars: seven bars over the top two thirds, the reversed blue
    castellations, then the PLUGE row (−I, white, +Q, black)."""
    width, height = size
    hi = round(255 * level)
    top = [(hi, hi, hi), (0, hi, hi), (hi, hi, 0), (0, hi, 0), (hi, 0, hi), (0, 0, hi),
           (hi, 0, 0)]  # fmt: skip
    picture = np.zeros((height, width, 3), np.uint8)
    first, second = height * 2 // 3, height * 3 // 4
    for index, colour in enumerate(top):
        x0, x1 = index * width // 7, (index + 1) * width // 7
        picture[:first, x0:x1] = colour
        castle = top[6 - index] if index % 2 == 0 else (19, 19, 19)
        picture[first:second, x0:x1] = castle
    bottom = [(106, 63, 0), (255, 255, 255), (106, 0, 50), (19, 19, 19)]
    for index, colour in enumerate(bottom):
        x0, x1 = index * width // 4, (index + 1) * width // 4
        picture[second:, x0:x1] = colour
    return picture


def ebu_bars(size: tuple[int, int], *, level: float = 1.0) -> Image:
    """EBU bars: white, yellow, cyan, green, magenta, red, blue, black over the full height."""
    width, height = size
    hi = round(255 * level)
    colours = [(hi, hi, hi), (0, hi, hi), (hi, hi, 0), (0, hi, 0), (hi, 0, hi), (0, 0, hi),
               (hi, 0, 0), (0, 0, 0)]  # fmt: skip
    picture = np.zeros((height, width, 3), np.uint8)
    for index, colour in enumerate(colours):
        picture[:, index * width // 8 : (index + 1) * width // 8] = colour
    return picture


def blue_screen(size: tuple[int, int], blue: tuple[int, int, int], text: str) -> Image:
    width, height = size
    picture = np.full((height, width, 3), blue, np.uint8)
    scale = width / 640.0
    (text_width, _), _ = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 2)
    cv2.putText(
        picture, text, ((width - text_width) // 2, height // 2), cv2.FONT_HERSHEY_SIMPLEX,
        scale, (235, 235, 235), max(2, round(2 * scale)), cv2.LINE_AA,
    )  # fmt: skip
    return picture


def test_pattern(rng: np.random.Generator) -> Fault:
    """An encoder or DVR without an input: SMPTE bars at 75 or 100 %, EBU bars, or a blue
    screen of one of the shades encoders use, with or without a message and a clock."""
    which = str(rng.choice(["smpte", "ebu", "blue"]))
    level = float(rng.choice([0.75, 1.0]))
    shade = (int(rng.integers(150, 256)), int(rng.integers(0, 70)), int(rng.integers(0, 40)))
    text = str(rng.choice(["NO SIGNAL", "NO VIDEO", "VIDEO LOSS", ""]))
    clock = bool(rng.random() < 0.5)

    def apply(picture: Image, fresh: np.random.Generator) -> Image:
        size = (picture.shape[1], picture.shape[0])
        if which == "smpte":
            card = smpte_bars(size, level=level)
        elif which == "ebu":
            card = ebu_bars(size, level=level)
        else:
            card = blue_screen(size, shade, text)
        if clock:  # the DVR's on-screen clock, still running
            stamp = f"2026-12-05 0{int(fresh.integers(0, 10))}:{int(fresh.integers(10, 60))}:00"
            scale = size[0] / 1280.0
            cv2.putText(
                card, stamp, (round(24 * scale), round(48 * scale)), cv2.FONT_HERSHEY_SIMPLEX,
                scale, (255, 255, 255), max(1, round(2 * scale)), cv2.LINE_AA,
            )  # fmt: skip
        return card

    if which == "blue":
        label = f"blue screen {shade} {text or 'plain'}"
    else:
        label = f"{which.upper()} bars {level:.0%}"
    return Fault("no_signal", label + (" + clock" if clock else ""), apply)


# --------------------------------------------------------------------------------------------
# A shaking mount


@dataclass(frozen=True)
class Shake:
    """Per-picture random displacement of a camera on a mount that shakes: a shift of up to
    `amplitude` pixels (at 1920 px width; scaled to the picture) and a turn of up to
    `rotation` degrees, drawn afresh for every picture."""

    amplitude: float
    rotation: float

    def pose(self, fresh: np.random.Generator, width: int) -> tuple[float, float, float]:
        scale = width / 1920.0
        radius = self.amplitude * scale * math.sqrt(float(fresh.uniform(0.25, 1.0)))
        angle = float(fresh.uniform(0.0, 2.0 * math.pi))
        turn = float(fresh.uniform(-self.rotation, self.rotation))
        return radius * math.cos(angle), radius * math.sin(angle), turn


def shake(rng: np.random.Generator) -> Shake:
    """A mount shaking in the wind or on a vibrating structure: 12–40 px at 1080p (0.6–2 % of
    the width), turning by up to 0.2–0.6°."""
    return Shake(amplitude=float(rng.uniform(12.0, 40.0)), rotation=float(rng.uniform(0.2, 0.6)))


PICTURE_FAULTS: dict[str, Callable[[np.random.Generator], Fault]] = {
    "overexposed": overexposed,
    "low_contrast": washed_out,
    "colour_cast": colour_cast,
    "noisy": snow,
    "stripes": rolling_bars,
    "covered": covering,
    "no_signal": test_pattern,
}
"""The VQD faults that act on the picture alone (the shake acts on the camera's pose)."""
