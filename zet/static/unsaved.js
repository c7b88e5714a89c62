// Warn before leaving a page whose form has changes that were not saved.
(function () {
  "use strict";
  document.querySelectorAll("form[data-warn-unsaved]").forEach(function (form) {
    form.dataset.dirty = "false";
    form.addEventListener("input", function () { form.dataset.dirty = "true"; });
    form.addEventListener("change", function () { form.dataset.dirty = "true"; });
    form.addEventListener("submit", function () { form.dataset.submitting = "true"; });
  });
  window.addEventListener("beforeunload", function (event) {
    var dirty = Array.prototype.some.call(
      document.querySelectorAll("form[data-warn-unsaved]"),
      function (form) { return form.dataset.dirty === "true" && form.dataset.submitting !== "true"; });
    if (dirty) {
      event.preventDefault();
      event.returnValue = "U heeft wijzigingen die nog niet zijn opgeslagen.";
      return event.returnValue;
    }
  });
})();

// After a form was sent: if the page that came back shows no error, the local backup of that
// form (kept by perspectief.js) has served its purpose.
(function () {
  "use strict";
  try {
    var pending = sessionStorage.getItem("zet-pending-clear");
    if (pending && !document.querySelector(".flash-error")) { localStorage.removeItem(pending); }
    sessionStorage.removeItem("zet-pending-clear");
  } catch (e) { /* storage disabled */ }
})();

// Logging out removes every local backup of this browser (perspectief.js keeps them per user,
// under keys starting with "zet-"), so the next person on a shared computer finds nothing.
(function () {
  "use strict";
  document.querySelectorAll("form[data-logout]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (window.zetQueue && window.zetQueue.count() > 0 && !window.confirm(
          "Er staan nog wijzigingen klaar die zonder verbinding zijn opgeslagen. Ze worden " +
          "verzonden zodra er verbinding is; als u nu uitlogt, gaan ze verloren. Toch uitloggen?")) {
        event.preventDefault();
        return;
      }
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var key = localStorage.key(i);
          if (key && key.indexOf("zet-") === 0) { localStorage.removeItem(key); }
        }
        sessionStorage.clear();
      } catch (e) { /* storage disabled: nothing was kept */ }
    });
  });
})();

// A form with data-confirm asks before it is sent (deleting a casus, for example).
(function () {
  "use strict";
  document.querySelectorAll("form[data-confirm]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!window.confirm(form.dataset.confirm)) { event.preventDefault(); }
    });
  });
})();
