// How things are named on the pages: an incident is 单位 · 类型 · 会议 · 时间, a person is their
// display name, a type is the glossary's word for it — never a key, a login or a UUID.
import { shanghaiMinute } from "./datetime.js";
import { has, t } from "./i18n.js";

export function typeName(code, rulebookName) {
  if (has(`type.${code}`)) return t(`type.${code}`);
  return rulebookName || t("field.type");
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
