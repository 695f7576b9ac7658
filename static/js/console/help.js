// The keyboard help overlay ("?"): every shortcut of the page, by mode.

import { t } from "../i18n.js";
import { clear, h } from "./dom.js";

function keys(...names) {
  return names.flatMap((name, index) => [index ? " " : null, h("kbd", { text: name })]);
}

function section(title, rows) {
  return h("section", {},
    h("h3", { text: title }),
    h("dl", {}, rows.map(([names, label]) => [h("dt", {}, keys(...names)), h("dd", { text: t(label) })])),
  );
}

export class Help {
  constructor(dialog) {
    this.dialog = dialog;
    dialog.addEventListener("click", (event) => {
      if (event.target === dialog) dialog.close();
    });
  }

  render(typeKeys) {
    const palette = typeKeys.map(([key, name]) => h("li", {}, h("kbd", { text: key }), " ", name));
    clear(this.dialog,
      h("div", { class: "help-head" },
        h("h2", { id: "help-title", text: t("help.title") }),
        h("button", { type: "button", class: "quiet", text: t("help.close"), onclick: () => this.dialog.close() }),
      ),
      h("div", { class: "help-columns" },
        h("section", {},
          section(t("help.global"), [
            [["?"], "help.k.help"],
            [["⇧1", "⇧2", "⇧3"], "help.k.modes"],
            [["Ctrl+Z"], "help.k.undo"],
            [["Esc"], "help.k.escape"],
          ]),
          section(t("help.flags"), [
            [["⇧F"], "help.k.flags_focus"],
            [["↑", "↓", "K", "J"], "help.k.flags_move"],
            [["Y"], "help.k.flags_confirm"],
            [["X"], "help.k.flags_dismiss"],
            [["Enter"], "help.k.flags_enlarge"],
            [["Esc"], "help.k.flags_leave"],
          ]),
        ),
        section(t("help.rollcall"), [
          [["←", "→", "↑", "↓"], "help.k.move"],
          [["P", "1"], "help.k.present"],
          [["L", "2"], "help.k.late"],
          [["A", "3"], "help.k.absent"],
          [["E", "4"], "help.k.excused"],
        ]),
        h("section", {},
          section(t("help.incidents"), [
            [["0–9"], "help.k.number"],
            [["/"], "help.k.filter"],
            [["↑", "↓"], "help.k.arrows"],
            [["Q…H"], "help.k.type"],
            [["N"], "help.k.note"],
            [["Ctrl+V"], "help.k.paste"],
          ]),
          palette.length ? h("ul", { class: "help-palette" }, palette) : null,
        ),
      ),
    );
  }

  toggle() {
    if (this.dialog.open) this.dialog.close();
    else this.dialog.showModal();
  }
}
