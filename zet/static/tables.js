// A table wider than its place scrolls inside its own box (.table-scroll), never the whole page.
// Such a box becomes a tab stop with a name, so it can be scrolled with the arrow keys too
// (WCAG 2.1.1); a table that fits gets no extra tab stop. Boxes are checked again when their
// size changes (a folded section opened, a window resized) and when a page loads more of them
// (the evidence of the totaalbeeld).
(function () {
  "use strict";
  function mark(box) {
    var scrolls = box.scrollWidth > box.clientWidth + 1;
    if (scrolls && !box.hasAttribute("tabindex")) {
      var caption = box.querySelector("caption");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Tabel") +
                       " (schuif opzij voor meer kolommen)");
    } else if (!scrolls && box.hasAttribute("tabindex")) {
      box.removeAttribute("tabindex"); box.removeAttribute("role"); box.removeAttribute("aria-label");
    }
  }
  var sizes = window.ResizeObserver ? new ResizeObserver(function (entries) {
    entries.forEach(function (entry) { mark(entry.target); });
  }) : null;
  function watch(root) {
    var boxes = Array.prototype.slice.call(root.querySelectorAll(".table-scroll"));
    if (root.matches && root.matches(".table-scroll")) { boxes.push(root); }
    boxes.forEach(function (box) {
      mark(box);
      if (sizes) { sizes.observe(box); }
    });
  }
  watch(document);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) {
      change.addedNodes.forEach(function (node) { if (node.querySelectorAll) { watch(node); } });
    });
  }).observe(document.body, { childList: true, subtree: true });
})();
