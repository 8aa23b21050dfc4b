{% autoescape off %}/* CX Academy service worker: network first for pages, the phone's copy when offline. */
const VERSION = "{{ version }}";
const CACHE = "cx-" + VERSION;
const OFFLINE_URL = "{{ offline_url }}";
const LIST_KEY = "/__cx_offline_lessons__";
const PRECACHE = [{% for url in precache %}"{{ url }}"{% if not forloop.last %}, {% endif %}{% endfor %}];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(PRECACHE)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key.startsWith("cx-") && key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

async function lessonUrls() {
  const cache = await caches.open(CACHE);
  const stored = await cache.match(LIST_KEY);
  if (!stored) return [];
  const data = await stored.json();
  return data.lessons.map((lesson) => lesson.url);
}

const RESYNC_MS = 60 * 60 * 1000;
// Images and downloads of a kept lesson are kept too, each up to this size (bigger ones stay online).
const MAX_FILE_BYTES = 5 * 1024 * 1024;
const FILE_PATHS = /\/(?:media|documents)\/[^"'\s,<>]+/g;

async function cacheFiles(cache, html) {
  const paths = new Set((html.match(FILE_PATHS) || []).map((path) => path.replace(/&amp;/g, "&")));
  for (const path of paths) {
    if (await cache.match(path)) continue;
    try {
      const response = await fetch(path, { credentials: "same-origin" });
      if (!response.ok || response.redirected) continue;
      if (Number(response.headers.get("Content-Length") || 0) > MAX_FILE_BYTES) continue;
      const body = await response.blob();
      if (body.size <= MAX_FILE_BYTES) await cache.put(path, new Response(body, { headers: response.headers }));
    } catch (error) {
      /* offline again: the next visit tries once more */
    }
  }
}

async function cacheLessons(listUrl) {
  const cache = await caches.open(CACHE);
  const stored = await cache.match(LIST_KEY);
  if (stored && Date.now() - (await stored.json()).synced < RESYNC_MS) return;
  const response = await fetch(listUrl, { credentials: "same-origin", cache: "no-store" });
  if (!response.ok || response.redirected) return;
  const data = await response.json();
  data.synced = Date.now();
  await cache.put(LIST_KEY, new Response(JSON.stringify(data), { headers: { "Content-Type": "application/json" } }));
  for (const lesson of data.lessons) {
    try {
      const page = await fetch(lesson.url, { credentials: "same-origin" });
      if (page.ok && !page.redirected) {
        const html = await page.clone().text();
        await cache.put(lesson.url, page);
        await cacheFiles(cache, html);
      }
    } catch (error) {
      /* offline again: the next visit tries once more */
    }
  }
}

self.addEventListener("message", (event) => {
  if (event.data && event.data.type === "cache-lessons") event.waitUntil(cacheLessons(event.data.url));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  const url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    event.respondWith(
      caches.match(request).then((hit) => hit || fetch(request).then((response) => {
        if (response.ok) { const copy = response.clone(); caches.open(CACHE).then((cache) => cache.put(request, copy)); }
        return response;
      }))
    );
    return;
  }
  if (url.pathname.startsWith("/media/") || url.pathname.startsWith("/documents/")) {
    event.respondWith(fetch(request).catch(async () => (await caches.match(url.pathname)) || Response.error()));
    return;
  }
  if (request.mode !== "navigate") return;
  event.respondWith(
    fetch(request)
      .then(async (response) => {
        const keep = response.ok && !response.redirected && (await lessonUrls()).includes(url.pathname);
        if (keep) { const copy = response.clone(); caches.open(CACHE).then((cache) => cache.put(url.pathname, copy)); }
        return response;
      })
      .catch(async () => (await caches.match(url.pathname)) || caches.match(OFFLINE_URL))
  );
});

self.addEventListener("push", (event) => {
  let message = { title: "CX Academy", body: "", url: "/" };
  try { message = Object.assign(message, event.data ? event.data.json() : {}); } catch (error) { /* plain text */ }
  event.waitUntil(self.registration.showNotification(message.title, {
    body: message.body, tag: message.tag || "cx", data: { url: message.url }, icon: PRECACHE.find((url) => url.endsWith("icon-192.png"))
  }));
});

self.addEventListener("notificationclick", (event) => {
  event.notification.close();
  const target = new URL((event.notification.data && event.notification.data.url) || "/", self.location.origin);
  if (target.origin !== self.location.origin) return;
  event.waitUntil(self.clients.matchAll({ type: "window" }).then((windows) => {
    const open = windows.find((client) => client.url === target.href);
    return open ? open.focus() : self.clients.openWindow(target.href);
  }));
});
{% endautoescape %}
