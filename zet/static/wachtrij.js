// Saves made without a network connection wait in this browser and are sent, in order, once
// the connection is back (issue 13: an interview goes on when the wifi drops). The queue is
// bound to the logged-in user (its key holds the user's id and starts with "zet-", so logging
// out removes it, as unsaved.js does for every local copy). An entry leaves the queue only when
// the server has decided on it (stored, or refused with a reason); a lost session, an old
// security token or a busy server keep it for the next try. Each entry carries the version the
// form was opened with, so the server's conflict check still applies: a newer save by someone
// else is never overwritten. One tab sends at a time (Web Locks), and every tab hears the
// answers (BroadcastChannel), so the form that made the save takes the new version.
(function () {
  "use strict";
  var user = document.body.dataset.user;
  if (!user) { return; }
  var KEY = "zet-" + user + "-wachtrij";
  var RETRY_MS = 30000;
  var listeners = [];
  var channel = window.BroadcastChannel ? new BroadcastChannel(KEY) : null;
  var sendingHere = false;

  function read() {
    try { return JSON.parse(localStorage.getItem(KEY) || "[]"); } catch (e) { return []; }
  }
  function write(entries) {
    try {
      if (entries.length) { localStorage.setItem(KEY, JSON.stringify(entries)); }
      else { localStorage.removeItem(KEY); }
    } catch (e) { /* storage full or disabled: the form keeps what was typed */ }
  }
  function without(id) {
    write(read().filter(function (entry) { return entry.id !== id; }));
  }
  function hear(answer) { listeners.forEach(function (listener) { listener(answer); }); }
  function tell(answer) {
    hear(answer);
    if (channel) { channel.postMessage(answer); }
  }
  if (channel) { channel.onmessage = function (event) { hear(event.data); }; }
  function token() {
    var field = document.querySelector("input[name=csrf_token]");
    return field ? field.value : "";
  }

  // A new save of the same form replaces the one still waiting: it holds everything typed.
  function add(url, values) {
    var entries = read().filter(function (entry) { return entry.url !== url; });
    entries.push({ id: Date.now() + "-" + Math.random().toString(36).slice(2), url: url,
                   values: values, queuedAt: new Date().toISOString() });
    write(entries);
  }

  // A later save of the same form was made on top of the one just stored: it goes out with
  // the stored version and address, not as a conflict with the user's own save.
  function rebase(url, body) {
    var address = new URL(body.url, location.href).href;
    write(read().map(function (entry) {
      if (entry.url !== url) { return entry; }
      entry.url = address;
      entry.values = entry.values.map(function (pair) {
        return pair[0] === "version" ? ["version", String(body.version)] : pair;
      });
      return entry;
    }));
  }

  function sendOne(entry) {
    var data = new FormData();
    entry.values.forEach(function (pair) { data.append(pair[0], pair[1]); });
    data.set("csrf_token", token());
    return fetch(entry.url, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json", "X-ZET-Wachtrij": "1", "X-CSRFToken": token() }
    }).then(function (response) {
      var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
      var decided = json && (response.ok || response.status === 409 || response.status === 422);
      if (decided) {
        return response.json().then(function (body) {
          without(entry.id);
          if (body.ok) { rebase(entry.url, body); }
          tell({ url: entry.url, ok: !!body.ok, body: body, error: body.error || "" });
          return true;
        });
      }
      if (response.status === 404 || response.status === 410) {
        without(entry.id);   // the casus or perspective was removed; the form's local copy stays
        tell({ url: entry.url, ok: false, body: {}, error:
               "Het perspectief of de casus bestaat niet meer; uw invoer staat nog in deze browser." });
        return true;
      }
      // 401: logged out; 400: the security token of this page no longer holds (a new session).
      tell({ url: entry.url, ok: false, waiting: true, error: response.status <= 401
        ? "Log opnieuw in (of ververs de pagina); daarna wordt uw offline opgeslagen invoer " +
          "verzonden. Er gaat niets verloren."
        : "De server nam de opslag nog niet aan; ZET probeert het zo opnieuw." });
      return false;   // kept: a later try (after logging in, or in a while) sends it
    });
  }

  function drain() {
    var entries = read();
    if (!entries.length || !navigator.onLine) { return Promise.resolve(); }
    return sendOne(entries[0]).then(function (goOn) { return goOn ? drain() : null; });
  }

  function send() {
    if (sendingHere || !navigator.onLine || !read().length) { return; }
    sendingHere = true;
    var done = function () { sendingHere = false; };
    var work = function () {
      return drain().catch(function () { /* still no connection: the next try sends it */ });
    };
    if (navigator.locks) {
      navigator.locks.request(KEY, { ifAvailable: true }, function (lock) {
        return lock ? work() : null;   // another tab of this user is sending the queue
      }).then(done, done);
    } else {
      work().then(done, done);
    }
  }

  window.addEventListener("online", send);
  setInterval(send, RETRY_MS);
  window.zetQueue = {
    add: add,
    send: send,
    waiting: function (url) { return read().some(function (entry) { return entry.url === url; }); },
    count: function () { return read().length; },
    onAnswer: function (listener) { listeners.push(listener); }
  };
  if (navigator.onLine) { setTimeout(send, 0); }
})();
