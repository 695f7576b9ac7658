// The 无权访问 and 页面不存在 pages: translated, with a language switch.
import { currentLang, setLang, translatePage } from "/static/js/i18n.js";

translatePage();
document.documentElement.lang = currentLang() === "en" ? "en" : "zh-CN";
document.getElementById("lang").addEventListener("click", () => setLang(currentLang() === "en" ? "zh" : "en"));
