// The words for frame- and audio-check flags, audio states and their errors, shared by the
// console and the venues page.
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
  "error.venue.audio_state_unknown": ["声音状态只能是 静音收听 / 发言 / 调试", "The audio state must be muted, speaking or testing"],
  "error.flag.decided": ["该提示已被处理", "This flag has already been decided"],
  "error.flag.not_found": ["该提示不存在", "No such flag"],
  "error.audio.empty": ["音频为空", "The audio is empty"],
  "error.audio.not_audio": ["只接受 WAV 或 16 位 PCM 音频", "Only WAV or 16-bit PCM audio is accepted"],
  "error.audio.unsupported": ["不支持的音频格式（需 16 位 PCM，常见采样率）", "Unsupported audio (16-bit PCM at a common rate)"],
  "error.audio.truncated": ["音频数据不完整", "The audio is truncated"],
  "error.audio.too_long": ["音频过长", "The audio is too long"],
  "error.unknown": ["操作失败，请稍后重试", "The action failed; please try again"],
});

export const AUDIO_KINDS = new Set(["leak", "feedback", "hum", "clipping", "noise", "silent"]);
export const AUDIO_STATES = ["muted", "speaking", "testing"];

export function kindName(kind) {
  return t(`check.${kind}`);
}

// A sentence for an API error: the code's message when there is one, never the server's English.
export function errorText(error) {
  const code = error && error.detail && error.detail[0] && error.detail[0].code;
  const key = code ? `error.${code}` : null;
  if (key && t(key) !== key) return t(key);
  return t("error.unknown");
}

export function evidenceUrl(name) {
  return `/api/evidence/${encodeURIComponent(name)}`;
}
