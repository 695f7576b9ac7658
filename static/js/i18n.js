// zh-CN first, English available: the choice is kept in localStorage ("vcwatch.lang").
// The words every page shares — roles, statuses, sources, checkpoints, types, items, field names
// and the sentence for every error code — live once in glossary.json; pages add their own labels.
import glossary from "./glossary.json" with { type: "json" };

const dictionaries = { ...glossary };
let lang = localStorage.getItem("vcwatch.lang") || "zh";

export function register(messages) {
  for (const [key, pair] of Object.entries(messages)) {
    // A page never redefines a shared word: one status, one spelling, on every page.
    if (!(key in glossary)) dictionaries[key] = pair;
  }
}

export function has(key) {
  return key in dictionaries;
}

// The user's sentence for an API error detail ({loc, msg, type, code}); never the server's text.
export function errorText(detail, status) {
  const list = Array.isArray(detail) ? detail : [];
  if (!list.length) return t(status ? `error.http.${status}` : "error.network", { status: status ?? "" });
  const sentences = list.map((entry) => {
    const field = fieldName(entry.loc || []);
    const code = entry.code || (entry.type ? `invalid.${entry.type}` : "");
    if (has(`error.${code}`)) return t(`error.${code}`, { field, status });
    if (code.startsWith("invalid.")) return t("error.invalid", { field });
    if (status && has(`error.http.${status}`)) return t(`error.http.${status}`);
    return t("error.unknown", { status: status ?? "" });
  });
  return [...new Set(sentences)].join(lang === "en" ? " " : "");
}

function fieldName(loc) {
  const names = loc.filter((part) => typeof part === "string" && !["body", "query", "path", "header"].includes(part));
  for (const name of names.reverse()) {
    const key = `field.${name.toLowerCase() === "idempotency-key" ? "Idempotency-Key" : name}`;
    if (has(key)) return t(key);
  }
  return t("field.unknown");
}

export function t(key, params = {}) {
  const pair = dictionaries[key];
  let text = pair ? pair[lang === "en" ? 1 : 0] : key;
  for (const [name, value] of Object.entries(params)) text = text.replaceAll(`{${name}}`, value);
  return text;
}

export function currentLang() {
  return lang;
}

export function setLang(next) {
  lang = next;
  localStorage.setItem("vcwatch.lang", next);
  document.documentElement.lang = next === "en" ? "en" : "zh-CN";
  translatePage();
  // Pages that build text with t() listen for this to redraw it.
  document.dispatchEvent(new CustomEvent("vcwatch:langchange", { detail: { lang: next } }));
}

// Elements with a data-i18n key get their text from the dictionary.
export function translatePage(root = document) {
  for (const element of root.querySelectorAll("[data-i18n]")) element.textContent = t(element.dataset.i18n);
  for (const element of root.querySelectorAll("[data-i18n-placeholder]")) {
    element.placeholder = t(element.dataset.i18nPlaceholder);
  }
}

register({
  "app.name": ["视频会议考核", "Video-conference assessment"],
  "nav.console": ["会议主控台", "Console"],
  "nav.county": ["本单位登记", "County register"],
  "nav.venues": ["会场画面", "Venues"],
  "nav.review": ["考核审核", "Review"],
  "nav.admin": ["账号管理", "Accounts"],
  "nav.logout": ["退出", "Log out"],
  "login.title": ["登录", "Log in"],
  "login.username": ["用户名", "Username"],
  "login.password": ["密码", "Password"],
  "login.submit": ["登录", "Log in"],
  "lang.switch": ["English", "中文"],
  "nav.record": ["记录与会议", "Records & meetings"],
  "page.forbidden": ["无权访问", "No access"],
  "page.forbidden.body": ["您的账号无权打开此页面。如需使用，请联系管理员。", "Your account may not open this page. Ask an administrator if you need it."],
  "page.not_found": ["页面不存在", "Page not found"],
  "page.not_found.body": ["您访问的地址不存在，可能已被移动或输入有误。", "There is no page at this address: it may have moved, or the address is mistyped."],
  "page.home": ["返回首页", "Back to the start page"],
});
