// The header every page shares: who is logged in, where they may go, language, log out.
import { logOut, requireSession } from "./api.js";
import { currentLang, register, setLang, translatePage } from "./i18n.js";

const PAGES = [
  { href: "/console", key: "nav.console", roles: ["admin", "controller"] },
  { href: "/venues", key: "nav.venues", roles: ["admin", "controller"] },
  { href: "/record", key: "nav.record", roles: ["admin", "controller", "reviewer"] },
  { href: "/county", key: "nav.county", roles: ["admin", "county_it", "reviewer"] },
  { href: "/review", key: "nav.review", roles: ["admin", "reviewer", "county_it"] },
  { href: "/admin", key: "nav.admin", roles: ["admin"] },
];

export async function startPage(messages = {}) {
  register(messages);
  const session = await requireSession();
  const header = document.querySelector("header.shell");
  if (header) renderHeader(header, session.account);
  document.documentElement.lang = currentLang() === "en" ? "en" : "zh-CN";
  translatePage();
  return session;
}

function renderHeader(header, account) {
  header.replaceChildren();
  const title = document.createElement("strong");
  title.dataset.i18n = "app.name";
  header.append(title);
  const nav = document.createElement("nav");
  for (const page of PAGES.filter((p) => p.roles.includes(account.role))) {
    const link = document.createElement("a");
    link.href = page.href;
    link.dataset.i18n = page.key;
    if (location.pathname === page.href) link.setAttribute("aria-current", "page");
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
