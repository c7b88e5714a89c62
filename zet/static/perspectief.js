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

  function dutchMoment(when) {  // dd-mm-jjjj om uu:mm, as every date in ZET
    function two(n) { return (n < 10 ? "0" : "") + n; }
    return two(when.getDate()) + "-" + two(when.getMonth() + 1) + "-" + when.getFullYear() +
      " om " + two(when.getHours()) + ":" + two(when.getMinutes());
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
    var text = document.createElement("p");
    text.textContent = "Er staat niet-opgeslagen invoer van " + dutchMoment(new Date(stored.savedAt)) +
      " in deze browser.";
    banner.appendChild(text);
    var yes = document.createElement("button");
    yes.type = "button"; yes.className = "button small"; yes.textContent = "Invoer terugzetten";
    yes.addEventListener("click", function () { restore(stored.values); banner.remove(); say("Invoer teruggezet; vergeet niet op te slaan."); });
    var no = document.createElement("button");
    no.type = "button"; no.className = "button secondary small"; no.textContent = "Weggooien";
    no.addEventListener("click", function () { clearBackup(); banner.remove(); });
    banner.appendChild(yes); banner.appendChild(no);
    form.parentNode.insertBefore(banner, form);
  }

  var OFFLINE = "Offline: wordt verzonden zodra er verbinding is. Uw invoer staat veilig in deze browser.";
  var queue = window.zetQueue;   // wachtrij.js: saves made without a connection

  function adopt(body) {
    // The server stored this form: take its version (and, for a new perspective, its address).
    document.getElementById("version").value = body.version;
    if (form.action.indexOf(body.url) === -1) {
      form.action = body.url;
      history.replaceState(null, "", body.url);
      var newKey = form.dataset.storagePrefix + body.url.split("/").pop();
      clearBackup(); storageKey = newKey; form.dataset.storageKey = newKey;
    }
    if (!changedSinceSave) { form.dataset.dirty = "false"; clearBackup(); }
  }

  function autosave() {
    if (!navigator.onLine || (queue && queue.waiting(form.action))) {
      // Without a connection the changes wait (the local copy has them); with a save of this
      // form still in the queue, that save goes first (an autosave now would conflict with it).
      if (changedSinceSave && !navigator.onLine) { say(OFFLINE); }
      return inFlight;
    }
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
        adopt(result.body);
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

  // Scoring by keyboard, one tab stop per element: on a focused score, a digit or the letter
  // of a special answer chooses it (data-key, from the instrument), Enter moves on to the
  // toelichting and "?" opens the element's explanation. The choice is announced.
  var announcement = document.getElementById("score-melding");
  form.addEventListener("keydown", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches(".smileys input[type=radio]")) { return; }
    if (event.ctrlKey || event.metaKey || event.altKey) { return; }
    var section = input.closest("section.element");
    if (event.key === "Enter") {
      event.preventDefault();  // never a submit from a score
      var text = section.querySelector("textarea");
      if (text) { text.focus(); }
      return;
    }
    if (event.key === "?") {
      event.preventDefault();
      var about = section.querySelector("details.about");
      if (about) { about.open = !about.open; }
      input.closest(".smileys").scrollIntoView({ block: "nearest" });  // the text pushed it down
      return;
    }
    var key = event.key.length === 1 ? event.key.toLowerCase() : "";
    var choice = key && section.querySelector(".smileys input[data-key='" + CSS.escape(key) + "']");
    if (!choice) { return; }
    event.preventDefault();
    choice.checked = true;
    choice.focus();
    choice.dispatchEvent(new Event("change", { bubbles: true }));
    if (announcement) {
      var label = choice.closest("label").querySelector(".text").textContent;
      announcement.textContent = section.querySelector("h2").textContent.trim() + ": " + label;
    }
  });
  // The skip link to the first element lands on its score (the chosen one, else the first).
  document.querySelectorAll("a[data-focus-score]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var section = document.querySelector(link.getAttribute("href"));
      var target = section && (section.querySelector(".smileys input:checked")
                               || section.querySelector(".smileys input"));
      if (!target) { return; }
      event.preventDefault();
      target.focus();
    });
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
    if (queue && (!navigator.onLine || queue.waiting(form.action))) {
      // No connection: a normal send would only show the browser's error page. The save waits
      // in the queue and goes out, in order and through the conflict check, once back online.
      // (With an earlier save of this form still waiting, this one goes after it, on top of it.)
      event.preventDefault();
      form.dataset.submitting = "false";   // not sent yet: leaving the page still warns
      var values = [];
      new FormData(form).forEach(function (value, key) {
        if (key !== "csrf_token") { values.push([key, value]); }
      });
      queue.add(form.action, values);
      backup();
      changedSinceSave = false;   // the queued save holds every change
      say(navigator.onLine ? "Uw invoer wordt verzonden na de opslag die nog wacht." : OFFLINE);
      queue.send();
      return;
    }
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
  if (queue) {
    queue.onAnswer(function (answer) {
      if (answer.url !== form.action) { return; }   // a save of another form
      if (answer.waiting) {
        if (answer.error) { say(answer.error, true); }
        return;
      }
      if (answer.ok) {
        adopt(answer.body);
        if (answer.body.final) {
          // Stored as definitief: an autosave now would store it as a concept again.
          if (timer) { clearInterval(timer); timer = null; }
          say("Definitief opgeslagen om " + answer.body.saved_at + " (verzonden toen de verbinding " +
              "terug was). Wijzigt u nog iets, sla dan opnieuw op.");
          return;
        }
        say("Concept opgeslagen om " + answer.body.saved_at + " (verzonden toen de verbinding terug was).");
        if (changedSinceSave) { autosave(); }
      } else if (answer.body && answer.body.conflict) {
        changedSinceSave = true;   // nothing of it was stored: the form still has it all
        say("Uw offline opgeslagen invoer is niet opgeslagen: iemand anders heeft dit perspectief " +
            "intussen opgeslagen. Uw invoer staat nog in het formulier; sla opnieuw op om beide " +
            "versies naast elkaar te zien.", true);
      } else {
        changedSinceSave = true;
        say("Uw offline opgeslagen invoer is niet opgeslagen: " + answer.error, true);
      }
    });
  }
  window.addEventListener("offline", function () {
    say("Geen verbinding. U kunt doorgaan: opslaan wacht tot de verbinding terug is.");
  });
  window.addEventListener("online", function () {
    if (queue && queue.waiting(form.action)) { say("Verbinding terug: uw invoer wordt verzonden."); }
    else { autosave(); }
  });
  window.zetAutosave = autosave;  // lets tests and impatient users trigger a save now
})();
