// The login page: sign in, then go to `next` when it is a path of this site, else the page the
// session names as the person's start (the server keeps which role starts where).
import { api } from "/static/js/api.js";
import { currentLang, setLang, translatePage } from "/static/js/i18n.js";

// `next` as the browser itself would resolve it, kept only when it stays on this origin and is
// a plain path: "/\evil.example", "/%09/evil.example", "https:evil.example" and the like resolve
// elsewhere or do not start with a single "/" and are dropped.
export function safeNext(next, origin = location.origin) {
  if (!next || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")) return null;
  let url;
  try {
    url = new URL(next, origin);
  } catch {
    return null;
  }
  if (url.origin !== origin) return null;
  if (!url.pathname.startsWith("/") || url.pathname.startsWith("//")) return null;
  return url.pathname + url.search + url.hash;
}

function start() {
  translatePage();
  fetch("/api/session", { credentials: "same-origin" }).then(async (response) => {
    if (response.ok) location.assign((await response.json()).home);
  });
  document.getElementById("lang").addEventListener("click", () => setLang(currentLang() === "en" ? "zh" : "en"));
  document.getElementById("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = new FormData(event.target);
    const error = document.getElementById("login-error");
    error.textContent = "";
    try {
      const session = await api("POST", "/api/session", {
        body: { username: form.get("username"), password: form.get("password") },
      });
      const next = safeNext(new URLSearchParams(location.search).get("next"));
      location.assign(next || session.home);
    } catch (failure) {
      error.textContent = failure.message;
    }
  });
}

if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
else start();
