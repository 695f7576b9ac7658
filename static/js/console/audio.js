// The venues' audio states (静音收听 / 发言 / 调试): what each venue's sound is judged against.
// A controller switches a venue as the MCU opens and closes it; every console follows through
// the meeting's `venue.audio_state` events and the venue list it polls. Audio-check flags carry
// a clip of the sound, played here with an <audio> element.

import { api } from "../api.js";
import { register, t } from "../i18n.js";
import { AUDIO_STATES, errorText } from "../checks/kinds.js";
import { clear, h } from "./dom.js";

register({
  "audio.title": ["会场声音", "Venue sound"],
  "audio.hint": [
    "静音收听时有声音即提示外泄；发言、调试时检测啸叫、电流声、削波、噪声与无声。",
    "Muted venues are flagged for any sound; speaking and testing venues for howl, hum, clipping, noise and silence.",
  ],
  "audio.changed": ["{venue} 已切换为 {state}", "{venue} is now {state}"],
  "audio.none": ["暂无会场", "No venues"],
  "flags.hint.silent": ["建议记入音频设备", "Note it against the audio equipment"],
  "flags.metric.audio_state": ["声音状态", "audio state"],
  "flags.metric.speech_dbfs": ["语音段电平", "speech level"],
  "flags.metric.rms_dbfs": ["电平", "level"],
  "flags.metric.peak_dbfs": ["峰值", "peak"],
  "flags.metric.active_share": ["有声占比", "active share"],
  "flags.metric.tone_hz": ["单频", "tone"],
  "flags.metric.tone_dbfs": ["单频电平", "tone level"],
  "flags.metric.tone_prominence_db": ["突出度", "prominence"],
  "flags.metric.tone_growth_db": ["增长", "growth"],
  "flags.metric.tone_windows": ["持续(秒)", "lasting (s)"],
  "flags.metric.hum_ratio": ["交流声占比", "hum share"],
  "flags.metric.hum_prominence_db": ["交流声突出度", "hum prominence"],
  "flags.metric.hum_harmonics": ["谐波数", "harmonics"],
  "flags.metric.hum_dbfs": ["交流声电平", "hum level"],
  "flags.metric.clip_ratio": ["削波占比", "clipped share"],
  "flags.metric.floor_flatness": ["底噪平坦度", "floor flatness"],
  "flags.metric.steady_dbfs": ["底噪电平", "floor level"],
});

export function clipPlayer(name) {
  return h("audio", {
    class: "flag-clip",
    controls: true,
    preload: "none",
    src: `/api/evidence/${encodeURIComponent(name)}`,
    "aria-label": t("audio.clip"),
    onclick: (event) => event.stopPropagation(),
  });
}

export class AudioStates {
  constructor({ root, venues, canWrite, notify }) {
    this.root = root;
    this.venues = venues; // [{code, name}] in the console's order
    this.canWrite = canWrite;
    this.notify = notify;
    this.states = new Map(); // unit → state
    this.busy = new Set();
    this.render();
  }

  setVenues(list) {
    for (const venue of list) this.states.set(venue.unit, venue.audio_state);
    this.render();
  }

  applyEvents(events) {
    let changed = false;
    for (const event of events) {
      if (event.kind !== "venue.audio_state") continue;
      this.states.set(event.data.unit, event.data.audio_state);
      changed = true;
    }
    if (changed) this.render();
  }

  async set(unit, state) {
    if (this.states.get(unit) === state || this.busy.has(unit)) return;
    this.busy.add(unit);
    this.render();
    try {
      const venue = await api("PUT", `/api/venues/${unit}/audio-state`, { body: { state } });
      this.states.set(unit, venue.audio_state);
      const name = (this.venues.find((v) => v.code === unit) || { name: unit }).name;
      this.notify(t("audio.changed", { venue: name, state: t(`audio.${state}`) }), "ok");
    } catch (error) {
      this.notify(errorText(error), "error");
    } finally {
      this.busy.delete(unit);
      this.render();
    }
  }

  render() {
    const rows = this.venues.map((venue) => {
      const current = this.states.get(venue.code) || "muted";
      const busy = this.busy.has(venue.code);
      const choices = AUDIO_STATES.map((state) =>
        h("button", {
          type: "button",
          class: `audio-choice${state === current ? " on" : ""}`,
          "aria-pressed": state === current ? "true" : "false",
          "data-state": state,
          disabled: !this.canWrite || busy,
          text: t(`audio.${state}`),
          onclick: () => this.set(venue.code, state),
        }),
      );
      return h("li", { class: "audio-venue", "data-unit": venue.code },
        h("span", { class: "audio-name", text: venue.name }),
        h("span", { class: "audio-choices", role: "group", "aria-label": venue.name }, choices));
    });
    clear(this.root,
      h("h2", { class: "audio-title", text: t("audio.title") }),
      h("p", { class: "muted audio-hint", text: t("audio.hint") }),
      rows.length ? h("ul", { class: "audio-list" }, rows) : h("p", { class: "muted", text: t("audio.none") }));
  }
}
