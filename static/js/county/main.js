// The county register page: rooms, equipment and staffing of one unit, what they cost under
// items 3–5 (recomputed on every edit, before saving), and the history of every change.
import { api, ApiError } from "/static/js/api.js";
import { register, t } from "/static/js/i18n.js";
import { startPage } from "/static/js/shell.js";
import { el } from "./dom.js";
import { renderHistory } from "./history.js";
import { renderLosses } from "./losses.js";

register({
  "county.unit": ["单位", "Unit"],
  "county.rooms": ["高清视频会议室", "HD conference rooms"],
  "county.add_room": ["新增会议室", "Add a room"],
  "county.staffing": ["分管领导和视频会议专职人员", "Leaders and video-conference staff"],
  "county.leaders": ["分管领导", "Leaders in charge"],
  "county.staff": ["视频会议专职人员", "Video-conference staff"],
  "county.add_person": ["添加人员", "Add a person"],
  "county.effective": ["生效时间", "Takes effect"],
  "county.source": ["来源", "Source"],
  "county.save": ["保存", "Save"],
  "county.reset": ["放弃修改", "Discard changes"],
  "county.losses": ["当前扣分（第3–5项）", "Deductions now (items 3–5)"],
  "county.losses_hint": ["随编辑即时计算，保存前即可看到。", "Recomputed as you edit, before saving."],
  "county.history": ["变更记录", "History of changes"],
  "county.room_name": ["会议室名称", "Room name"],
  "county.remove_room": ["移除", "Remove"],
  "county.display_model": ["显示设备型号", "Display model"],
  "county.camera": ["摄像头", "Camera"],
  "county.mcu_terminal": ["MCU终端", "MCU terminal"],
  "county.notes": ["备注", "Notes"],
  "county.name": ["姓名", "Name"],
  "county.phone": ["电话", "Phone"],
  "county.delete": ["删除", "Delete"],
  "county.saved": ["已保存", "Saved"],
  "county.stale": [
    "他人已在您打开后保存了本单位的登记，请重新载入后再修改。",
    "Someone else saved this unit's register after you opened it: reload, then edit again.",
  ],
  "county.reload": ["重新载入", "Reload"],
  "county.unsaved": ["有未保存的修改", "Unsaved changes"],
  "county.version": ["版本", "version"],
  "county.none": ["无扣分", "No deduction"],
  "county.total": ["合计", "Total"],
  "county.saved_total": ["已保存状态", "As saved"],
  "equipment.hd_display": ["高清显示设备", "HD display"],
  "equipment.audio": ["音频设备", "Audio"],
  "equipment.cabling": ["网络综合布线", "Network cabling"],
  "source.self_report": ["自评上报", "Self-report"],
  "source.onsite_inspection": ["现场检查", "On-site inspection"],
});

const EQUIPMENT = ["hd_display", "audio", "cabling"];
const DETAILS = ["display_model", "camera", "mcu_terminal"];

const state = {
  unit: null,
  version: null,
  saved: null, // the register as loaded
  rooms: [], // [{name, original, equipment, details}]
  staffing: { leaders: [], staff: [] },
  editable: false,
  previewTimer: null,
  previewSerial: 0,
};

function draft() {
  const at = document.getElementById("effective").value;
  return {
    rooms: state.rooms.map((room) => ({
      name: room.name.trim(),
      equipment: { ...room.equipment },
      details: Object.fromEntries(
        Object.entries(room.details).filter(([, value]) => value && value.trim()),
      ),
      ...(room.original && room.original !== room.name.trim() ? { renamed_from: room.original } : {}),
    })),
    staffing: {
      leaders: state.staffing.leaders.filter((p) => p.name.trim()).map(person),
      staff: state.staffing.staff.filter((p) => p.name.trim()).map(person),
    },
    source: document.getElementById("source").value,
    ...(at ? { at: new Date(at).toISOString() } : {}),
  };
}

function person(p) {
  return p.phone && p.phone.trim() ? { name: p.name.trim(), phone: p.phone.trim() } : { name: p.name.trim() };
}

function load(registerData) {
  state.version = registerData.version;
  state.saved = registerData;
  state.rooms = registerData.rooms.map((room) => ({
    name: room.name,
    original: room.name,
    equipment: { ...room.equipment },
    details: Object.fromEntries(
      [...DETAILS, "notes"].map((key) => [key, room.details[key] || ""]),
    ),
  }));
  const staffing = registerData.staffing || { leaders: [], staff: [] };
  state.staffing = {
    leaders: staffing.leaders.map((p) => ({ name: p.name, phone: p.phone || "" })),
    staff: staffing.staff.map((p) => ({ name: p.name, phone: p.phone || "" })),
  };
  document.getElementById("version").textContent = `${t("county.version")} ${registerData.version}`;
  renderRooms();
  renderPeople();
  renderLosses(document.getElementById("losses"), registerData.findings, registerData.findings);
  setStatus("");
}

function setStatus(text, kind = "") {
  const status = document.getElementById("status");
  status.textContent = text;
  status.className = kind ? `pill ${kind}` : "";
}

function changed() {
  setStatus(t("county.unsaved"), "warn");
  clearTimeout(state.previewTimer);
  state.previewTimer = setTimeout(preview, 200);
}

async function preview() {
  const serial = ++state.previewSerial;
  try {
    const findings = await api("POST", `/api/units/${state.unit}/register/preview`, { body: draft() });
    if (serial === state.previewSerial) {
      renderLosses(document.getElementById("losses"), findings, state.saved.findings);
      document.getElementById("preview-error").textContent = "";
    }
  } catch (error) {
    if (serial === state.previewSerial) document.getElementById("preview-error").textContent = error.message;
  }
}

function renderRooms() {
  const container = document.getElementById("rooms");
  container.replaceChildren(
    ...state.rooms.map((room, index) => {
      const nameInput = el("input", {
        value: room.name,
        "aria-label": t("county.room_name"),
        disabled: !state.editable,
      });
      nameInput.addEventListener("input", () => {
        room.name = nameInput.value;
        changed();
      });
      const remove = el("button", { type: "button", class: "danger edit-only" }, t("county.remove_room"));
      remove.addEventListener("click", () => {
        state.rooms.splice(index, 1);
        renderRooms();
        changed();
      });
      const equipment = el(
        "div",
        { class: "equipment" },
        ...EQUIPMENT.map((key) => {
          const box = el("input", { type: "checkbox", checked: room.equipment[key], disabled: !state.editable });
          box.dataset.equipment = key;
          const label = el("label", { class: room.equipment[key] ? "" : "missing" }, box, ` ${t(`equipment.${key}`)}`);
          box.addEventListener("change", () => {
            room.equipment[key] = box.checked;
            label.className = box.checked ? "" : "missing";
            changed();
          });
          return label;
        }),
      );
      const details = el(
        "div",
        { class: "details" },
        ...DETAILS.map((key) => detailInput(room, key, "input")),
        detailInput(room, "notes", "textarea"),
      );
      const card = el("div", { class: "room" }, el("header", {}, nameInput, remove), equipment, details);
      card.dataset.room = room.original || room.name;
      return card;
    }),
  );
}

function detailInput(room, key, tag) {
  const input = el(tag, { placeholder: t(`county.${key}`), "aria-label": t(`county.${key}`), disabled: !state.editable });
  input.value = room.details[key] || "";
  input.addEventListener("input", () => {
    room.details[key] = input.value;
    changed();
  });
  return input;
}

function renderPeople() {
  for (const group of ["leaders", "staff"]) {
    const container = document.getElementById(group);
    container.replaceChildren(
      ...state.staffing[group].map((entry, index) => {
        const name = el("input", { value: entry.name, placeholder: t("county.name"), "aria-label": t("county.name"), disabled: !state.editable });
        const phone = el("input", { value: entry.phone, placeholder: t("county.phone"), "aria-label": t("county.phone"), disabled: !state.editable });
        name.addEventListener("input", () => {
          entry.name = name.value;
          changed();
        });
        phone.addEventListener("input", () => {
          entry.phone = phone.value;
          changed();
        });
        const remove = el("button", { type: "button", class: "edit-only" }, t("county.delete"));
        remove.addEventListener("click", () => {
          state.staffing[group].splice(index, 1);
          renderPeople();
          changed();
        });
        return el("div", { class: "person" }, name, phone, remove);
      }),
    );
  }
}

async function save() {
  const error = document.getElementById("save-error");
  error.textContent = "";
  try {
    const saved = await api("PUT", `/api/units/${state.unit}/register`, {
      body: draft(),
      headers: { "If-Match": `"${state.version}"` },
    });
    load(saved);
    setStatus(t("county.saved"), "ok");
    await loadHistory();
  } catch (failure) {
    if (failure instanceof ApiError && failure.status === 412) {
      error.replaceChildren(t("county.stale"), " ");
      const reload = el("button", { type: "button" }, t("county.reload"));
      reload.addEventListener("click", () => openUnit(state.unit));
      error.append(reload);
    } else {
      error.textContent = failure.message;
    }
  }
}

async function loadHistory() {
  const changes = await api("GET", `/api/units/${state.unit}/register/history`);
  renderHistory(document.getElementById("history"), changes);
}

async function openUnit(code) {
  state.unit = code;
  document.getElementById("save-error").textContent = "";
  load(await api("GET", `/api/units/${code}/register`));
  await loadHistory();
}

async function main() {
  const session = await startPage();
  const account = session.account;
  state.editable = account.role === "admin" || account.role === "county_it";
  if (!state.editable) document.querySelector("main").classList.add("readonly");
  const units = await api("GET", "/api/units");
  const select = document.getElementById("unit");
  for (const unit of units) select.append(el("option", { value: unit.code }, `${unit.name}（${unit.code}）`));
  const wanted = new URLSearchParams(location.search).get("unit") || account.unit || units.find((u) => u.level === "county")?.code;
  if (wanted) select.value = wanted;
  select.disabled = units.length < 2;
  select.addEventListener("change", () => openUnit(select.value));
  document.getElementById("add-room").classList.add("edit-only");
  document.getElementById("add-room").addEventListener("click", () => {
    state.rooms.push({
      name: `${state.rooms.length + 1}号会议室`,
      original: null,
      equipment: { hd_display: false, audio: false, cabling: false },
      details: { display_model: "", camera: "", mcu_terminal: "", notes: "" },
    });
    renderRooms();
    changed();
  });
  for (const button of document.querySelectorAll("button[data-add]")) {
    button.classList.add("edit-only");
    button.addEventListener("click", () => {
      state.staffing[button.dataset.add].push({ name: "", phone: "" });
      renderPeople();
    });
  }
  document.getElementById("save").addEventListener("click", save);
  document.getElementById("reset").addEventListener("click", () => openUnit(state.unit));
  document.getElementById("source").addEventListener("change", changed);
  document.getElementById("effective").addEventListener("change", changed);
  if (select.value) await openUnit(select.value);
}

main();
