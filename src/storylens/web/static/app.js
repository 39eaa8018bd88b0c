// storylens pages: the only script. No inline code anywhere (the Content-Security-Policy
// forbids it), and text is never inserted as HTML.
"use strict";

function clearHighlight() {
  document.querySelectorAll("mark.hl").forEach((old) => {
    const parent = old.parentNode;
    while (old.firstChild) parent.insertBefore(old.firstChild, old);
    old.remove();
    parent.normalize();
  });
}

// Mark a range of one paragraph. `spec` is "p-{article}-{paragraph}:{start}:{end}": character
// offsets into the paragraph's text (the text content of its span.t, which may be cut into
// several text nodes by the marks of entities, quotes and claims). Each text node the range
// covers gets its part wrapped in <mark class="hl">; returns the first of them.
function highlightRange(spec) {
  const m = /^(p-[^:]+):(\d+):(\d+)$/.exec(spec || "");
  if (!m) return null;
  const para = document.getElementById(m[1]);
  const span = para && para.querySelector(".t");
  if (!span) return null;
  clearHighlight();
  const start = Number(m[2]);
  const end = Math.min(Number(m[3]), span.textContent.length);
  if (start >= end) return null;
  const walker = document.createTreeWalker(span, NodeFilter.SHOW_TEXT);
  const pieces = [];
  let at = 0;
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const from = Math.max(start, at), to = Math.min(end, at + node.length);
    if (from < to) pieces.push([node, from - at, to - at]);
    at += node.length;
    if (at >= end) break;
  }
  let first = null;
  for (const [node, a, b] of pieces) {
    const range = document.createRange();
    range.setStart(node, a);
    range.setEnd(node, b);
    const mark = document.createElement("mark");
    mark.className = "hl";
    range.surroundContents(mark);
    if (!first) first = mark;
  }
  if (first) first.scrollIntoView({ block: "center" });
  return first;
}

document.addEventListener("DOMContentLoaded", () => {
  const target = document.querySelector("[data-highlight]");
  if (target) highlightRange(target.getAttribute("data-highlight"));
  // An element with data-highlight-link="p-…:start:end" highlights that range when clicked, if
  // that paragraph is on the page; otherwise its link is followed (to a page that shows it).
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-highlight-link]");
    if (link && highlightRange(link.getAttribute("data-highlight-link"))) {
      event.preventDefault();
      document.querySelectorAll(".cell-on").forEach((c) => c.classList.remove("cell-on"));
      link.classList.add("cell-on");
    }
  });
});
