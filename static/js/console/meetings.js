// Choosing the meeting: the ones around today (Asia/Shanghai), today's first by default; and
// creating one (controllers and admins).

import { api, ApiError } from "../api.js";
import { t } from "../i18n.js";
import { addDays, clear, h, hourMinute, shanghaiDay, shanghaiMoment } from "./dom.js";

const DAYS_BEFORE = 7;
const DAYS_AFTER = 7;

export async function meetingsAroundToday() {
  const today = shanghaiDay();
  const from = encodeURIComponent(shanghaiMoment(addDays(today, -DAYS_BEFORE)));
  const to = encodeURIComponent(shanghaiMoment(addDays(today, DAYS_AFTER + 1)));
  const page = await api("GET", `/api/meetings?from=${from}&to=${to}&limit=500`);
  return page.items;
}

// Today's first meeting; else the next one; else the latest.
export function defaultMeeting(meetings, now = new Date()) {
  const today = shanghaiDay(now);
  const todays = meetings.find((m) => shanghaiDay(m.starts_at) === today);
  if (todays) return todays;
  return meetings.find((m) => Date.parse(m.starts_at) >= now.getTime()) || meetings[meetings.length - 1] || null;
}

export function meetingLabel(meeting) {
  const day = shanghaiDay(meeting.starts_at);
  const when = day === shanghaiDay() ? t("console.meeting.today") : day.slice(5);
  return `${when} ${hourMinute(meeting.starts_at)} · ${meeting.title}`;
}

export class MeetingPicker {
  constructor({ select, button, dialog, canCreate, onPick }) {
    this.select = select;
    this.button = button;
    this.dialog = dialog;
    this.form = dialog.querySelector("form");
    this.error = dialog.querySelector("#meeting-error");
    this.onPick = onPick;
    this.meetings = [];
    this.current = null;
    button.hidden = !canCreate;
    select.addEventListener("change", () => {
      const meeting = this.meetings.find((m) => m.key === select.value);
      if (meeting) this.onPick(meeting);
    });
    button.addEventListener("click", () => this.openDialog());
    dialog.querySelector("#meeting-cancel").addEventListener("click", () => dialog.close());
    this.form.addEventListener("submit", (event) => {
      event.preventDefault();
      this.create();
    });
  }

  setMeetings(meetings, current) {
    this.meetings = [...meetings].sort((a, b) => Date.parse(a.starts_at) - Date.parse(b.starts_at));
    this.current = current;
    this.render();
  }

  include(meeting) {
    if (!this.meetings.some((m) => m.key === meeting.key)) this.setMeetings([...this.meetings, meeting], this.current);
  }

  setCurrent(meeting) {
    this.current = meeting;
    this.render();
  }

  render() {
    if (!this.meetings.length) {
      clear(this.select, h("option", { value: "", text: t("console.meeting.none") }));
      return;
    }
    clear(this.select, this.meetings.map((m) => h("option", { value: m.key, text: meetingLabel(m) })));
    if (this.current) this.select.value = this.current.key;
  }

  openDialog() {
    this.form.reset();
    this.error.textContent = "";
    const now = new Date();
    this.form.elements.date.value = shanghaiDay(now);
    const nextHour = new Date(Math.ceil(now.getTime() / 3600000) * 3600000);
    this.form.elements.time.value = hourMinute(nextHour);
    this.dialog.showModal();
    this.form.elements.title.focus();
  }

  async create() {
    const title = this.form.elements.title.value.trim();
    const day = this.form.elements.date.value;
    const time = this.form.elements.time.value;
    if (!title || !day || !time) return;
    const startsAt = shanghaiMoment(day, time);
    const base = `${day}-${time.replace(":", "")}`;
    this.error.textContent = "";
    try {
      for (let attempt = 1; attempt <= 20; attempt += 1) {
        const key = attempt === 1 ? base : `${base}-${attempt}`;
        try {
          const meeting = await api("POST", "/api/meetings", { body: { key, title, starts_at: startsAt } });
          this.include(meeting);
          this.dialog.close();
          this.onPick(meeting);
          return;
        } catch (error) {
          // Another meeting holds this key: try the next one.
          if (!(error instanceof ApiError && error.status === 409)) throw error;
        }
      }
    } catch (error) {
      this.error.textContent = error.message;
    }
  }
}
