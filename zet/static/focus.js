// A focused field is always wholly in view, never under a sticky bar (the save bar of a long
// form): WCAG 2.2 "Focus not obscured". The CSS scroll-padding (zet.css) covers the usual bar;
// this covers the rest: the browser scrolls a text area only as far as its caret, and a bar
// can grow to two lines. It measures the bar where it is now, so no padding needs keeping up.
(function () {
  "use strict";
  var bars = document.querySelectorAll(".actions.sticky");
  function visibleBox(el) {
    // A visually hidden radio shows itself through its label.
    var box = el.getBoundingClientRect();
    if ((box.width < 4 || box.height < 4) && el.closest("label")) {
      box = el.closest("label").getBoundingClientRect();
    }
    return box;
  }
  function bottomLimit(el) {
    // The top of the lowest bar that would cover the field, else the bottom of the window.
    var limit = window.innerHeight;
    bars.forEach(function (bar) {
      if (!bar.contains(el)) { limit = Math.min(limit, bar.getBoundingClientRect().top); }
    });
    return limit;
  }
  function keepInView(el) {
    if (el === document.body) { return; }
    var box = visibleBox(el);
    var limit = bottomLimit(el);
    if (box.bottom > limit - 4 && box.height < limit - 16) {
      window.scrollBy(0, Math.min(box.bottom - limit + 16, box.top - 16));
    }
  }
  document.addEventListener("focusin", function (event) {
    var el = event.target;
    requestAnimationFrame(function () { if (document.activeElement === el) { keepInView(el); } });
  });
})();
