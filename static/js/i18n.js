// zh-CN first, English available: the choice is kept in localStorage ("vcwatch.lang").

const dictionaries = {};
let lang = localStorage.getItem("vcwatch.lang") || (navigator.language.startsWith("zh") ? "zh" : "zh");

export function register(messages) {
  for (const [key, pair] of Object.entries(messages)) dictionaries[key] = pair;
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

// Elements with data-i18n="key" get their text from the dictionary.
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
  "role.admin": ["管理员", "admin"],
  "role.controller": ["会议主控", "controller"],
  "role.county_it": ["县级信息化人员", "county IT"],
  "role.reviewer": ["政府办审核", "reviewer"],
});
