// How things are named on the pages: an incident is 单位 · 类型 · 会议 · 时间, a person is their
// display name, a type is the glossary's word for it — never a key, a login or a UUID.
import { shanghaiMinute } from "./datetime.js";
import { currentLang, has, t } from "./i18n.js";

// A type by the name its edition of the rulebook gives it (editions differ: 2017's 摄像头位置 is
// 2019's 视频会场图像位置); in English, the glossary's.
export function typeName(code, rulebookName) {
  if (currentLang() === "en" && has(`type.${code}`)) return t(`type.${code}`);
  if (rulebookName) return rulebookName;
  return has(`type.${code}`) ? t(`type.${code}`) : t("field.type");
}

export function incidentTitle(incident) {
  return [
    incident.unit_name || incident.unit,
    typeName(incident.type),
    incident.meeting_title,
    shanghaiMinute(incident.at),
  ]
    .filter(Boolean)
    .join(" · ");
}

export function personName(username, displayName) {
  return displayName || username || "—";
}

// The incident an objection is about, named from the objection's own fields.
export function objectionTitle(objection) {
  return incidentTitle({
    unit: objection.unit,
    unit_name: objection.unit_name,
    type: objection.incident_type,
    meeting_title: objection.meeting_title,
    at: objection.incident_at,
  });
}
