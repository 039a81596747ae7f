// The resident pages' service worker (surveys/offline.py). Network first; when it fails, the
// cache (never a step page: they hold answers), and a failed step continues offline.
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
    var sent = request.clone().formData().catch(function () { return null; });
    event.respondWith(fetch(request).catch(function () {
      return sent.then(function (form) {
        var action = !form ? "next" : form.get("switch_language") ? "stay" : form.get("action") || "next";
        return Response.redirect(offline + (step ? "#" + action + "-" + step[1] : ""), 303);
      });
    }));
    return;
  }
  if (request.method !== "GET") return;
  // A kiosk's start and consent pages are in the cache (outbox.js keeps them); any other
  // page continues on the offline page, at the step it showed.
  event.respondWith(fetch(request).catch(function () {
    return caches.match(url.pathname).then(function (hit) {
      return hit || Response.redirect(offline + (step ? "#stay-" + step[1] : ""), 303);
    });
  }));
});
