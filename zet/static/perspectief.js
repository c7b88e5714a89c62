// Perspective form: which button was pressed, autosave of drafts, a local backup of what was
// typed (restored after a failed save or a crash), and adding quote rows.
(function () {
  "use strict";
  var form = document.getElementById("perspectief-form");
  if (!form) { return; }
  var status = document.getElementById("autosave-status");
  var actie = document.getElementById("actie");
  var seconds = parseInt(form.dataset.autosaveSeconds || "30", 10);
  var storageKey = form.dataset.storageKey;
  var changedSinceSave = false;
  var busy = false;
  var inFlight = null;      // the promise of the autosave under way, if any
  var sendPending = false;  // a save button was pressed while an autosave was under way

  function say(text, isError) {
    status.textContent = text;
    status.classList.toggle("error", !!isError);
  }

  function snapshot() {
    var values = {};
    new FormData(form).forEach(function (value, key) {
      if (key !== "csrf_token" && key !== "actie" && key !== "version") { values[key] = value; }
    });
    return values;
  }

  function backup() {
    try {
      localStorage.setItem(storageKey, JSON.stringify({ savedAt: new Date().toISOString(), values: snapshot() }));
    } catch (e) { /* storage full or disabled: the server autosave still runs */ }
  }

  function clearBackup() {
    try { localStorage.removeItem(storageKey); } catch (e) { /* ignore */ }
  }

  function restore(values) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "version") { return; }
      if (el.type === "checkbox") { el.checked = el.name in values; return; }  // unticked: absent
      if (!(el.name in values)) { return; }
      if (el.type === "radio") { el.checked = (el.value === values[el.name]); }
      else { el.value = values[el.name]; }
    });
    form.dataset.dirty = "true";
    changedSinceSave = true;
  }

  function offerRestore() {
    var raw;
    try { raw = localStorage.getItem(storageKey); } catch (e) { return; }
    if (!raw) { return; }
    var stored = JSON.parse(raw);
    if (JSON.stringify(stored.values) === JSON.stringify(snapshot())) { clearBackup(); return; }
    var banner = document.createElement("div");
    banner.className = "restore-banner";
    banner.id = "herstel";
    banner.setAttribute("role", "alert");
    var when = new Date(stored.savedAt);
    banner.innerHTML = "<p>Er staat niet-opgeslagen invoer van " + when.toLocaleString("nl-NL") +
      " in deze browser.</p>";
    var yes = document.createElement("button");
    yes.type = "button"; yes.className = "button small"; yes.textContent = "Invoer terugzetten";
    yes.addEventListener("click", function () { restore(stored.values); banner.remove(); say("Invoer teruggezet; vergeet niet op te slaan."); });
    var no = document.createElement("button");
    no.type = "button"; no.className = "button secondary small"; no.textContent = "Weggooien";
    no.addEventListener("click", function () { clearBackup(); banner.remove(); });
    banner.appendChild(yes); banner.appendChild(no);
    form.parentNode.insertBefore(banner, form);
  }

  function autosave() {
    if (!changedSinceSave || busy) { return inFlight; }
    busy = true;
    var data = new FormData(form);
    data.set("actie", "autosave");
    var sentChanges = changedSinceSave;
    changedSinceSave = false;
    inFlight = fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-CSRFToken": form.elements.csrf_token.value }
    }).then(function (response) {
      return response.json().then(function (body) { return { status: response.status, body: body }; });
    }).then(function (result) {
      busy = false;
      if (result.body.ok) {
        document.getElementById("version").value = result.body.version;
        if (form.action.indexOf(result.body.url) === -1) {
          form.action = result.body.url;
          history.replaceState(null, "", result.body.url);
          var newKey = form.dataset.storagePrefix + result.body.url.split("/").pop();
          clearBackup(); storageKey = newKey; form.dataset.storageKey = newKey;
        }
        if (!changedSinceSave) { form.dataset.dirty = "false"; clearBackup(); }
        say("Concept automatisch opgeslagen om " + result.body.saved_at + ".");
      } else {
        changedSinceSave = sentChanges;
        if (result.body.conflict) { clearInterval(timer); }
        say("Automatisch opslaan lukte niet: " + result.body.error, true);
      }
    }).catch(function () {
      busy = false;
      changedSinceSave = sentChanges;
      say("Automatisch opslaan lukte niet (geen verbinding?). Uw invoer staat veilig in deze browser.", true);
    });
    return inFlight;
  }

  form.addEventListener("input", function () { changedSinceSave = true; backup(); });
  form.addEventListener("change", function () { changedSinceSave = true; backup(); });
  form.querySelectorAll("button[data-actie]").forEach(function (button) {
    button.addEventListener("click", function () { actie.value = button.dataset.actie; });
  });

  document.getElementById("citaat-toevoegen").addEventListener("click", function () {
    var rows = document.querySelectorAll("#citaten .citaat");
    var last = rows[rows.length - 1];
    var clone = last.cloneNode(true);
    var index = rows.length;
    clone.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/citaten-\d+-/, "citaten-" + index + "-")); }
      });
      if (el.type === "checkbox") { el.checked = false; }
      else if (el.tagName === "TEXTAREA" || el.tagName === "INPUT") { el.value = ""; }
      if (el.tagName === "SELECT") { el.selectedIndex = 0; }
    });
    clone.querySelectorAll(".field-error").forEach(function (el) { el.remove(); });
    last.parentNode.appendChild(clone);
    clone.querySelector("textarea").focus();
  });

  var firstError = form.querySelector(".has-error input, .has-error textarea, .has-error select");
  if (firstError) { firstError.focus(); }
  offerRestore();
  var timer = seconds > 0 ? setInterval(autosave, seconds * 1000) : null;
  function beforeSend() {
    backup();
    try { sessionStorage.setItem("zet-pending-clear", storageKey); } catch (e) { /* ignore */ }
  }
  form.addEventListener("submit", function (event) {
    if (timer) { clearInterval(timer); timer = null; }
    if (sendPending) { event.preventDefault(); return; }
    if (busy && inFlight) {
      // An autosave is on its way. Sent now, this save would carry the version from before
      // that autosave (or, for a new perspective, go to the "new" address although the
      // autosave just created it), and the server would report a conflict with the user's own
      // autosave. Send it once the autosave has answered:
      // then the form has the new version and the address of the stored perspective.
      // (If the autosave never answers, send anyway after 10 s: the server checks versions.)
      event.preventDefault();
      sendPending = true;
      say("Even geduld: het automatisch opslaan wordt eerst afgerond.");
      var sent = false;
      var send = function () {
        if (sent) { return; }
        sent = true;
        beforeSend();
        HTMLFormElement.prototype.submit.call(form);
      };
      inFlight.then(send);
      setTimeout(send, 10000);
      return;
    }
    beforeSend();
  });
  window.zetAutosave = autosave;  // lets tests and impatient users trigger a save now
})();
