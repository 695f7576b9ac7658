// The history of a unit's register as sentences: a room added, renamed or removed, equipment
// added or removed, the leaders and staff changed — who did it and when, by name.
import { shanghaiMinute } from "/static/js/datetime.js";
import { h } from "/static/js/dom.js";
import { t } from "/static/js/i18n.js";

const EQUIPMENT = ["hd_display", "audio", "cabling"];

function equipmentList(codes) {
  return codes.map((code) => t(`equipment.${code}`)).join(t("county.list.sep"));
}

function names(people) {
  return (people || []).map((p) => p.name).join(t("county.list.sep")) || t("county.history.nobody");
}

function roomSentences(change) {
  const { before, after, name } = change;
  if (after.removed) return [t("county.history.room_removed", { name })];
  const has = EQUIPMENT.filter((code) => after.equipment?.[code]);
  if (!before || before.removed) {
    const lacking = EQUIPMENT.filter((code) => !after.equipment?.[code]);
    return [
      lacking.length
        ? t("county.history.room_added_lacking", { name, missing: equipmentList(lacking) })
        : t("county.history.room_added", { name }),
    ];
  }
  const added = has.filter((code) => !before.equipment?.[code]);
  const removed = EQUIPMENT.filter((code) => before.equipment?.[code] && !after.equipment?.[code]);
  const sentences = [];
  if (added.length) sentences.push(t("county.history.equipment_added", { name, list: equipmentList(added) }));
  if (removed.length) sentences.push(t("county.history.equipment_removed", { name, list: equipmentList(removed) }));
  if (!sentences.length) sentences.push(t("county.history.room_details", { name }));
  return sentences;
}

function staffingSentences({ before, after }) {
  const sentences = [];
  for (const post of ["leaders", "staff"]) {
    const was = names(before?.[post]);
    const now = names(after?.[post]);
    if (was !== now || !before) sentences.push(t(`county.history.${post}`, { names: now }));
  }
  return sentences.length ? sentences : [t("county.history.staffing_same")];
}

// A rename is stored as the old name removed and the new one added at the same moment.
function pairRenames(changes) {
  const out = [];
  const used = new Set();
  changes.forEach((change, index) => {
    if (used.has(index)) return;
    if (change.kind === "room" && change.after.removed) {
      const partner = changes.findIndex(
        (other, j) =>
          !used.has(j) && j !== index && other.kind === "room" && !other.after.removed && !other.before && other.recorded_at === change.recorded_at,
      );
      if (partner >= 0) {
        used.add(partner);
        out.push({ ...changes[partner], renamedFrom: change.name });
        return;
      }
    }
    out.push(change);
  });
  return out;
}

export function renderHistory(container, changes) {
  if (!changes.length) {
    container.replaceChildren(h("p", { class: "muted" }, t("county.history.empty")));
    return;
  }
  const rows = pairRenames(changes).map((change) => {
    let sentences;
    if (change.renamedFrom) {
      sentences = [t("county.history.renamed", { from: change.renamedFrom, name: change.name })];
    } else {
      sentences = change.kind === "room" ? roomSentences(change) : staffingSentences(change);
    }
    const who = change.recorded_by_name || change.recorded_by || t("county.history.someone");
    return h(
      "li",
      {},
      h("span", { class: "muted" }, `${shanghaiMinute(change.recorded_at)} · ${who}`),
      h("span", { class: "sentence" }, sentences.join(t("county.list.sentenceSep"))),
    );
  });
  container.replaceChildren(h("ul", { class: "history" }, rows));
}
