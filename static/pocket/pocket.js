/* CX Academy in the pocket: registers the service worker, keeps the learner's lessons for
   offline reading, shows when the phone is offline, and sends "done" marks made offline once
   the connection is back. */
(function () {
  "use strict";
  var OUTBOX = "cx-offline-outbox";
  var body = document.body;
  var indicator = document.getElementById("offline-indicator");

  function showConnection() {
    if (indicator) indicator.hidden = navigator.onLine;
    body.classList.toggle("is-offline", !navigator.onLine);
  }

  function readOutbox() {
    try { return JSON.parse(localStorage.getItem(OUTBOX) || "[]"); } catch (error) { return []; }
  }

  function writeOutbox(items) { localStorage.setItem(OUTBOX, JSON.stringify(items)); }

  // The page's own token: the one stored with a queued mark is stale once the person has
  // logged in again (Django rotates it at log-in).
  function currentCsrf(item) {
    var field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : item.csrf;
  }

  // Sent when the connection is back. Kept (and sent again on a later page) while the answer
  // says "log in first" (the session ended meanwhile), "forbidden" (a stale token) or a server
  // error; dropped once it arrived or can never arrive (400, 404), or after 20 tries. Only the
  // person who made a mark sends it (someone else may log in on this phone before it is sent).
  function flushOutbox() {
    var me = body.getAttribute("data-person");
    var items = readOutbox().filter(function (item) { return item.person === me; });
    if (!me || !items.length || !navigator.onLine) return Promise.resolve();
    return items.reduce(function (chain, item) {
      return chain.then(function () {
        var csrf = currentCsrf(item);
        var data = new URLSearchParams(item.body);
        if (csrf) data.set("csrfmiddlewaretoken", csrf);
        return fetch(item.action, {
          method: "POST",
          body: data.toString(),
          credentials: "same-origin",
          headers: { "Content-Type": "application/x-www-form-urlencoded", "X-CSRFToken": csrf }
        }).then(function (response) {
          var toLogIn = response.redirected && response.url.indexOf("/accounts/login/") !== -1;
          var retry = toLogIn || response.status === 403 || response.status >= 500;
          item.tries = (item.tries || 0) + 1;
          writeOutbox(readOutbox().map(function (other) {
            return other.id === item.id ? item : other;
          }).filter(function (other) {
            return other.id !== item.id || (retry && item.tries < 20);
          }));
        });
      });
    }, Promise.resolve()).catch(function () { /* still offline: try again later */ });
  }

  // Capture phase: runs before htmx's own submit handler on the form, which would try the
  // network. A reflection queued twice keeps only its latest text (same action).
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form[data-offline-queue]") || navigator.onLine) return;
    event.preventDefault();
    event.stopPropagation();
    var data = new URLSearchParams(new FormData(form));
    var items = readOutbox().filter(function (item) {
      return !(form.hasAttribute("data-offline-keep") && item.action === form.action);
    });
    items.push({ id: Date.now() + "-" + Math.random(), person: body.getAttribute("data-person"), action: form.action, body: data.toString(), csrf: data.get("csrfmiddlewaretoken") || "" });
    writeOutbox(items);
    var note = document.createElement("p");
    note.className = "message message-info";
    note.setAttribute("role", "status");
    note.textContent = form.getAttribute("data-offline-queue");
    if (form.hasAttribute("data-offline-keep")) {
      var status = form.querySelector("[role=status]");
      if (status) status.textContent = note.textContent;
    } else {
      form.replaceWith(note);
    }
  }, true);

  function listOfflineLessons() {
    var list = document.getElementById("offline-lessons");
    if (!list || !("caches" in window)) return;
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) { return key.indexOf("cx-") === 0; }).map(function (key) {
        return caches.open(key).then(function (cache) { return cache.match("/__cx_offline_lessons__"); });
      }));
    }).then(function (found) {
      var stored = found.filter(Boolean)[0];
      return stored ? stored.json() : { lessons: [] };
    }).then(function (data) {
      if (!data.lessons.length) { list.outerHTML = "<p>" + list.getAttribute("data-empty") + "</p>"; return; }
      data.lessons.forEach(function (lesson) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = lesson.url;
        link.textContent = lesson.title;
        item.appendChild(link);
        list.appendChild(item);
      });
    });
  }

  window.addEventListener("online", function () { showConnection(); flushOutbox(); });
  window.addEventListener("offline", showConnection);
  showConnection();
  listOfflineLessons();
  flushOutbox();

  if ("serviceWorker" in navigator && body.dataset.serviceWorker) {
    navigator.serviceWorker.register(body.dataset.serviceWorker, { scope: "/" }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      var list = body.dataset.offlineLessons;
      if (list && navigator.onLine && registration.active) {
        registration.active.postMessage({ type: "cache-lessons", url: list });
      }
    }).catch(function () { /* no worker: the site still works online */ });
  }
})();

/* Push reminders: the account page's switch for this device. */
(function () {
  "use strict";
  var box = document.getElementById("push-settings");
  if (!box || !box.dataset.key) return;
  var status = box.querySelector("[data-push-status]");
  var csrf = box.querySelector("input[name=csrfmiddlewaretoken]");
  function say(text) { status.textContent = text; }
  function post(url, body) {
    return fetch(url, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.value : "" },
      body: JSON.stringify(body)
    }).then(function (response) { return response.json(); });
  }
  function keyBytes(base64) {
    var padded = (base64 + "===".slice((base64.length + 3) % 4)).replace(/-/g, "+").replace(/_/g, "/");
    var raw = atob(padded);
    var bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes;
  }
  if (!("serviceWorker" in navigator) || !("PushManager" in window) || !("Notification" in window)) {
    say(box.dataset.unsupported);
    box.querySelectorAll("button").forEach(function (button) { button.disabled = true; });
    return;
  }
  box.querySelector("[data-push-on]").addEventListener("click", function () {
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { say(box.dataset.denied); return null; }
      return navigator.serviceWorker.ready.then(function (registration) {
        return registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: keyBytes(box.dataset.key) });
      }).then(function (subscription) {
        return post(box.dataset.subscribeUrl, subscription.toJSON());
      }).then(function (data) { say(data.message || data.error); });
    }).catch(function () { say(box.dataset.failed); });
  });
  box.querySelector("[data-push-off]").addEventListener("click", function () {
    navigator.serviceWorker.ready.then(function (registration) {
      return registration.pushManager.getSubscription();
    }).then(function (subscription) {
      if (!subscription) return post(box.dataset.unsubscribeUrl, { endpoint: "-" });
      var endpoint = subscription.endpoint;
      return subscription.unsubscribe().then(function () { return post(box.dataset.unsubscribeUrl, { endpoint: endpoint }); });
    }).then(function (data) { say(data.message || data.error); }).catch(function () { say(box.dataset.failed); });
  });
})();
