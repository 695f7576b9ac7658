// The header every page shares: who is logged in, where they may go, language, log out. Which
// pages a role may open is the server's to say (app/api/pages.py): the session lists them.
import { logOut, requireSession } from "./api.js";
import { currentLang, register, setLang, translatePage } from "./i18n.js";

export async function startPage(messages = {}) {
  register(messages);
  const session = await requireSession();
  const header = document.querySelector("header.shell");
  if (header) renderHeader(header, session);
  document.documentElement.lang = currentLang() === "en" ? "en" : "zh-CN";
  translatePage();
  return session;
}

function renderHeader(header, { account, pages }) {
  header.replaceChildren();
  const title = document.createElement("strong");
  title.dataset.i18n = "app.name";
  header.append(title);
  const nav = document.createElement("nav");
  for (const path of pages) {
    const link = document.createElement("a");
    link.href = path;
    link.dataset.i18n = `nav.${path.slice(1)}`;
    if (location.pathname === path) link.setAttribute("aria-current", "page");
    nav.append(link);
  }
  header.append(nav);
  const who = document.createElement("span");
  who.className = "who";
  const role = document.createElement("span");
  role.dataset.i18n = `role.${account.role}`;
  who.append(`${account.display_name} · `, role, account.unit ? ` · ${account.unit_name || account.unit}` : "");
  const lang = document.createElement("button");
  lang.type = "button";
  lang.dataset.i18n = "lang.switch";
  lang.addEventListener("click", () => setLang(currentLang() === "en" ? "zh" : "en"));
  const out = document.createElement("button");
  out.type = "button";
  out.dataset.i18n = "nav.logout";
  out.addEventListener("click", () => logOut());
  header.append(who, lang, out);
}
