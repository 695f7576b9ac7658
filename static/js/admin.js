// The admin page: accounts (create, edit, disable, reset password) and the audit log browser.
import { api, ApiError } from "./api.js";
import { h } from "./dom.js";
import { nextDay, shanghaiIso, shanghaiMinute } from "./datetime.js";
import { currentLang, errorText, t } from "./i18n.js";
import { startPage } from "./shell.js";

const MESSAGES = {
  "admin.title": ["账号管理", "Accounts"],
  "admin.noAccess.title": ["无权访问", "No access"],
  "admin.noAccess.body": [
    "账号管理和审计日志仅限管理员使用。如需调整账号，请联系系统管理员。",
    "Accounts and the audit log are for administrators only. Ask an administrator if an account needs changing.",
  ],
  "admin.loadFailed": ["页面数据加载失败：{reason}", "The page could not load its data: {reason}"],
  "admin.networkError": ["无法连接服务器，请稍后重试。", "The server could not be reached; try again."],
  "admin.accounts.title": ["账号", "Accounts"],
  "admin.accounts.empty": ["暂无账号", "No accounts"],
  "admin.col.username": ["用户名", "Username"],
  "admin.col.displayName": ["姓名", "Name"],
  "admin.col.role": ["角色", "Role"],
  "admin.col.unit": ["单位", "Unit"],
  "admin.col.state": ["状态", "State"],
  "admin.col.actions": ["操作", "Actions"],
  "admin.state.active": ["启用", "active"],
  "admin.state.disabled": ["已停用", "disabled"],
  "admin.you": ["（本人）", "(you)"],
  "admin.create.title": ["新建账号", "New account"],
  "admin.create.submit": ["创建账号", "Create account"],
  "admin.created": ["已创建账号 {username}。", "Account {username} created."],
  "admin.field.username": ["用户名", "Username"],
  "admin.field.displayName": ["姓名", "Name"],
  "admin.field.role": ["角色", "Role"],
  "admin.field.unit": ["所属单位", "Unit"],
  "admin.field.password": ["初始密码", "Initial password"],
  "admin.field.newPassword": ["新密码", "New password"],
  "admin.field.repeatPassword": ["再次输入新密码", "New password again"],
  "admin.hint.username": ["字母、数字及 _ . - @", "Letters, digits and _ . - @"],
  "admin.hint.unit": ["县级信息化人员只能查看和登记本单位。", "A county IT account sees and edits its own unit only."],
  "admin.hint.password": [
    "至少 8 个字符，不能是常见密码，也不能与用户名相同。",
    "At least 8 characters, not a common password, not the username.",
  ],
  "admin.hint.roleChange": ["更改角色或单位后，该账号需要重新登录。", "After a role or unit change the account must log in again."],
  "admin.hint.passwordReset": ["重设后，该账号的所有登录会话立即失效。", "Resetting ends every session of the account at once."],
  "admin.unit.choose": ["— 请选择单位 —", "— choose a unit —"],
  "admin.action.edit": ["编辑", "Edit"],
  "admin.action.editLabel": ["编辑账号 {username}", "Edit account {username}"],
  "admin.action.password": ["重设密码", "Reset password"],
  "admin.action.passwordLabel": ["重设 {username} 的密码", "Reset the password of {username}"],
  "admin.action.disable": ["停用", "Disable"],
  "admin.action.disableLabel": ["停用账号 {username}", "Disable account {username}"],
  "admin.action.enable": ["启用", "Enable"],
  "admin.action.enableLabel": ["启用账号 {username}", "Enable account {username}"],
  "admin.action.selfDisable": ["不能停用自己的账号", "You cannot disable your own account"],
  "admin.edit.title": ["编辑账号 {username}", "Edit account {username}"],
  "admin.updated": ["已更新账号 {username}。", "Account {username} updated."],
  "admin.unchanged": ["没有修改。", "Nothing changed."],
  "admin.password.title": ["重设 {username} 的密码", "Reset the password of {username}"],
  "admin.password.submit": ["重设密码", "Reset password"],
  "admin.password.mismatch": ["两次输入的密码不一致。", "The two passwords differ."],
  "admin.password.done": ["已重设 {username} 的密码。", "The password of {username} was reset."],
  "admin.disable.title": ["停用账号 {username}？", "Disable account {username}?"],
  "admin.disable.body": [
    "停用后该账号立即退出登录，且不能再登录，直到重新启用。",
    "The account is logged out at once and cannot log in until it is enabled again.",
  ],
  "admin.enable.title": ["启用账号 {username}？", "Enable account {username}?"],
  "admin.enable.body": ["启用后该账号可以再次登录。", "The account will be able to log in again."],
  "admin.disabledDone": ["已停用账号 {username}。", "Account {username} disabled."],
  "admin.enabledDone": ["已启用账号 {username}。", "Account {username} enabled."],
  "admin.cancel": ["取消", "Cancel"],
  "admin.save": ["保存", "Save"],
  "admin.audit.title": ["审计日志", "Audit log"],
  "admin.audit.filters": ["审计日志筛选", "Audit log filters"],
  "admin.audit.empty": ["没有符合条件的记录", "No entries match"],
  "admin.filter.actor": ["操作人", "Person"],
  "admin.filter.unit": ["单位", "Unit"],
  "admin.filter.kind": ["类别", "Kind"],
  "admin.filter.anyone": ["— 全部人员 —", "— everyone —"],
  "admin.filter.anyUnit": ["— 全部单位 —", "— every unit —"],
  "admin.filter.anyKind": ["— 全部类别 —", "— every kind —"],
  "admin.export.csv": ["导出 CSV", "Export CSV"],
  "admin.export.xlsx": ["导出 Excel", "Export Excel"],
  "admin.audit.emptyFiltered": ["没有符合筛选条件的记录；可清除筛选后重试。", "No entries match these filters: clear them to see more."],
  "admin.col.what": ["事项", "What"],
  "admin.filter.from": ["起始日期", "From"],
  "admin.filter.to": ["截止日期（含）", "To (inclusive)"],
  "admin.filter.apply": ["筛选", "Filter"],
  "admin.filter.clear": ["清除", "Clear"],
  "admin.filter.badRange": ["截止日期早于起始日期，没有可显示的记录。", "The end date is before the start date: nothing can match."],
  "admin.col.time": ["时间", "Time"],
  "admin.col.actor": ["操作人", "Actor"],
  "admin.col.address": ["地址", "Address"],
  "admin.col.action": ["操作", "Action"],
  "admin.col.entity": ["对象", "Entity"],
  "admin.col.key": ["标识", "Key"],
  "admin.col.change": ["变更（前 → 后）", "Change (before → after)"],
  "admin.diff.field": ["字段", "Field"],
  "admin.diff.before": ["修改前", "Before"],
  "admin.diff.after": ["修改后", "After"],
  "admin.diff.summary": ["记录详情（{count} 项变化）", "Stored record ({count} changed)"],
  "admin.pager.label": ["审计日志分页", "Audit log pages"],
  "admin.pager.prev": ["上一页", "Previous"],
  "admin.pager.next": ["下一页", "Next"],
  "admin.pager.summary": ["第 {first}–{last} 条，共 {total} 条", "{first}–{last} of {total}"],
  "admin.pager.none": ["共 0 条", "0 entries"],
  "admin.system": ["系统", "The system"],
};

const PAGE_SIZE = 50;
const AUDIT_KINDS = ["incident", "roll_call", "meeting", "objection", "register", "frame", "account", "session", "settings"];

const state = {
  me: null,
  accounts: [],
  units: [],
  unitsByCode: new Map(),
  audit: null,
  auditQuery: {},
  auditOffset: 0,
  editing: null,
  confirming: null,
};

const $ = (id) => document.getElementById(id);

function announce(text) {
  $("admin-status").textContent = text;
}

// ---- errors next to the fields they name ----

function clearErrors(form) {
  for (const slot of form.querySelectorAll("[data-field-error]")) slot.textContent = "";
  for (const control of form.querySelectorAll("[aria-invalid]")) control.removeAttribute("aria-invalid");
}

function controlNamed(form, loc) {
  for (const part of loc) {
    if (typeof part !== "string") continue;
    const control = form.elements.namedItem(part);
    if (control instanceof HTMLElement && !control.closest("[hidden]")) return control;
  }
  return null;
}

// Each refusal as {loc, text}: the glossary's sentence for its code, in the page's language.
function errorDetails(error) {
  if (error.fieldErrors) return error.fieldErrors;
  if (error instanceof ApiError && Array.isArray(error.detail) && error.detail.length) {
    return error.detail.map((detail) => ({ loc: detail.loc, text: errorText([detail], error.status) }));
  }
  if (error instanceof ApiError) return [{ loc: [], text: error.message }];
  return [{ loc: [], text: t("admin.networkError") }];
}

function showErrors(form, error) {
  let first = null;
  for (const detail of errorDetails(error)) {
    const control = controlNamed(form, Array.isArray(detail.loc) ? detail.loc : []);
    const slot = form.querySelector(`[data-field-error="${control ? control.name : ""}"]`);
    const message = detail.text;
    slot.textContent = slot.textContent ? `${slot.textContent} ${message}` : message;
    if (control) {
      control.setAttribute("aria-invalid", "true");
      first ??= control;
    }
  }
  if (first) first.focus();
}

function fieldError(form, name, message) {
  showErrors(form, { fieldErrors: [{ loc: [name], text: message }] });
}

async function whileBusy(form, work) {
  const buttons = [...form.querySelectorAll("button[type=submit]")];
  form.setAttribute("aria-busy", "true");
  for (const button of buttons) button.disabled = true;
  try {
    return await work();
  } finally {
    form.removeAttribute("aria-busy");
    for (const button of buttons) button.disabled = false;
  }
}

// ---- units ----

function unitName(code) {
  const unit = state.unitsByCode.get(code);
  return unit ? unit.name : code;
}

function unitCell(code) {
  if (!code) return h("span", { className: "muted" }, "—");
  return h("span", { title: code }, unitName(code));
}

function fillUnitSelect(select, selected) {
  const choose = h("option", { value: "" }, t("admin.unit.choose"));
  const cities = state.units.filter((u) => u.level === "city");
  const groups = cities.map((city) => {
    const members = state.units.filter((u) => u.code === city.code || u.parent === city.code);
    return h("optgroup", { label: `${city.name} ${city.code}` }, ...members.map(unitOption));
  });
  const grouped = new Set(cities.flatMap((c) => [c.code, ...state.units.filter((u) => u.parent === c.code).map((u) => u.code)]));
  const loose = state.units.filter((u) => !grouped.has(u.code)).map(unitOption);
  select.replaceChildren(choose, ...groups, ...loose);
  select.value = selected && state.unitsByCode.has(selected) ? selected : "";
}

function unitOption(unit) {
  return h("option", { value: unit.code }, `${unit.name}（${unit.code}）`);
}

function syncUnitField(form) {
  const needsUnit = form.elements.role.value === "county_it";
  form.querySelector("[data-unit-field]").hidden = !needsUnit;
  form.elements.unit.required = needsUnit;
}

// ---- accounts ----

async function loadAccounts() {
  state.accounts = await api("GET", "/api/accounts");
  renderAccounts();
}

function renderAccounts() {
  const rows = state.accounts.map(accountRow);
  if (!rows.length) rows.push(h("tr", {}, h("td", { colspan: 6, className: "muted" }, t("admin.accounts.empty"))));
  $("accounts-body").replaceChildren(...rows);
}

function accountRow(account) {
  const self = account.username === state.me;
  const row = h("tr", { "data-username": account.username, className: account.disabled ? "admin-row-disabled" : null });
  const state_ = account.disabled ? "disabled" : "active";
  row.append(
    h("th", { scope: "row" }, h("code", {}, account.username), self ? h("span", { className: "muted" }, ` ${t("admin.you")}`) : null),
    h("td", {}, account.display_name),
    h("td", {}, t(`role.${account.role}`)),
    h("td", {}, unitCell(account.unit)),
    h("td", {}, h("span", { className: `pill ${account.disabled ? "bad" : "ok"}`, "data-state": state_ }, t(`admin.state.${state_}`))),
    h("td", { className: "admin-row-actions" }, ...accountButtons(account, self)),
  );
  return row;
}

function accountButtons(account, self) {
  const make = (action, text, label, extra = {}) =>
    h("button", { type: "button", "data-action": action, "data-username": account.username, "aria-label": label, ...extra }, text);
  const { username } = account;
  const toggle = account.disabled
    ? make("enable", t("admin.action.enable"), t("admin.action.enableLabel", { username }))
    : make("disable", t("admin.action.disable"), t("admin.action.disableLabel", { username }), {
        disabled: self,
        title: self ? t("admin.action.selfDisable") : null,
      });
  return [
    make("edit", t("admin.action.edit"), t("admin.action.editLabel", { username })),
    make("password", t("admin.action.password"), t("admin.action.passwordLabel", { username })),
    toggle,
  ];
}

function focusRowButton(username, action) {
  const row = [...$("accounts-body").rows].find((r) => r.dataset.username === username);
  const button = row && (row.querySelector(`button[data-action="${action}"]:not(:disabled)`) || row.querySelector("button:not(:disabled)"));
  if (button) button.focus();
}

async function afterAccountChange(message, username, action) {
  announce(message);
  await loadAccounts();
  if (username) focusRowButton(username, action);
  await loadAudit();
}

function onAccountAction(event) {
  const button = event.target.closest("button[data-action]");
  if (!button) return;
  const account = state.accounts.find((a) => a.username === button.dataset.username);
  if (!account) return;
  const action = button.dataset.action;
  if (action === "edit") openEdit(account);
  else if (action === "password") openPassword(account);
  else if (action === "disable" || action === "enable") openToggle(account, action);
}

async function onCreate(event) {
  event.preventDefault();
  const form = event.currentTarget;
  clearErrors(form);
  const values = form.elements;
  const role = values.role.value;
  const body = {
    username: values.username.value.trim(),
    display_name: values.display_name.value.trim(),
    role,
    password: values.password.value,
  };
  if (role === "county_it") body.unit = values.unit.value || null;
  try {
    const created = await whileBusy(form, () => api("POST", "/api/accounts", { body }));
    form.reset();
    syncUnitField(form);
    await afterAccountChange(t("admin.created", { username: created.username }));
    values.username.focus();
  } catch (error) {
    showErrors(form, error);
  }
}

// ---- dialogs ----

function openDialog(dialog, opener) {
  dialog.dataset.returnTo = opener ? `${opener.username}|${opener.action}` : "";
  dialog.showModal();
}

// After a successful change the table is redrawn and focus is placed there instead.
function closeDone(dialog) {
  dialog.dataset.returnTo = "";
  dialog.close();
}

function onDialogClose(event) {
  const [username, action] = (event.currentTarget.dataset.returnTo || "").split("|");
  if (username) focusRowButton(username, action);
}

function openEdit(account) {
  const form = $("edit-form");
  clearErrors(form);
  state.editing = account;
  $("edit-title").textContent = t("admin.edit.title", { username: account.username });
  form.elements.display_name.value = account.display_name;
  form.elements.role.value = account.role;
  fillUnitSelect(form.elements.unit, account.unit);
  syncUnitField(form);
  openDialog($("edit-dialog"), { username: account.username, action: "edit" });
}

async function onEdit(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const account = state.editing;
  clearErrors(form);
  const role = form.elements.role.value;
  const unit = role === "county_it" ? form.elements.unit.value || null : null;
  const displayName = form.elements.display_name.value.trim();
  const body = {};
  if (displayName !== account.display_name) body.display_name = displayName;
  if (role !== account.role || unit !== account.unit) {
    body.role = role;
    if (role === "county_it") body.unit = unit;
  }
  if (!Object.keys(body).length) {
    $("edit-dialog").close();
    announce(t("admin.unchanged"));
    return;
  }
  try {
    const updated = await whileBusy(form, () => api("PATCH", `/api/accounts/${encodeURIComponent(account.username)}`, { body }));
    closeDone($("edit-dialog"));
    await afterAccountChange(t("admin.updated", { username: updated.username }), updated.username, "edit");
  } catch (error) {
    showErrors(form, error);
  }
}

function openPassword(account) {
  const form = $("password-form");
  form.reset();
  clearErrors(form);
  state.editing = account;
  $("password-title").textContent = t("admin.password.title", { username: account.username });
  openDialog($("password-dialog"), { username: account.username, action: "password" });
}

async function onPassword(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const account = state.editing;
  clearErrors(form);
  const password = form.elements.password.value;
  if (password !== form.elements.repeat.value) {
    fieldError(form, "repeat", t("admin.password.mismatch"));
    return;
  }
  try {
    await whileBusy(form, () =>
      api("PUT", `/api/accounts/${encodeURIComponent(account.username)}/password`, { body: { password } }),
    );
    form.reset();
    closeDone($("password-dialog"));
    await afterAccountChange(t("admin.password.done", { username: account.username }), account.username, "password");
  } catch (error) {
    showErrors(form, error);
  }
}

function openToggle(account, action) {
  const form = $("confirm-form");
  clearErrors(form);
  const disabling = action === "disable";
  state.confirming = { account, disabling };
  $("confirm-title").textContent = t(disabling ? "admin.disable.title" : "admin.enable.title", { username: account.username });
  $("confirm-body").textContent = t(disabling ? "admin.disable.body" : "admin.enable.body");
  const ok = $("confirm-ok");
  ok.textContent = t(disabling ? "admin.action.disable" : "admin.action.enable");
  ok.className = disabling ? "danger" : "primary";
  openDialog($("confirm-dialog"), { username: account.username, action });
}

async function onConfirm(event) {
  event.preventDefault();
  const form = event.currentTarget;
  const { account, disabling } = state.confirming;
  clearErrors(form);
  try {
    await whileBusy(form, () =>
      api("PATCH", `/api/accounts/${encodeURIComponent(account.username)}`, { body: { disabled: disabling } }),
    );
    closeDone($("confirm-dialog"));
    const message = t(disabling ? "admin.disabledDone" : "admin.enabledDone", { username: account.username });
    // The row now offers the opposite action: focus lands there.
    await afterAccountChange(message, account.username, disabling ? "enable" : "disable");
  } catch (error) {
    showErrors(form, error);
  }
}

// ---- audit log ----

function readFilters(form) {
  const values = form.elements;
  const query = {};
  for (const name of ["actor", "unit", "kind"]) {
    const value = values[name].value.trim();
    if (value) query[name] = value;
  }
  // Dates are days of assessment time (Asia/Shanghai); "to" includes its whole day.
  if (values.from.value) query.from = shanghaiIso(values.from.value);
  if (values.to.value) query.to = shanghaiIso(nextDay(values.to.value));
  return query;
}

async function onFilter(event) {
  event.preventDefault();
  const form = $("audit-filters");
  clearErrors(form);
  const { from, to } = form.elements;
  if (from.value && to.value && to.value < from.value) {
    fieldError(form, "to", t("admin.filter.badRange"));
    return;
  }
  state.auditQuery = readFilters(form);
  state.auditOffset = 0;
  await whileBusy(form, loadAudit);
}

async function loadAudit() {
  const form = $("audit-filters");
  const params = new URLSearchParams({ ...state.auditQuery, limit: PAGE_SIZE, offset: state.auditOffset });
  try {
    state.audit = await api("GET", `/api/audit?${params}`);
  } catch (error) {
    showErrors(form, error);
    return;
  }
  renderAudit();
}

function renderAudit() {
  const page = state.audit;
  if (!page) return;
  const rows = page.items.map(auditRow);
  const filtered = Object.keys(state.auditQuery).length > 0;
  if (!rows.length) {
    rows.push(h("tr", {}, h("td", { colspan: 5, className: "muted" }, t(filtered ? "admin.audit.emptyFiltered" : "admin.audit.empty"))));
  }
  const query = new URLSearchParams({ ...state.auditQuery, lang: currentLang() === "en" ? "en" : "zh" });
  $("audit-csv").href = `/api/audit/export.csv?${query}`;
  $("audit-xlsx").href = `/api/audit/export.xlsx?${query}`;
  $("audit-body").replaceChildren(...rows);
  $("audit-summary").textContent = page.total
    ? t("admin.pager.summary", { first: page.offset + 1, last: page.offset + page.items.length, total: page.total })
    : t("admin.pager.none");
  const prev = $("audit-prev");
  const next = $("audit-next");
  const hadFocus = document.activeElement === prev || document.activeElement === next;
  prev.disabled = page.offset === 0;
  next.disabled = page.offset + page.items.length >= page.total;
  if (hadFocus && document.activeElement.disabled) (prev.disabled ? next : prev).focus();
}

async function turnPage(step) {
  if (!state.audit) return;
  state.auditOffset = Math.max(0, state.auditOffset + step * PAGE_SIZE);
  await loadAudit();
}

function cell(value, className) {
  return h("td", { className }, value === null || value === undefined || value === "" ? h("span", { className: "muted" }, "—") : value);
}

// One entry as a sentence with names ("张三 将 梅列区 会前两小时点名 标为 迟到"), in the page's
// language; the stored before/after stay one click away for the curious.
function auditRow(entry) {
  return h(
    "tr",
    { "data-action": entry.action, "data-kind": entry.kind ?? "", "data-entity-key": entry.entity_key ?? "" },
    h("td", { className: "admin-nowrap" }, h("time", { datetime: entry.at }, shanghaiMinute(entry.at))),
    cell(entry.actor_name || (entry.actor ? null : t("admin.system"))),
    h("td", { className: "admin-sentence" }, currentLang() === "en" ? entry.sentence_en : entry.sentence),
    cell(entry.address, "admin-nowrap"),
    h("td", { className: "admin-change" }, changeView(entry.before, entry.after)),
  );
}

function show(value) {
  if (value === null || value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

function changes(before, after) {
  const fields = [...new Set([...Object.keys(before || {}), ...Object.keys(after || {})])];
  return fields.map((field) => {
    const was = before ? before[field] : undefined;
    const now = after ? after[field] : undefined;
    return { field, was, now, changed: JSON.stringify(was) !== JSON.stringify(now) };
  });
}

// The stored record before → after, as it was written: behind a summary in words, since its
// field names are the API's.
function changeView(before, after) {
  if (!before && !after) return h("span", { className: "muted" }, "—");
  const all = changes(before, after);
  const changed = all.filter((c) => c.changed);
  const summary = h("summary", {}, t("admin.diff.summary", { count: changed.length }));
  const table = h(
    "table",
    { className: "admin-diff-table" },
    h(
      "thead",
      {},
      h("tr", {}, ...["admin.diff.field", "admin.diff.before", "admin.diff.after"].map((key) => h("th", { scope: "col" }, t(key)))),
    ),
    h(
      "tbody",
      {},
      ...all.map((c) =>
        h(
          "tr",
          { className: c.changed ? "admin-diff-changed" : null },
          h("th", { scope: "row" }, c.field),
          h("td", {}, before ? show(c.was) : "—"),
          h("td", {}, after ? show(c.now) : "—"),
        ),
      ),
    ),
  );
  return h("details", { className: "admin-diff" }, summary, table);
}

// The filters' pickers: people by name, units by name, kinds in words.
async function fillAuditPickers() {
  const people = await api("GET", "/api/audit/people");
  const form = $("audit-filters");
  const keep = (select, options) => {
    const chosen = select.value;
    select.replaceChildren(...options);
    select.value = chosen;
  };
  keep(form.elements.actor, [
    h("option", { value: "" }, t("admin.filter.anyone")),
    ...people.map((person) => h("option", { value: person.username }, person.display_name)),
  ]);
  keep(form.elements.unit, [
    h("option", { value: "" }, t("admin.filter.anyUnit")),
    ...state.units.map((unit) => h("option", { value: unit.code }, unit.name)),
  ]);
  keep(form.elements.kind, [
    h("option", { value: "" }, t("admin.filter.anyKind")),
    ...AUDIT_KINDS.map((kind) => h("option", { value: kind }, t(`audit.kind.${kind}`))),
  ]);
}

// ---- start ----

function translateAttributes() {
  for (const node of document.querySelectorAll("[data-i18n-aria-label]")) {
    node.setAttribute("aria-label", t(node.dataset.i18nAriaLabel));
  }
  document.title = `${t("admin.title")} · ${t("app.name")}`;
}

function redraw() {
  announce("");
  translateAttributes();
  renderAccounts();
  renderAudit();
  fillAuditPickers();
  for (const form of [$("create-form"), $("edit-form")]) {
    const select = form.elements.unit;
    fillUnitSelect(select, select.value);
  }
}

function wire() {
  const create = $("create-form");
  create.addEventListener("submit", onCreate);
  create.elements.role.addEventListener("change", () => syncUnitField(create));
  const edit = $("edit-form");
  edit.addEventListener("submit", onEdit);
  edit.elements.role.addEventListener("change", () => syncUnitField(edit));
  $("password-form").addEventListener("submit", onPassword);
  $("confirm-form").addEventListener("submit", onConfirm);
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.addEventListener("close", onDialogClose);
    for (const button of dialog.querySelectorAll("[data-close]")) button.addEventListener("click", () => dialog.close());
  }
  $("accounts-body").addEventListener("click", onAccountAction);
  const filters = $("audit-filters");
  filters.addEventListener("submit", onFilter);
  filters.addEventListener("reset", () => setTimeout(() => filters.requestSubmit()));
  $("audit-prev").addEventListener("click", () => turnPage(-1));
  $("audit-next").addEventListener("click", () => turnPage(1));
  document.addEventListener("vcwatch:langchange", redraw);
}

async function main() {
  const session = await startPage(MESSAGES);
  state.me = session.account.username;
  translateAttributes();
  let accounts;
  let units;
  try {
    [accounts, units] = await Promise.all([api("GET", "/api/accounts"), api("GET", "/api/units")]);
  } catch (error) {
    if (error instanceof ApiError && error.status === 403) {
      $("no-access").hidden = false;
    } else {
      const failed = $("load-error");
      failed.textContent = t("admin.loadFailed", { reason: errorDetails(error)[0].text });
      failed.hidden = false;
    }
    return;
  }
  state.units = [...units].sort((a, b) => a.code.localeCompare(b.code));
  state.unitsByCode = new Map(state.units.map((u) => [u.code, u]));
  state.accounts = accounts;
  wire();
  for (const form of [$("create-form"), $("edit-form")]) {
    fillUnitSelect(form.elements.unit, null);
    syncUnitField(form);
  }
  renderAccounts();
  $("accounts-section").hidden = false;
  $("audit-section").hidden = false;
  await fillAuditPickers();
  await loadAudit();
}

main();
