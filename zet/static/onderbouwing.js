// Totaalbeeld: load the evidence behind an element when its section is opened (the link inside
// still works without JavaScript).
(function () {
  "use strict";
  document.querySelectorAll("details[data-src]").forEach(function (details) {
    details.addEventListener("toggle", function () {
      if (!details.open || details.dataset.loaded) { return; }
      details.dataset.loaded = "1";
      fetch(details.dataset.src, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : Promise.reject(); })
        .then(function (html) { details.querySelector(".evidence-body").innerHTML = html; })
        .catch(function () { delete details.dataset.loaded; });
    });
  });
})();
