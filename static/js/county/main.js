// The county register page: rooms, equipment and staffing of one unit, what they cost under
// items 3–5 (recomputed on every edit, before saving), and the history of every change.
import { api, ApiError, describeError } from "/static/js/api.js";
import { shanghaiIso, shanghaiLocalInput, shanghaiYear } from "/static/js/datetime.js";
import { errorText, register, t } from "/static/js/i18n.js";
import { startPage } from "/static/js/shell.js";
import { h } from "../dom.js";
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
  "county.rule.hd_rooms": [
    "每个县（市、区）需配备 {rooms} 间高清视频会议室，每少一间扣 {points} 分，最高扣 {cap} 分。",
    "Each county needs {rooms} HD conference rooms: {points} per room short, at most {cap}.",
  ],
  "county.rule.room_equipment": [
    "每间会议室需有高清显示设备、音频设备和网络综合布线，每缺一项扣 {points} 分，最高扣 {cap} 分。",
    "Each room needs an HD display, audio equipment and network cabling: {points} per missing item, at most {cap}.",
  ],
  "county.rule.staffing": [
    "每个单位需有分管领导和视频会议专职人员，缺任一项扣 {points} 分，最高扣 {cap} 分。",
    "Each unit needs a leader in charge and video-conference staff: {points} if either is missing, at most {cap}.",
  ],
  "county.finding.hd_rooms": ["还缺 {n} 间高清会议室", "{n} HD room(s) short"],
  "county.finding.room_equipment": ["{room} 缺少{missing}", "{room} lacks {missing}"],
  "county.finding.staffing": ["没有{missing}", "No {missing}"],
  "county.post.leader": ["分管领导", "leader in charge"],
  "county.post.staff": ["视频会议专职人员", "video-conference staff"],
  "county.list.sep": ["、", ", "],
  "county.list.and": ["和", " and "],
  "county.list.sentenceSep": ["；", "; "],
  "county.history.empty": ["暂无变更记录。", "No changes yet."],
  "county.history.someone": ["某人", "someone"],
  "county.history.nobody": ["无", "nobody"],
  "county.history.room_added": ["新增会议室“{name}”，设备齐全", "Added the room “{name}”, fully equipped"],
  "county.history.room_added_lacking": ["新增会议室“{name}”，缺少{missing}", "Added the room “{name}”, lacking {missing}"],
  "county.history.room_removed": ["移除会议室“{name}”", "Removed the room “{name}”"],
  "county.history.renamed": ["将会议室“{from}”改名为“{name}”", "Renamed the room “{from}” to “{name}”"],
  "county.history.equipment_added": ["为“{name}”添加{list}", "Added {list} to “{name}”"],
  "county.history.equipment_removed": ["“{name}”移除了{list}", "Removed {list} from “{name}”"],
  "county.history.room_details": ["修改了“{name}”的设备说明", "Changed the details of “{name}”"],
  "county.history.leaders": ["分管领导改为：{names}", "Leaders in charge now: {names}"],
  "county.history.staff": ["专职人员改为：{names}", "Staff now: {names}"],
  "county.history.staffing_same": ["重新确认了人员配备", "Confirmed the staffing again"],
  "county.room_name.required": ["会议室名称（必填）", "Room name (required)"],
  "county.readonly": ["只读：本账号可以查看，不能修改登记。", "Read only: this account can view the register but not change it."],
  "county.past": ["生效时间不能早于现在。", "The time it takes effect cannot be in the past."],
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
  "county.none": ["无扣分", "No deduction"],
  "county.total": ["合计", "Total"],
  "county.saved_total": ["已保存状态", "As saved"],
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
  role: null,
  rulebook: null,
  previewTimer: null,
  previewSerial: 0,
};

// The register as edited; a preview leaves out new rooms not yet named (they cannot be saved).
function draft({ named = false } = {}) {
  const at = document.getElementById("effective").value;
  const rooms = named ? state.rooms.filter((room) => room.name.trim()) : state.rooms;
  return {
    rooms: rooms.map((room) => ({
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
    ...(at ? { at: shanghaiIso(at) } : {}),
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
  renderRooms();
  renderPeople();
  renderLosses(document.getElementById("losses"), registerData.findings, registerData.findings, state.rulebook);
  setStatus("");
}

function setStatus(text, kind = "") {
  const status = document.getElementById("status");
  status.textContent = text || (state.editable ? "" : t("county.readonly"));
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
    const findings = await api("POST", `/api/units/${state.unit}/register/preview`, { body: draft({ named: true }) });
    if (serial === state.previewSerial) {
      renderLosses(document.getElementById("losses"), findings, state.saved.findings, state.rulebook);
      document.getElementById("preview-error").textContent = "";
    }
  } catch (error) {
    if (serial === state.previewSerial) document.getElementById("preview-error").textContent = describeError(error);
  }
}

function renderRooms() {
  const container = document.getElementById("rooms");
  container.replaceChildren(
    ...state.rooms.map((room, index) => {
      const nameInput = h("input", {
        value: room.name,
        "aria-label": t("county.room_name"),
        placeholder: t("county.room_name.required"),
        required: true,
        disabled: !state.editable,
      });
      nameInput.addEventListener("input", () => {
        nameInput.removeAttribute("aria-invalid");
        room.name = nameInput.value;
        changed();
      });
      const remove = state.editable ? h("button", { type: "button", class: "danger edit-only" }, t("county.remove_room")) : null;
      remove?.addEventListener("click", () => {
        state.rooms.splice(index, 1);
        renderRooms();
        changed();
      });
      const equipment = h(
        "div",
        { class: "equipment" },
        ...EQUIPMENT.map((key) => {
          const box = h("input", { type: "checkbox", checked: room.equipment[key], disabled: !state.editable });
          box.dataset.equipment = key;
          const label = h("label", { class: room.equipment[key] ? "" : "missing" }, box, ` ${t(`equipment.${key}`)}`);
          box.addEventListener("change", () => {
            room.equipment[key] = box.checked;
            label.className = box.checked ? "" : "missing";
            changed();
          });
          return label;
        }),
      );
      const details = h(
        "div",
        { class: "details" },
        ...DETAILS.map((key) => detailInput(room, key, "input")),
        detailInput(room, "notes", "textarea"),
      );
      const card = h("div", { class: "room" }, h("header", {}, nameInput, remove), equipment, details);
      card.dataset.room = room.original || room.name;
      return card;
    }),
  );
}

function detailInput(room, key, tag) {
  const input = h(tag, { placeholder: t(`county.${key}`), "aria-label": t(`county.${key}`), disabled: !state.editable });
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
        const name = h("input", { value: entry.name, placeholder: t("county.name"), "aria-label": t("county.name"), disabled: !state.editable });
        const phone = h("input", { value: entry.phone, placeholder: t("county.phone"), "aria-label": t("county.phone"), disabled: !state.editable });
        name.addEventListener("input", () => {
          entry.name = name.value;
          changed();
        });
        phone.addEventListener("input", () => {
          entry.phone = phone.value;
          changed();
        });
        const remove = state.editable ? h("button", { type: "button", class: "edit-only" }, t("county.delete")) : null;
        remove?.addEventListener("click", () => {
          state.staffing[group].splice(index, 1);
          renderPeople();
          changed();
        });
        return h("div", { class: "person" }, name, phone, remove);
      }),
    );
  }
}

// What the page can tell before asking the server: an unnamed room, a past date for county staff.
function problemBeforeSaving() {
  const unnamed = [...document.querySelectorAll("#rooms .room header input")].find((input) => !input.value.trim());
  if (unnamed) {
    unnamed.setAttribute("aria-invalid", "true");
    unnamed.focus();
    return errorText([{ code: "register.room_unnamed", loc: ["name"] }], 422);
  }
  const at = document.getElementById("effective");
  if (state.role === "county_it" && at.value && at.value < shanghaiLocalInput(new Date()).slice(0, 16)) {
    at.focus();
    return t("county.past");
  }
  return null;
}

async function save() {
  const error = document.getElementById("save-error");
  error.textContent = "";
  const problem = problemBeforeSaving();
  if (problem) {
    error.textContent = problem;
    return;
  }
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
      const reload = h("button", { type: "button" }, t("county.reload"));
      reload.addEventListener("click", () => openUnit(state.unit));
      error.append(reload);
    } else {
      error.textContent = describeError(failure);
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
  state.role = account.role;
  state.editable = account.role === "admin" || account.role === "county_it";
  if (!state.editable) {
    document.querySelector("main").classList.add("readonly");
    for (const node of document.querySelectorAll(".save-bar, #add-room, button[data-add]")) node.hidden = true;
    document.getElementById("status").textContent = t("county.readonly");
  }
  if (account.role === "county_it") {
    // County staff report as they are from now on, as self-report (the server refuses more).
    document.querySelector('#source option[value="onsite_inspection"]')?.remove();
    document.getElementById("effective").min = shanghaiLocalInput(new Date()).slice(0, 16);
  }
  const periods = await api("GET", "/api/periods");
  const years = periods.map((period) => period.year);
  const year = years.includes(shanghaiYear()) ? shanghaiYear() : Math.max(...years);
  if (years.length) state.rulebook = await api("GET", `/api/periods/${year}/rulebook`);
  const units = await api("GET", "/api/units");
  const select = document.getElementById("unit");
  for (const unit of units) select.append(h("option", { value: unit.code }, unit.name));
  const wanted = new URLSearchParams(location.search).get("unit") || account.unit || units.find((u) => u.level === "county")?.code;
  if (wanted) select.value = wanted;
  select.disabled = units.length < 2;
  select.addEventListener("change", () => openUnit(select.value));
  document.getElementById("add-room").classList.add("edit-only");
  document.getElementById("add-room").addEventListener("click", () => {
    state.rooms.push({
      name: "",
      original: null,
      equipment: { hd_display: false, audio: false, cabling: false },
      details: { display_model: "", camera: "", mcu_terminal: "", notes: "" },
    });
    renderRooms();
    changed();
    const inputs = document.querySelectorAll("#rooms .room header input");
    inputs[inputs.length - 1]?.focus();
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
  document.addEventListener("vcwatch:langchange", () => {
    if (!state.saved) return;
    renderRooms();
    renderPeople();
    preview();
    loadHistory();
  });
  if (select.value) await openUnit(select.value);
}

main();
