// The offline outbox (see surveys/offline.py). Every page works without it.
// IndexedDB "engagement-outbox": drafts (one per link: the signed response id and the answers
// so far) and outbox (finished surveys waiting to be sent, by response id). The staff kiosk
// screen reads the same database (window.EngagementOutbox).
(function () {
  "use strict";
  var CACHE = "engagement-offline-1";
  var noop = function () {};

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open("engagement-outbox", 1);
      request.onupgradeneeded = function () {
        request.result.createObjectStore("drafts", { keyPath: "token" });
        request.result.createObjectStore("outbox", { keyPath: "rid" });
        request.result.createObjectStore("ids", { keyPath: "rid" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }
  function tx(store, mode, work) {
    return openDb().then(function (db) {
      return new Promise(function (resolve, reject) {
        var t = db.transaction(store, mode), result;
        var request = work(t.objectStore(store));
        request.onsuccess = function () { result = request.result; };
        t.oncomplete = function () { db.close(); resolve(result); };
        t.onerror = t.onabort = function () { db.close(); reject(t.error); };
      });
    });
  }
  var db = {
    get: function (store, key) { return tx(store, "readonly", function (s) { return s.get(key); }); },
    all: function (store) { return tx(store, "readonly", function (s) { return s.getAll(); }); },
    put: function (store, value) { return tx(store, "readwrite", function (s) { return s.put(value); }); },
    del: function (store, key) { return tx(store, "readwrite", function (s) { return s.delete(key); }); }
  };
  window.EngagementOutbox = db;
  var box = document.getElementById("outbox");
  if (!box || !window.indexedDB || !window.fetch || !window.Promise) return;

  var data = box.dataset, token = data.token, kiosk = "kiosk" in data;
  var language = document.documentElement.lang;
  var sentNow = 0;
  // Read-modify-write of the draft, one at a time.
  var queue = Promise.resolve();
  function updateDraft(change) {
    queue = queue.then(function () {
      return db.get("drafts", token).then(function (draft) {
        var next = change(draft);
        return next ? db.put("drafts", next) : db.del("drafts", token);
      });
    }).catch(noop);
    return queue;
  }

  function say(lines) { box.textContent = lines.join(" "); box.className = "outbox-status" + (lines.length ? " alert alert-info" : ""); }

  // --- Sending what waits ------------------------------------------------------------
  var sending = null;
  function sendOne(item) {
    return fetch(item.url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      credentials: "same-origin",
      body: JSON.stringify({
        rid: item.rid, answers: item.answers, language: item.language, languages: item.languages,
        offline_consent: item.offline_consent
      })
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (answer) {
        if (response.ok && /^(stored|already_stored|ineligible)$/.test(answer.status)) {
          sentNow += 1;
          return db.del("outbox", item.rid).then(function () { return true; });
        }
        if ([400, 404, 410, 415, 422].indexOf(response.status) !== -1) {
          // Kept, flagged, never dropped: staff can still export it.
          item.status = "flagged";
          item.problem = answer.status || String(response.status);
          return db.put("outbox", item).then(function () { return true; });
        }
        return false; // 429, 5xx: the next attempt (online, page load, timer) tries again
      });
    }, function () { return false; });
  }
  function send() {
    if (sending) return sending;
    if (!navigator.onLine) return report();
    sending = db.all("outbox").then(function (items) {
      var chain = Promise.resolve(true);
      items.filter(function (item) { return item.status === "waiting"; }).forEach(function (item) {
        chain = chain.then(function (go) { return go && sendOne(item); });
      });
      return chain;
    }).catch(noop).then(function () { sending = null; return report(); });
    return sending;
  }
  function report() {
    return db.all("outbox").then(function (items) {
      var waiting = items.filter(function (i) { return i.status === "waiting"; }).length;
      var lines = [];
      if (waiting) lines.push(data.saved);
      if (waiting && kiosk) lines.push(data.waiting.replace("{count}", waiting));
      if (items.length > waiting) lines.push(data.flagged);
      if (!waiting && sentNow) lines.push(data.sent);
      if (document.getElementById("offline-form") && !navigator.onLine && !waiting) lines.push(data.offlineNote);
      say(lines);
    }).catch(noop);
  }

  // --- Answers in forms ----------------------------------------------------------------
  function fields(root) { return root.querySelectorAll("input[name^='q-'], select[name^='q-'], textarea[name^='q-']"); }
  function answersOf(root) {
    var answers = {};
    Array.prototype.forEach.call(fields(root), function (el) {
      answers[el.name] = answers[el.name] || [];
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      if (el.value !== "") answers[el.name].push(el.value);
    });
    return answers;
  }
  function fill(root, answers) {
    Array.prototype.forEach.call(fields(root), function (el) {
      var values = answers[el.name] || [];
      if (el.type === "radio" || el.type === "checkbox") el.checked = values.indexOf(el.value) !== -1;
      else el.value = values[0] || "";
    });
  }
  function merge(draft, answers) {
    Object.keys(answers).forEach(function (name) { draft.answers[name] = answers[name]; });
    if (draft.languages.indexOf(language) === -1) draft.languages.push(language);
    return draft;
  }

  // --- A step page, online ---------------------------------------------------------------
  function stepPage(form) {
    var rid = form.querySelector("input[name=rid]").value;
    var number = (form.getAttribute("action").match(/\/step\/(\d+)\/$/) || [])[1];
    if (!rid || !number) return;
    updateDraft(function (draft) {
      // A new response id is a new walk (on a kiosk, a new person): nothing of the last.
      if (!draft || draft.rid !== rid) draft = { token: token, rid: rid, answers: {}, languages: [] };
      return merge(draft, {});
    });
    form.addEventListener("submit", function (event) {
      if (form.dataset.going) return;
      event.preventDefault();
      var submitter = event.submitter;
      var action = !submitter ? "next" : submitter.name === "action" ? submitter.value : "stay";
      var answers = answersOf(form);
      updateDraft(function (draft) { return draft && draft.rid === rid ? merge(draft, answers) : draft; })
        .then(function () {
          if (!navigator.onLine) {
            window.location.assign(data.offline + "#" + action + "-" + number);
            return;
          }
          form.dataset.going = "1";
          if (submitter && form.requestSubmit) form.requestSubmit(submitter);
          else form.submit();
        });
    });
  }

  // --- The offline page: every step, shown one at a time ---------------------------------
  function offlinePage(form) {
    var rules = JSON.parse(document.getElementById("offline-rules").textContent);
    var known = {};
    rules.forEach(function (q) { known[q.code] = q; });
    var errorsBox = document.getElementById("offline-errors");
    var buttons = form.querySelector(".offline-buttons");
    var nextButton = buttons.querySelector("[data-next]");
    var current = null, draft = null;

    function hiddenOf(answers) { // as forms.hidden_questions
      var hidden = {};
      rules.forEach(function (q) {
        if (q.parent && hidden[q.parent]) { hidden[q.code] = true; return; }
        if (!q["if"]) return;
        var given = answers["q-" + q["if"]] || [];
        var shown = known[q["if"]] && !hidden[q["if"]] && given.some(function (v) { return q.choices.indexOf(v) !== -1; });
        if (!shown) hidden[q.code] = true;
      });
      return hidden;
    }
    function stepsOf(answers) {
      var hidden = hiddenOf(answers), steps = [];
      rules.forEach(function (q) {
        if (!hidden[q.code] && q.section !== null && !q.parent && steps.indexOf(q.section) === -1) steps.push(q.section);
      });
      return steps.sort(function (a, b) { return a - b; });
    }
    function end(which) {
      form.hidden = true;
      errorsBox.hidden = true;
      Array.prototype.forEach.call(document.querySelectorAll(".offline-end"), function (el) {
        el.hidden = el.getAttribute("data-end") !== which;
        if (!el.hidden) el.querySelector(".page-heading").focus();
      });
    }
    function show(number) {
      var answers = answersOf(form), hidden = hiddenOf(answers), steps = stepsOf(answers);
      if (steps.indexOf(number) === -1) number = steps[0];
      current = number;
      Array.prototype.forEach.call(form.querySelectorAll("section[data-step]"), function (section) {
        section.hidden = Number(section.getAttribute("data-step")) !== number;
      });
      Array.prototype.forEach.call(form.querySelectorAll("[data-q]"), function (el) {
        el.hidden = !!hidden[el.getAttribute("data-q")];
      });
      var position = steps.indexOf(number) + 1, section = form.querySelector("section[data-step='" + number + "']");
      section.querySelector(".step-progress").textContent = form.getAttribute("data-progress")
        .replace("{position}", position).replace("{total}", steps.length);
      nextButton.textContent = nextButton.getAttribute(position === steps.length ? "data-last" : "data-next");
      buttons.hidden = false;
      history.replaceState(null, "", "#stay-" + number);
      section.querySelector(".page-heading").focus();
    }
    function save() {
      var answers = answersOf(form);
      return updateDraft(function (d) { return d ? merge(d, answers) : d; });
    }
    function check() { // required answers and eligibility of the current step
      var answers = answersOf(form), hidden = hiddenOf(answers), problems = [], ineligible = false;
      rules.forEach(function (q) {
        if (q.section !== current || hidden[q.code] || q.matrix) return;
        var values = answers["q-" + q.code] || [];
        if (q.required && !values.length) problems.push(q.code);
        if (q.eligible.length && values.length && q.eligible.indexOf(values[0]) === -1) ineligible = true;
      });
      var list = errorsBox.querySelector("ul");
      list.textContent = "";
      Array.prototype.forEach.call(form.querySelectorAll("[aria-invalid]"), function (el) { el.removeAttribute("aria-invalid"); });
      problems.forEach(function (code) {
        var el = form.querySelector("[name='q-" + code + "']");
        var group = form.querySelector("#id_q-" + code + "_group legend");
        var label = group || form.querySelector("label[for='" + el.id + "']");
        var item = document.createElement("li"), link = document.createElement("a");
        link.href = "#" + el.id;
        link.textContent = (label ? label.firstChild.textContent.trim() : code);
        item.appendChild(link);
        item.appendChild(document.createTextNode(" – " + form.getAttribute("data-required")));
        list.appendChild(item);
        el.setAttribute("aria-invalid", "true");
      });
      errorsBox.hidden = !problems.length;
      if (problems.length) errorsBox.focus();
      return problems.length ? "errors" : ineligible ? "ineligible" : "ok";
    }
    function next() {
      return save().then(function () {
        var result = check();
        if (result === "errors") return;
        if (result === "ineligible") {
          return updateDraft(function () { return null; }).then(function () { form.reset(); end("ineligible"); });
        }
        var steps = stepsOf(answersOf(form)), position = steps.indexOf(current);
        if (position + 1 < steps.length) show(steps[position + 1]);
        else finish();
      });
    }
    function back() {
      errorsBox.hidden = true;
      return save().then(function () {
        var steps = stepsOf(answersOf(form)), position = steps.indexOf(current);
        if (position > 0) show(steps[position - 1]);
        else window.location.assign(data.start);
      });
    }
    function finish() {
      var answers = answersOf(form), hidden = hiddenOf(answers), kept = {};
      Object.keys(answers).forEach(function (name) {
        var code = name.slice(2).replace(/-other$/, "");
        if (known[code] && !hidden[code]) kept[name] = answers[name];
      });
      var item = {
        rid: draft.rid, token: token, url: data.submit, answers: kept, language: language,
        languages: merge(draft, {}).languages, saved: Date.now(), status: "waiting", kiosk: kiosk,
        offline_consent: !!draft.offlineConsent
      };
      db.put("outbox", item).then(function () {
        return updateDraft(function () { return null; });
      }).then(function () {
        // Nothing of this person stays on the page for the next one.
        form.reset();
        fill(form, {});
        end("done");
        return send();
      });
    }

    form.addEventListener("submit", function (event) { event.preventDefault(); next(); });
    buttons.querySelector("[data-back]").addEventListener("click", back);
    db.get("drafts", token).then(function (found) {
      draft = found;
      if (!draft || !draft.rid) { end("none"); return; }
      fill(form, draft.answers);
      var hash = window.location.hash.match(/^#(next|back|stay)-(\d+)$/);
      show(hash ? Number(hash[2]) : stepsOf(draft.answers)[0]);
      if (hash && hash[1] === "next") return next();
      if (hash && hash[1] === "back") return back();
    }).catch(function () { end("none"); }).then(function () {
      // The step a person sees now is the one they act on (tests wait for this too).
      form.setAttribute("data-ready", "");
    });
  }

  // --- A kiosk's reserve of response ids, so the next person can start offline --------------
  function topUpIds() {
    if (!data.ids || !navigator.onLine) return;
    db.all("ids").then(function (ids) {
      var mine = ids.filter(function (i) { return i.token === token; });
      if (mine.length >= 5) return;
      return fetch(data.ids, { credentials: "same-origin" }).then(function (r) { return r.ok ? r.json() : { ids: [] }; })
        .then(function (answer) {
          return answer.ids.reduce(function (chain, rid) {
            return chain.then(function () { return db.put("ids", { rid: rid, token: token }); });
          }, Promise.resolve());
        });
    }).catch(noop);
  }
  function consentPage(form) {
    form.addEventListener("submit", function (event) {
      if (navigator.onLine) return;
      var decision = event.submitter && event.submitter.value;
      event.preventDefault();
      if (decision !== "agree") { window.location.assign(data.start); return; }
      db.all("ids").then(function (ids) {
        var spare = ids.filter(function (i) { return i.token === token; })[0];
        if (!spare) { window.location.assign(data.offline); return; }
        return db.del("ids", spare.rid).then(function () {
          return updateDraft(function () {
            return { token: token, rid: spare.rid, answers: {}, languages: [language], offlineConsent: true };
          });
        }).then(function () { window.location.assign(data.offline + "#stay-0"); });
      }).catch(noop);
    });
  }

  // --- Every page ------------------------------------------------------------------------
  function keepForOffline() {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(data.sw, { scope: "/" }).catch(noop);
    if (!window.caches || !navigator.onLine) return;
    var assets = Array.prototype.map.call(document.querySelectorAll("link[rel=stylesheet], script[src]"), function (el) {
      return el.href || el.src;
    });
    // A kiosk's next person starts offline too: its start and consent pages (nothing of a
    // resident in them) are kept as well.
    var pages = [data.offline].concat(kiosk ? [data.start, data.start + "consent/"] : []);
    caches.open(CACHE).then(function (cache) {
      return Promise.all(pages.map(function (url) { return cache.match(url); })).then(function (hits) {
        // The start page fetches fresh copies (the survey's wording may have changed).
        var fresh = window.location.pathname === data.start;
        return cache.addAll(assets.concat(pages.filter(function (url, i) { return fresh || !hits[i]; })));
      });
    }).catch(noop);
  }

  document.addEventListener("DOMContentLoaded", function () {
    var stepForm = document.getElementById("step-form");
    var offlineForm = document.getElementById("offline-form");
    if (/\/(thanks\/[^/]+|not-eligible|declined)\/$/.test(window.location.pathname)) {
      updateDraft(function () { return null; });
    }
    var consentForm = document.querySelector("form[action$='/consent/']");
    if (stepForm) stepPage(stepForm);
    if (consentForm) consentPage(consentForm);
    if (offlineForm) offlinePage(offlineForm);
    else { keepForOffline(); topUpIds(); }
    send();
    window.addEventListener("online", send);
    window.addEventListener("offline", report);
    window.setInterval(send, 30000);
  });
})();
