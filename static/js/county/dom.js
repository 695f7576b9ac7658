// The county and venues pages call the shared helper by its older name.
export { h as el } from "../dom.js";
