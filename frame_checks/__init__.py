"""Frame checks: measurements and judgements on sampled video frames (no web app inside).

The app needs four things, all importable from here:

- `decode_frame(data)` turns posted PNG/JPEG bytes into a frame or raises `FrameError`;
- `VenueChecker(thresholds=…, reference=…).check(frame, at=…)` measures and judges one sample
  against the venue's memory and returns a `SampleResult` (its `events` are the flags raised
  or cleared by that sample);
- `Reference.from_frame(frame)` prepares a venue's reference frame; `Thresholds.from_mapping()`
  and `.with_overrides()` build the deployment's and a venue's thresholds;
- `Sampler(on_sample=…, on_status=…)` follows sources on worker threads (`watch`,
  `watch_pushed` + `push`, `stop`); given `Turns()`, shared with the sound's sampler, its
  workers take turns at the cores.
"""

from .decode import FrameError, decode_frame, encode_jpeg, read_header
from .judge import FLAGS, Flag, Hit, ThresholdError, Thresholds
from .measure import MeasureError, Reference
from .sampler import Backoff, Sampler
from .sources import PushFeed, SourceError, SourceStatus, StreamSource
from .state import FlagEvent
from .turns import Turns
from .venue import SampleResult, VenueChecker

__all__ = [
    "FLAGS",
    "Backoff",
    "Flag",
    "FlagEvent",
    "FrameError",
    "Hit",
    "MeasureError",
    "PushFeed",
    "Reference",
    "SampleResult",
    "Sampler",
    "SourceError",
    "SourceStatus",
    "StreamSource",
    "ThresholdError",
    "Thresholds",
    "Turns",
    "VenueChecker",
    "decode_frame",
    "encode_jpeg",
    "read_header",
]
