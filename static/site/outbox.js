// The offline outbox: how it works is told in surveys/offline.py. Every page works without it.
(() => {
  "use strict";
  const CACHE = "engagement-offline-1";
  const noop = () => {};
  const each = (root, selector, fn) => Array.prototype.forEach.call(root.querySelectorAll(selector), fn);

  const request = (r) => new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
  function openDb() {
    const open = indexedDB.open("engagement-outbox", 1);
    open.onupgradeneeded = () => {
      open.result.createObjectStore("drafts", { keyPath: "token" });
      open.result.createObjectStore("outbox", { keyPath: "rid" });
      open.result.createObjectStore("ids", { keyPath: "rid" });
    };
    return request(open);
  }
  async function tx(store, mode, work) {
    const db = await openDb();
    try {
      const t = db.transaction(store, mode);
      const result = await request(work(t.objectStore(store)));
      await new Promise((resolve, reject) => { t.oncomplete = resolve; t.onerror = t.onabort = () => reject(t.error); });
      return result;
    } finally {
      db.close();
    }
  }
  const db = {
    get: (store, key) => tx(store, "readonly", (s) => s.get(key)),
    all: (store) => tx(store, "readonly", (s) => s.getAll()),
    put: (store, value) => tx(store, "readwrite", (s) => s.put(value)),
    del: (store, key) => tx(store, "readwrite", (s) => s.delete(key)),
  };
  window.EngagementOutbox = db;
  const box = document.getElementById("outbox");
  if (!box || !window.indexedDB) return;

  const data = box.dataset, token = data.token, kiosk = "kiosk" in data;
  const language = document.documentElement.lang;
  let sentNow = 0;
  // One draft change at a time; `change` returns null to end it.
  let queue = Promise.resolve();
  function updateDraft(change) {
    queue = queue.then(async () => {
      const next = change(await db.get("drafts", token));
      await (next ? db.put("drafts", next) : db.del("drafts", token));
    }).catch(noop);
    return queue;
  }
  function merge(draft, answers) {
    Object.assign(draft.answers, answers);
    if (!draft.languages.includes(language)) draft.languages.push(language);
    return draft;
  }

  // Only "stored" or "already stored" lets the device forget a survey; refused ones stay, flagged.
  async function sendOne(item) {
    let response;
    try {
      response = await fetch(item.url, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        credentials: "same-origin",
        body: JSON.stringify({
          rid: item.rid, answers: item.answers, language: item.language,
          languages: item.languages, offline_consent: item.offline_consent,
        }),
      });
    } catch (error) {
      return false;
    }
    const answer = await response.json().catch(() => ({}));
    if (response.ok && ["stored", "already_stored", "ineligible"].includes(answer.status)) {
      sentNow += 1;
      await db.del("outbox", item.rid);
      return true;
    }
    if ([400, 404, 410, 415, 422].includes(response.status)) {
      item.status = "flagged";
      item.problem = answer.status || String(response.status);
      await db.put("outbox", item);
      return true;
    }
    return false; // 429, 5xx: later
  }
  let sending = null;
  function send() {
    if (!sending && navigator.onLine) {
      sending = (async () => {
        for (const item of await db.all("outbox")) {
          if (item.status === "waiting" && !(await sendOne(item))) break;
        }
      })().catch(noop).then(() => { sending = null; });
    }
    return (sending || Promise.resolve()).then(report);
  }
  async function report() {
    const items = await db.all("outbox").catch(() => []);
    const waiting = items.filter((i) => i.status === "waiting").length, lines = [];
    if (waiting) lines.push(data.saved);
    if (waiting && kiosk) lines.push(data.waiting.replace("{count}", waiting));
    if (items.length > waiting) lines.push(data.flagged);
    if (!waiting && sentNow) lines.push(data.sent);
    if (!waiting && !navigator.onLine && document.getElementById("offline-form")) lines.push(data.offlineNote);
    box.textContent = lines.join(" ");
    box.className = "outbox-status" + (lines.length ? " alert alert-info" : "");
  }

  // Answers as the server's draft keeps them: {name: [values]}.
  const FIELDS = "input[name^='q-'], select[name^='q-'], textarea[name^='q-']";
  const ticks = (el) => el.type === "radio" || el.type === "checkbox";
  function answersOf(root) {
    const answers = {};
    each(root, FIELDS, (el) => {
      answers[el.name] = answers[el.name] || [];
      if ((!ticks(el) || el.checked) && el.value !== "") answers[el.name].push(el.value);
    });
    return answers;
  }
  function fill(root, answers) {
    each(root, FIELDS, (el) => {
      const values = answers[el.name] || [];
      if (ticks(el)) el.checked = values.includes(el.value);
      else el.value = values[0] || "";
    });
  }

  function stepPage(form) {
    const rid = form.querySelector("input[name=rid]").value;
    const number = (form.getAttribute("action").match(/\/step\/(\d+)\/$/) || [])[1];
    if (!rid || !number) return;
    // A new response id is a new person: nothing of the last one.
    updateDraft((draft) => merge(draft && draft.rid === rid ? draft : { token, rid, answers: {}, languages: [] }, {}));
    form.addEventListener("submit", async (event) => {
      if (form.dataset.going) return;
      event.preventDefault();
      const submitter = event.submitter;
      const action = !submitter ? "next" : submitter.name === "action" ? submitter.value : "stay";
      const answers = answersOf(form);
      await updateDraft((draft) => (draft && draft.rid === rid ? merge(draft, answers) : draft));
      if (!navigator.onLine) {
        window.location.assign(`${data.offline}#${action}-${number}`);
        return;
      }
      form.dataset.going = "1";
      if (submitter && form.requestSubmit) form.requestSubmit(submitter);
      else form.submit();
    });
  }

  function offlinePage(form) {
    const rules = JSON.parse(document.getElementById("offline-rules").textContent);
    const known = Object.fromEntries(rules.map((q) => [q.code, q]));
    const errors = document.getElementById("offline-errors");
    const buttons = form.querySelector(".offline-buttons");
    const nextButton = buttons.querySelector("[data-next]");
    let current = null, draft = null;

    function hiddenOf(answers) { // as surveys.forms.hidden_questions
      const hidden = {};
      for (const q of rules) {
        if (q.parent && hidden[q.parent]) hidden[q.code] = true;
        else if (q.if) {
          const given = answers[`q-${q.if}`] || [];
          if (!known[q.if] || hidden[q.if] || !given.some((v) => q.choices.includes(v))) hidden[q.code] = true;
        }
      }
      return hidden;
    }
    function stepsOf(answers) {
      const hidden = hiddenOf(answers);
      const steps = rules.filter((q) => !hidden[q.code] && q.section !== null && !q.parent).map((q) => q.section);
      return [...new Set(steps)].sort((a, b) => a - b);
    }
    function end(which) {
      form.hidden = true;
      errors.hidden = true;
      each(document, ".offline-end", (el) => {
        el.hidden = el.dataset.end !== which;
        if (!el.hidden) el.querySelector(".page-heading").focus();
      });
    }
    function show(number) {
      const answers = answersOf(form), hidden = hiddenOf(answers), steps = stepsOf(answers);
      current = steps.includes(number) ? number : steps[0];
      each(form, "section[data-step]", (s) => { s.hidden = Number(s.dataset.step) !== current; });
      each(form, "[data-q]", (el) => { el.hidden = !!hidden[el.dataset.q]; });
      const position = steps.indexOf(current) + 1;
      const section = form.querySelector(`section[data-step='${current}']`);
      section.querySelector(".step-progress").textContent = form.dataset.progress
        .replace("{position}", position).replace("{total}", steps.length);
      nextButton.textContent = position === steps.length ? nextButton.dataset.last : nextButton.dataset.next;
      buttons.hidden = false;
      history.replaceState(null, "", `#stay-${current}`);
      section.querySelector(".page-heading").focus();
    }
    const save = () => {
      const answers = answersOf(form);
      return updateDraft((d) => (d ? merge(d, answers) : d));
    };
    // Required answers and eligibility; the server checks the rest on arrival.
    function check() {
      const answers = answersOf(form), hidden = hiddenOf(answers), missing = [];
      let ineligible = false;
      for (const q of rules) {
        if (q.section !== current || hidden[q.code] || q.matrix) continue;
        const values = answers[`q-${q.code}`] || [];
        if (q.required && !values.length) missing.push(q.code);
        if (q.eligible.length && values.length && !q.eligible.includes(values[0])) ineligible = true;
      }
      const list = errors.querySelector("ul");
      list.textContent = "";
      each(form, "[aria-invalid]", (el) => el.removeAttribute("aria-invalid"));
      for (const code of missing) {
        const el = form.querySelector(`[name='q-${code}']`);
        const label = form.querySelector(`#id_q-${code}_group legend, label[for='${el.id}']`);
        const item = document.createElement("li"), link = document.createElement("a");
        link.href = `#${el.id}`;
        link.textContent = label ? label.firstChild.textContent.trim() : code;
        item.append(link, ` – ${form.dataset.required}`);
        list.append(item);
        el.setAttribute("aria-invalid", "true");
      }
      errors.hidden = !missing.length;
      if (missing.length) errors.focus();
      return missing.length ? "errors" : ineligible ? "ineligible" : "ok";
    }
    async function next() {
      await save();
      const result = check();
      if (result === "errors") return;
      if (result === "ineligible") {
        await updateDraft(() => null);
        form.reset();
        end("ineligible");
        return;
      }
      const steps = stepsOf(answersOf(form)), position = steps.indexOf(current);
      if (position + 1 < steps.length) show(steps[position + 1]);
      else await finish();
    }
    async function back() {
      errors.hidden = true;
      await save();
      const steps = stepsOf(answersOf(form)), position = steps.indexOf(current);
      if (position > 0) show(steps[position - 1]);
      else window.location.assign(data.start);
    }
    async function finish() {
      const answers = answersOf(form), hidden = hiddenOf(answers), kept = {};
      for (const name of Object.keys(answers)) {
        const code = name.slice(2).replace(/-other$/, "");
        if (known[code] && !hidden[code]) kept[name] = answers[name];
      }
      await db.put("outbox", {
        rid: draft.rid, token, url: data.submit, answers: kept, language,
        languages: merge(draft, {}).languages, saved: Date.now(), status: "waiting",
        offline_consent: !!draft.offlineConsent,
      });
      await updateDraft(() => null);
      form.reset();
      fill(form, {});
      end("done");
      await send();
    }

    form.addEventListener("submit", (event) => { event.preventDefault(); next(); });
    buttons.querySelector("[data-back]").addEventListener("click", back);
    (async () => {
      draft = await db.get("drafts", token);
      if (!draft || !draft.rid) return end("none");
      fill(form, draft.answers);
      const hash = window.location.hash.match(/^#(next|back|stay)-(\d+)$/);
      show(hash ? Number(hash[2]) : stepsOf(draft.answers)[0]);
      if (hash && hash[1] === "next") await next();
      if (hash && hash[1] === "back") await back();
    })().catch(() => end("none")).then(() => {
      form.setAttribute("data-ready", "");
    });
  }

  // A kiosk's reserve of response ids: the next person can start offline.
  async function topUpIds() {
    if (!data.ids || !navigator.onLine) return;
    const spare = (await db.all("ids")).filter((i) => i.token === token);
    if (spare.length >= 5) return;
    const response = await fetch(data.ids, { credentials: "same-origin" });
    for (const rid of response.ok ? (await response.json()).ids : []) await db.put("ids", { rid, token });
  }
  // One id of the kiosk's reserve, taken out of it (null when none is left).
  async function takeSpareId() {
    const spare = (await db.all("ids")).find((i) => i.token === token);
    if (!spare) return null;
    await db.del("ids", spare.rid);
    return spare.rid;
  }
  function consentPage(form) {
    form.addEventListener("submit", async (event) => {
      if (form.dataset.going) return;
      event.preventDefault();
      if (navigator.onLine) {
        // What waits goes first: its arrival closes the walk's draft the server may still
        // keep, so a kiosk's next person starts from nothing.
        await send();
        form.dataset.going = "1";
        return event.submitter && form.requestSubmit ? form.requestSubmit(event.submitter) : form.submit();
      }
      if (!event.submitter || event.submitter.value !== "agree") return window.location.assign(data.start);
      if (form.querySelector("input[name=started]")) return answeredOnStart(form);
      const rid = await takeSpareId();
      if (!rid) return window.location.assign(data.offline);
      await updateDraft(() => ({ token, rid, answers: {}, languages: [language], offlineConsent: true }));
      window.location.assign(`${data.offline}#stay-0`);
    });
  }

  // A survey on one page answered on its start page (its consent given with the answers):
  // offline, the answers go to the outbox as they are, under the id the page was given.
  async function answeredOnStart(form) {
    const answers = answersOf(form), missing = [];
    for (const name of (form.dataset.required || "").split(" ").filter(Boolean)) {
      if (form.querySelector(`[name='${name}']`) && !(answers[name] || []).length) missing.push(name);
    }
    each(form, "[aria-invalid]", (el) => el.removeAttribute("aria-invalid"));
    if (missing.length) {
      for (const name of missing) each(form, `[name='${name}']`, (el) => el.setAttribute("aria-invalid", "true"));
      box.textContent = form.dataset.missing;
      box.className = "outbox-status alert alert-warning";
      form.querySelector(`[name='${missing[0]}']`).focus();
      return;
    }
    let rid = form.querySelector("input[name=rid]").value;
    if (kiosk) {
      // A kiosk's kept start page carries one id for everyone who meets it offline: each
      // person takes one of the reserve instead.
      rid = await takeSpareId();
      if (!rid) {
        box.textContent = data.connect;
        box.className = "outbox-status alert alert-warning";
        return;
      }
    }
    await db.put("outbox", {
      rid, token, url: data.submit, answers,
      language, languages: [language], saved: Date.now(), status: "waiting", offline_consent: true,
    });
    form.reset();
    form.hidden = true;
    await send();
    box.setAttribute("tabindex", "-1");
    box.focus();
  }

  async function keepForOffline() {
    if ("serviceWorker" in navigator) navigator.serviceWorker.register(data.sw, { scope: "/" }).catch(noop);
    // A phone's first page stays light: what a lost connection needs is fetched once the
    // walk begins (consent, steps). A kiosk keeps it all from its start page, with the start
    // and consent pages, so that the next person can begin offline.
    const here = window.location.pathname;
    if (!window.caches || !navigator.onLine || (here === data.start && !kiosk)) return;
    const assets = [];
    each(document, "link[rel=stylesheet], script[src]", (el) => assets.push(el.href || el.src));
    const pages = [data.offline, ...(kiosk ? [data.start, `${data.start}consent/`] : [])];
    const cache = await caches.open(CACHE);
    const missing = [];
    for (const url of [...assets, ...pages]) {
      const hit = await cache.match(url);
      // Pages are kept an hour at most: the survey's wording may change. Static files
      // change their names when they change (whitenoise's manifest).
      const old = pages.includes(url) && !(Date.now() - Date.parse(hit && hit.headers.get("date")) < 3600000);
      if (!hit || old) missing.push(url);
    }
    await cache.addAll(missing);
    for (const kept of await cache.keys()) {
      if (kept.url.includes("/static/") && !assets.includes(kept.url)) await cache.delete(kept);
    }
  }

  document.addEventListener("DOMContentLoaded", () => {
    const offlineForm = document.getElementById("offline-form");
    if (/\/(thanks\/[^/]+|not-eligible|declined)\/$/.test(window.location.pathname)) updateDraft(() => null);
    const stepForm = document.getElementById("step-form");
    if (stepForm) stepPage(stepForm);
    const consentForm = document.querySelector("form[action$='/consent/']");
    if (consentForm) consentPage(consentForm);
    if (offlineForm) offlinePage(offlineForm);
    else keepForOffline().catch(noop).then(topUpIds).catch(noop);
    send();
    // A phone says it is online a moment before its connection carries requests: try
    // again soon after, not only at the next tick of the timer.
    window.addEventListener("online", () => { send(); window.setTimeout(send, 3000); });
    window.addEventListener("offline", report);
    window.setInterval(send, 30000);
  });
})();
