// The one way the pages talk to the server: JSON over fetch, with the session's CSRF token.
import { errorText } from "./i18n.js";

let csrfToken = null;

// An API refusal. Its message is the glossary's sentence for the error's code, in the page's
// current language; the server's English `msg` stays in `detail` for logs only.
export class ApiError extends Error {
  constructor(status, detail) {
    super();
    this.name = "ApiError";
    this.status = status;
    this.detail = detail;
  }

  get message() {
    return errorText(this.detail, this.status);
  }

  get code() {
    const first = Array.isArray(this.detail) && this.detail.length ? this.detail[0] : null;
    return first ? first.code : `http.${this.status}`;
  }
}

export function setCsrfToken(token) {
  csrfToken = token;
}

// While any request is on its way the document is aria-busy (and the pointer shows progress):
// assistive technology, the styles and the browser tests all read the one signal.
let pending = 0;

function busy(change) {
  pending += change;
  document.documentElement.setAttribute("aria-busy", pending > 0 ? "true" : "false");
}

export async function api(method, path, options = {}) {
  busy(1);
  try {
    return await request(method, path, options);
  } finally {
    busy(-1);
  }
}

async function request(method, path, { body, headers = {}, raw = false }) {
  const init = { method, headers: { ...headers }, credentials: "same-origin" };
  if (body !== undefined) {
    if (body instanceof Blob || body instanceof ArrayBuffer) {
      init.body = body;
    } else {
      init.headers["Content-Type"] = "application/json";
      init.body = JSON.stringify(body);
    }
  }
  if (method !== "GET" && csrfToken) init.headers["X-CSRF-Token"] = csrfToken;
  const response = await fetch(path, init);
  if (response.status === 401 && !path.startsWith("/api/session")) {
    goToLogin();
    throw new ApiError(401, [{ msg: "not logged in", loc: [], code: "session.required" }]);
  }
  if (!response.ok) {
    let detail = null;
    try {
      detail = (await response.json()).detail;
    } catch {
      detail = null;
    }
    throw new ApiError(response.status, detail);
  }
  if (raw) return response;
  if (response.status === 204) return null;
  return response.json();
}

export function goToLogin() {
  const next = encodeURIComponent(location.pathname + location.search);
  location.assign(`/login?next=${next}`);
}

// The logged-in account, or a trip to the login page.
export async function requireSession() {
  try {
    const session = await api("GET", "/api/session");
    setCsrfToken(session.csrf_token);
    return session;
  } catch (error) {
    if (error.status !== 401) throw error;
    goToLogin();
    return new Promise(() => {});
  }
}

export async function logOut() {
  await api("DELETE", "/api/session");
  location.assign("/login");
}

// What to tell the user about any failure: the glossary's sentence for an API error, or that the
// server could not be reached (fetch throws a TypeError with browser-specific English text).
export function describeError(error) {
  if (error instanceof ApiError) return error.message;
  return errorText(null, null);
}
