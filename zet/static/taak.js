// A background job's page (templates/taken/taak.html): ask every second how far the job is,
// move the progress bar, and reload once it is done (the page then offers the download).
(function () {
  "use strict";
  var box = document.getElementById("taak");
  if (!box || (box.dataset.status !== "wachtend" && box.dataset.status !== "bezig")) return;
  var labels = {wachtend: "Wacht op zijn beurt", bezig: "Bezig", klaar: "Klaar",
                mislukt: "Mislukt", verlopen: "Verlopen"};
  function put(id, text) {   // only on a change, so screen readers hear each stage once
    var element = document.getElementById(id);
    if (element.textContent !== text) element.textContent = text;
  }
  function show(state) {
    put("taak-status", labels[state.status] || state.status);
    put("taak-stap", state.stage);
    put("taak-procent", state.percent + " %");
    var bar = document.getElementById("taak-balk");
    bar.value = state.percent;
    bar.textContent = state.percent + " %";
    document.getElementById("taak-geen-verwerker").hidden = !state.no_worker;
  }
  function poll() {
    fetch(box.dataset.voortgang, {credentials: "same-origin", headers: {Accept: "application/json"}})
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (state) {
        show(state);
        if (state.done) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  window.setTimeout(poll, 500);
})();
