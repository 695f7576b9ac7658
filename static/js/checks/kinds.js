// The words for frame- and audio-check flags, audio states and their errors, shared by the
// console and the venues page.
import { describeError } from "/static/js/api.js";
import { register, t } from "/static/js/i18n.js";

register({
  "check.dark": ["画面过暗", "picture too dark"],
  "check.black": ["黑屏/无画面", "black picture"],
  "check.frozen": ["画面冻结", "frozen picture"],
  "check.blurred": ["画面模糊", "blurred picture"],
  "check.tilted": ["画面偏转", "tilted picture"],
  "check.moved": ["画面移动/取景变化", "picture moved"],
  "check.leak": ["静音时有声音外泄", "sound while muted"],
  "check.feedback": ["啸叫", "acoustic feedback (howl)"],
  "check.hum": ["电流声（50 Hz 交流声）", "mains hum (50 Hz)"],
  "check.clipping": ["声音削波失真", "clipped sound"],
  "check.noise": ["背景噪声过大", "loud background noise"],
  "check.silent": ["无声音", "no sound"],
  "audio.muted": ["静音收听", "muted (listening)"],
  "audio.speaking": ["发言", "speaking"],
  "audio.testing": ["调试", "testing"],
  "audio.state": ["声音状态", "Audio state"],
  "audio.clip": ["声音片段", "sound clip"],
  "flag.noted": ["已记入音频设备备注", "noted against the audio equipment"],
});

export const AUDIO_KINDS = new Set(["leak", "feedback", "hum", "clipping", "noise", "silent"]);
export const AUDIO_STATES = ["muted", "speaking", "testing"];

export function kindName(kind) {
  return t(`check.${kind}`);
}

// A sentence for an API error: the glossary's for its code, never the server's English.
export function errorText(error) {
  return describeError(error);
}

export function evidenceUrl(name) {
  return `/api/evidence/${encodeURIComponent(name)}`;
}
