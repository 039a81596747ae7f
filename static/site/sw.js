// The resident pages' service worker (see surveys/offline.py), served at /sw.js.
// Online it changes nothing: every request goes to the network first. When the network
// fails it answers from the cache that static/site/outbox.js fills (the link's offline page,
// the CSS and JS) and keeps the link's start and consent pages; step pages, which hold answers, are never
// cached. A step's POST that fails continues on the offline page, at the step after it.
"use strict";
var CACHE = "engagement-offline-1";
var FLOW = /^\/[A-Za-z-]+\/s\/[A-Za-z0-9_-]+\//;

self.addEventListener("install", function () { self.skipWaiting(); });
self.addEventListener("activate", function (event) { event.waitUntil(self.clients.claim()); });

function fromCache(request) {
  return caches.match(request, { ignoreSearch: true }).then(function (hit) { return hit || Response.error(); });
}

self.addEventListener("fetch", function (event) {
  var request = event.request, url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  var flow = url.pathname.match(FLOW);
  if (request.method === "GET" && (url.pathname.indexOf("/static/") === 0 || (flow && /\/offline\/$/.test(url.pathname)))) {
    event.respondWith(fetch(request).catch(function () { return fromCache(request); }));
    return;
  }
  if (!flow || request.mode !== "navigate") return;
  var offline = flow[0] + "offline/";
  var step = url.pathname.match(/\/step\/(\d+)\/$/);
  if (request.method === "POST") {
    event.respondWith(fetch(request).catch(function () {
      return Response.redirect(offline + (step ? "#next-" + step[1] : ""), 303);
    }));
    return;
  }
  if (request.method !== "GET") return;
  // The start and consent pages hold nothing of a resident: kept for a kiosk's next person.
  var start = url.pathname === flow[0] || url.pathname === flow[0] + "consent/";
  event.respondWith(fetch(request).then(function (response) {
    if (start && response.ok) {
      var copy = response.clone();
      caches.open(CACHE).then(function (cache) { cache.put(url.pathname, copy); });
    }
    return response;
  }).catch(function () {
    if (start) return fromCache(url.pathname);
    return Response.redirect(offline + (step ? "#stay-" + step[1] : ""), 303);
  }));
});
