// The staff screen of a kiosk's outbox (templates/staff/kiosk_outbox.html): how many surveys
// wait in this device's IndexedDB, and an export encrypted for the workspace. Nothing a
// resident answered is shown. The export wraps a random AES-GCM key with the workspace's
// RSA-OAEP public key (surveys/outbox.py decrypts it); the device keeps every survey until
// the server confirms it.
(function () {
  "use strict";
  var root = document.getElementById("kiosk-outbox");
  if (!root) return;
  var count = document.getElementById("kiosk-count");
  var button = document.getElementById("kiosk-export");
  var status = document.getElementById("kiosk-export-status");
  var outbox = window.EngagementOutbox;
  if (!outbox || !window.indexedDB) { count.textContent = root.dataset.unsupported; return; }

  function b64(buffer) {
    var bytes = new Uint8Array(buffer), text = "";
    for (var i = 0; i < bytes.length; i += 1) text += String.fromCharCode(bytes[i]);
    return window.btoa(text);
  }
  function unb64(text) {
    var raw = window.atob(text), bytes = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) bytes[i] = raw.charCodeAt(i);
    return bytes.buffer;
  }
  function refresh() {
    return outbox.all("outbox").then(function (items) {
      var waiting = items.filter(function (i) { return i.status === "waiting"; }).length;
      count.textContent = root.dataset.count.replace("{waiting}", waiting).replace("{flagged}", items.length - waiting);
      if (button) button.disabled = !items.length;
      return items;
    });
  }
  function encrypt(items) {
    var subtle = window.crypto.subtle;
    var plain = new TextEncoder().encode(JSON.stringify({ submissions: items.map(function (i) {
      return { token: i.token, rid: i.rid, answers: i.answers, language: i.language, languages: i.languages };
    }) }));
    var iv = window.crypto.getRandomValues(new Uint8Array(12));
    return Promise.all([
      subtle.importKey("spki", unb64(root.dataset.publicKey), { name: "RSA-OAEP", hash: "SHA-256" }, false, ["wrapKey"]),
      subtle.generateKey({ name: "AES-GCM", length: 256 }, true, ["encrypt"])
    ]).then(function (keys) {
      return Promise.all([
        subtle.wrapKey("raw", keys[1], keys[0], { name: "RSA-OAEP" }),
        subtle.encrypt({ name: "AES-GCM", iv: iv }, keys[1], plain)
      ]);
    }).then(function (parts) {
      return JSON.stringify({ format: root.dataset.format, key: b64(parts[0]), iv: b64(iv), data: b64(parts[1]) });
    });
  }
  if (button) {
    button.addEventListener("click", function () {
      refresh().then(function (items) {
        return encrypt(items).then(function (text) {
          var link = document.createElement("a");
          link.href = URL.createObjectURL(new Blob([text], { type: "application/octet-stream" }));
          link.download = "kiosk-" + new Date().toISOString().slice(0, 16).replace(/[:T]/g, "-") + ".outbox";
          document.body.appendChild(link);
          link.click();
          link.remove();
          status.textContent = root.dataset.exported.replace("{count}", items.length);
        });
      }).catch(function () { status.textContent = root.dataset.failed; });
    });
  }
  refresh().catch(function () { count.textContent = root.dataset.unsupported; });
  window.setInterval(function () { refresh().catch(function () {}); }, 10000);
})();
