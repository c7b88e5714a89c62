// Saves made without a network connection wait in this browser and are sent, in order, once
// the connection is back (issue 13: an interview goes on when the wifi drops). The queue is
// bound to the logged-in user (its key holds the user's id and starts with "zet-", so logging
// out removes it, as unsaved.js does for every local copy) and an entry is removed once the
// server has answered it. Each entry carries the version the form was opened with, so the
// server's conflict check still applies: a newer save by someone else is never overwritten.
(function () {
  "use strict";
  var user = document.body.dataset.user;
  if (!user) { return; }
  var KEY = "zet-" + user + "-wachtrij";
  var sending = false;
  var listeners = [];

  function read() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function write(entries) {
    try {
      if (entries.length) { localStorage.setItem(KEY, JSON.stringify(entries)); }
      else { localStorage.removeItem(KEY); }
    } catch (e) { /* storage full or disabled: the form keeps what was typed */ }
  }
  function tell(event) { listeners.forEach(function (listener) { listener(event); }); }
  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // A new save of the same form replaces the one still waiting: it holds everything typed.
  function add(url, values) {
    var entries = read().filter(function (entry) { return entry.url !== url; });
    entries.push({ url: url, values: values, queuedAt: new Date().toISOString() });
    write(entries);
  }

  function send() {
    if (sending || !navigator.onLine) { return; }
    var entries = read();
    if (!entries.length) { return; }
    sending = true;
    var entry = entries[0];
    var data = new FormData();
    entry.values.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.set("csrf_token", token());
    fetch(entry.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-ZET-Wachtrij": "1", "X-CSRFToken": token() }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      if (!json) {   // the login page (session ended) or a page that is gone: keep it for now
        sending = false;
        tell({ entry: entry, ok: false, waiting: true, error: response.status === 410
          ? "Het perspectief of de casus bestaat niet meer."
          : "Log opnieuw in; daarna wordt uw offline opgeslagen invoer verzonden." });
        if (response.status === 410) { write(read().slice(1)); }
        return;
      }
      return response.json().then(function (body) {
        // Answered (stored, refused or a conflict): this entry has had its turn.
        write(read().filter(function (other) { return other.queuedAt !== entry.queuedAt; }));
        sending = false;
        tell({ entry: entry, ok: !!body.ok, body: body, error: body.error });
        send();
      });
    }).catch(function () {
      sending = false;   // still no connection after all: the next 'online' tries again
      tell({ entry: entry, ok: false, waiting: true, error: "" });
    });
  }

  window.addEventListener("online", send);
  window.zetQueue = {
    add: add,
    send: send,
    waiting: function (url) { return read().some(function (entry) { return entry.url === url; }); },
    count: function () { return read().length; },
    onAnswer: function (listener) { listeners.push(listener); }
  };
  if (navigator.onLine) { setTimeout(send, 0); }
})();
