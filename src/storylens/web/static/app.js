// storylens pages: the only script. No inline code anywhere (the Content-Security-Policy
// forbids it), and text is never inserted as HTML.
"use strict";

// Mark a range of one paragraph. `spec` is "p-{article}-{paragraph}:{start}:{end}": character
// offsets into the paragraph's text (the single text node of its span.t). Used for the
// sentences of copies now, for the facts of the comparison later.
function highlightRange(spec) {
  const m = /^(p-[^:]+):(\d+):(\d+)$/.exec(spec || "");
  if (!m) return null;
  const para = document.getElementById(m[1]);
  const span = para && para.querySelector(".t");
  if (!span) return null;
  document.querySelectorAll("mark.hl").forEach((old) => {
    const parent = old.parentNode;
    old.replaceWith(document.createTextNode(old.textContent));
    parent.normalize();
  });
  const text = span.firstChild;
  const start = Number(m[2]), end = Math.min(Number(m[3]), text ? text.length : 0);
  if (!text || start >= end) return null;
  const range = document.createRange();
  range.setStart(text, start);
  range.setEnd(text, end);
  const mark = document.createElement("mark");
  mark.className = "hl";
  range.surroundContents(mark);
  mark.scrollIntoView({ block: "center" });
  return mark;
}

document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-highlight]");
  if (target) highlightRange(target.getAttribute("data-highlight"));
  // an element with data-highlight-link="p-…:start:end" highlights that range when clicked
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-highlight-link]");
    if (link && highlightRange(link.getAttribute("data-highlight-link"))) event.preventDefault();
  });
});
