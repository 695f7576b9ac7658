// Frame- and audio-check flags as the console and the venues page show them: a kind's name is the
// glossary's `flag.kind.*`; the audio states and the few words of their own are registered here.
import { describeError } from "/static/js/api.js";
import { has, register, t } from "/static/js/i18n.js";

register({
  "audio.muted": ["静音收听", "muted (listening)"],
  "audio.speaking": ["发言", "speaking"],
  "audio.testing": ["调试", "testing"],
  "audio.state": ["声音状态", "Audio state"],
  "audio.clip": ["声音片段", "sound clip"],
  "flag.noted": ["已记入音频设备备注", "noted against the audio equipment"],
});

export const AUDIO_KINDS = new Set(["leak", "feedback", "hum", "clipping", "noise", "silent"]);
export const AUDIO_STATES = ["muted", "speaking", "testing"];

// A kind the glossary does not know yet shows its code rather than a key.
export function kindName(kind) {
  return has(`flag.kind.${kind}`) ? t(`flag.kind.${kind}`) : kind;
}

// A sentence for an API error: the glossary's for its code, never the server's English.
export function errorText(error) {
  return describeError(error);
}

export function evidenceUrl(name) {
  return `/api/evidence/${encodeURIComponent(name)}`;
}
