// Venues: signal state of each venue's source, its current picture and its reference frame.
import { api } from "/static/js/api.js";
import { register, t } from "/static/js/i18n.js";
import { startPage } from "/static/js/shell.js";
import { h } from "/static/js/dom.js";
import { errorText } from "/static/js/checks/kinds.js";
import { loadInbox, setupInbox, updateNames } from "/static/js/venues/inbox.js";

register({
  "venues.title": ["会场画面与基准帧", "Venue pictures and reference frames"],
  "venues.hint": [
    "基准帧在会场布置验收时设定；画面检测以它判断偏转与移动。",
    "The reference frame is taken when a venue's setup is approved; tilt and movement are judged against it.",
  ],
  "venues.venue": ["会场", "Venue"],
  "venues.signal": ["信号", "Signal"],
  "venues.source": ["信号源", "Source"],
  "venues.reference_set": ["基准帧", "Reference"],
  "venues.current": ["当前画面", "Current picture"],
  "venues.reference": ["基准帧", "Reference frame"],
  "venues.take_reference": ["以当前画面为基准帧", "Use the current picture as reference"],
  "venues.configure": ["信号源设置", "Source settings"],
  "venues.url": ["地址（RTSP / HTTP MJPEG / 文件）", "Address (RTSP / HTTP MJPEG / file)"],
  "venues.interval": ["采样间隔（秒）", "Sampling interval (s)"],
  "venues.enabled": ["启用", "Enabled"],
  "venues.save": ["保存", "Save"],
  "venues.online": ["在线", "online"],
  "venues.offline": ["信号源离线", "source offline"],
  "venues.unknown": ["未知", "unknown"],
  "venues.pushed": ["外部推送", "pushed frames"],
  "venues.no_source": ["未配置", "no source"],
  "venues.sampler": ["采样进程", "Sampler"],
  "venues.no_sampler": ["—", "—"],
  "venues.offline_since": ["自 {since} 起离线，失败 {count} 次", "offline since {since}, {count} failures"],
  "venues.saved": ["信号源设置已保存", "Source settings saved"],
  "venues.none": ["未设定", "not set"],
  "venues.no_sample": ["尚无画面", "no picture yet"],
  "venues.reference_taken": ["基准帧已更新", "Reference frame updated"],
});

const STATUS_CLASS = { online: "ok", offline: "bad", unknown: "" };
let selected = null;
let account = null;

async function loadVenues() {
  const venues = await api("GET", "/api/venues");
  const rows = venues.map((venue) => {
    const row = h(
      "tr",
      { tabindex: "0", "aria-selected": venue.unit === selected ? "true" : "false" },
      h("td", { title: venue.unit }, venue.name),
      h(
        "td",
        {},
        h("span", { class: `pill ${STATUS_CLASS[venue.status] || ""}` }, t(`venues.${venue.status}`)),
        venue.offline_since
          ? h(
              "div",
              { class: "muted small offline-period" },
              t("venues.offline_since", {
                since: venue.offline_since.replace("T", " ").slice(5, 16),
                count: String(venue.offline_failures),
              }),
            )
          : null,
      ),
      h("td", { class: "muted" }, sourceText(venue)),
      h("td", { class: "muted sampler" }, venue.sampler || t("venues.no_sampler")),
      h("td", { class: "audio-state" }, t(`audio.${venue.audio_state}`)),
      h("td", {}, venue.reference ? venue.reference_set_at.replace("T", " ").slice(0, 16) : t("venues.none")),
    );
    row.dataset.unit = venue.unit;
    const open = () => showVenue(venue);
    row.addEventListener("click", open);
    row.addEventListener("keydown", (event) => {
      if (event.key === "Enter") open();
    });
    return row;
  });
  document.getElementById("venue-rows").replaceChildren(...rows);
  updateNames(venues);
  return venues;
}

// Frames pushed by a grabber leave a sample without a source address; no address and no sample
// means nothing is configured.
function sourceText(venue) {
  if (venue.url) return venue.url;
  return venue.last_sample_at ? t("venues.pushed") : t("venues.no_source");
}

function showImage(image, url, caption, present, when) {
  image.hidden = !present;
  if (present) image.src = `${url}?t=${Date.now()}`;
  caption.textContent = present ? when : t("venues.no_sample");
}

function showVenue(venue) {
  selected = venue.unit;
  for (const row of document.querySelectorAll("#venue-rows tr")) {
    row.setAttribute("aria-selected", row.dataset.unit === selected ? "true" : "false");
  }
  document.getElementById("venue-detail").hidden = false;
  document.getElementById("detail-title").textContent = venue.name;
  document.getElementById("detail-error").textContent = "";
  document.getElementById("detail-status").hidden = true;
  showImage(
    document.getElementById("sample-image"),
    `/api/venues/${venue.unit}/sample`,
    document.getElementById("sample-time"),
    Boolean(venue.last_sample_at),
    venue.last_sample_at || "",
  );
  showImage(
    document.getElementById("reference-image"),
    `/api/venues/${venue.unit}/reference`,
    document.getElementById("reference-time"),
    Boolean(venue.reference),
    venue.reference ? `${venue.reference_set_at} · ${venue.reference_set_by}` : "",
  );
  const take = document.getElementById("take-reference");
  take.hidden = account.role === "reviewer";
  take.disabled = !venue.last_sample_at;
  const form = document.getElementById("source-form");
  form.hidden = account.role !== "admin";
  form.elements.url.value = venue.url || "";
  form.elements.interval_seconds.value = venue.interval_seconds;
  form.elements.enabled.checked = venue.enabled;
}

async function refresh() {
  const venues = await loadVenues();
  const current = venues.find((v) => v.unit === selected);
  if (current) showVenue(current);
}

async function main() {
  const session = await startPage();
  account = session.account;
  const venues = await loadVenues();
  setupInbox({ venues, role: account.role });
  await loadInbox();
  document.getElementById("take-reference").addEventListener("click", async () => {
    try {
      await api("PUT", `/api/venues/${selected}/reference`);
      await refresh();
      const status = document.getElementById("detail-status");
      status.textContent = t("venues.reference_taken");
      status.hidden = false;
    } catch (error) {
      document.getElementById("detail-error").textContent = errorText(error);
    }
  });
  document.getElementById("source-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    const form = event.target;
    try {
      await api("PUT", `/api/venues/${selected}`, {
        body: {
          url: form.elements.url.value.trim() || null,
          interval_seconds: Number(form.elements.interval_seconds.value),
          enabled: form.elements.enabled.checked,
        },
      });
      await refresh();
      const status = document.getElementById("detail-status");
      status.textContent = t("venues.saved");
      status.hidden = false;
    } catch (error) {
      document.getElementById("detail-error").textContent = errorText(error);
    }
  });
  setInterval(() => {
    loadVenues();
    loadInbox();
  }, 5000);
}

main();
