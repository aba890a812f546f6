/* upload.js: resumable, chunked upload with a progress bar, over the plain form in
 * templates/workspace/upload.html (form[data-upload]). Without this file the form posts the
 * whole file as multipart/form-data, which also works.
 *
 * Protocol (crates/web/README.md "Chunked upload"; every request same-origin with
 * X-CSRF-Token from <meta name="csrf-token">):
 *   POST   data-create-url  JSON {filename, size, media_type, last_modified}
 *          → 201 {id, url, offset, chunk_size, state}
 *   GET    url  (Accept: application/json)
 *          → 200 {id, state: receiving|validating|done|failed, offset, size, rows_checked,
 *                 message, report_url}; 404/410: unknown or expired (start again)
 *   PATCH  url  Upload-Offset: n, Content-Type: application/offset+octet-stream, body = bytes
 *          [n, n + len) with len = chunk_size (less for the last chunk)
 *          → 204 + Upload-Offset: new offset; → 200 + status JSON after the last byte;
 *          → 409 {offset}: the server has a different offset, continue from it
 *   DELETE url → 204 (cancel)
 * Resume: the upload's url is kept in localStorage under the dataset, file name, size and
 * modification time; choosing the same file again continues from the server's offset.
 * Network errors, 408, 429 and 5xx are retried for ever with backoff (1, 2, 4 … 30 s) and at
 * once when the browser comes back online; before each retry the offset is asked again.
 */
(function () {
  "use strict";

  var form = document.querySelector("form[data-upload]");
  if (!form || !window.XMLHttpRequest || !window.Blob || !Blob.prototype.slice) return;

  var input = form.querySelector("input[type=file]");
  var startButton = form.querySelector("[data-upload-start]");
  var box = form.querySelector("[data-upload-progress]");
  var bar = form.querySelector("[data-upload-bar]");
  var text = form.querySelector("[data-upload-text]");
  var detail = form.querySelector("[data-upload-detail]");
  var announce = form.querySelector("[data-upload-announce]");
  var pauseButton = form.querySelector("[data-upload-pause]");
  var resumeButton = form.querySelector("[data-upload-resume]");
  var cancelButton = form.querySelector("[data-upload-cancel]");
  var csrfMeta = document.querySelector('meta[name="csrf-token"]');
  var csrf = csrfMeta ? csrfMeta.content : "";
  var lang = form.dataset.lang || document.documentElement.lang || "id";
  var locale = lang === "en" ? "en-GB" : "id-ID";
  var maxBytes = parseInt(form.dataset.maxBytes || "0", 10);

  var state = null; // {file, url, offset, chunk, xhr, paused, cancelled, retries, timer, lastMilestone, samples}

  function msg(name, args) {
    var key = "msg" + name.replace(/(^|-)([a-z])/g, function (_, __, c) { return c.toUpperCase(); });
    var out = form.dataset[key] || "";
    Object.keys(args || {}).forEach(function (k) { out = out.split("{" + k + "}").join(String(args[k])); });
    return out;
  }

  // Same rules as the server's bytes filter: 1000-based, one decimal below 100.
  function bytes(n) {
    if (n < 1000) return n + " B";
    var units = ["kB", "MB", "GB", "TB"];
    var v = n, u = -1;
    while (v >= 1000 && u < units.length - 1) { v /= 1000; u++; }
    var digits = v < 100 ? 1 : 0;
    return new Intl.NumberFormat(locale, { maximumFractionDigits: digits }).format(v) + " " + units[u];
  }
  function num(n) { return new Intl.NumberFormat(locale).format(n); }

  function duration(seconds) {
    if (!isFinite(seconds) || seconds <= 0) return "";
    if (seconds < 90) return msg("seconds", { n: Math.max(1, Math.round(seconds)) });
    return msg("minutes", { n: num(Math.round(seconds / 60)) });
  }

  function say(message) { text.textContent = message; }          // aria-live: what happens
  function show(message) { detail.textContent = message; }       // not live: frequent updates
  // The transfer's milestones (every 10 %) are for screen readers only: on screen the detail
  // line shows the current figure, and a second, older figure beside it would confuse.
  function announceMilestone(message) { announce.textContent = message; }

  function storageKey(file) {
    return "satudata-upload|" + form.dataset.createUrl + "|" + file.name + "|" + file.size + "|" + file.lastModified;
  }
  function remember(file, url) { try { localStorage.setItem(storageKey(file), url); } catch (e) { /* private mode */ } }
  function forget(file) { try { localStorage.removeItem(storageKey(file)); } catch (e) { /* ignore */ } }
  function recall(file) { try { return localStorage.getItem(storageKey(file)); } catch (e) { return null; } }

  function request(method, url, body, headers) {
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      xhr.open(method, url, true);
      xhr.setRequestHeader("Accept", "application/json");
      if (csrf) xhr.setRequestHeader("X-CSRF-Token", csrf);
      Object.keys(headers || {}).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      xhr.timeout = 0;
      if (method === "PATCH") {
        state.xhr = xhr;
        xhr.upload.onprogress = function (e) { if (e.lengthComputable) progress(state.offset + e.loaded); };
      }
      xhr.onload = function () {
        var json = null;
        try { json = xhr.responseText ? JSON.parse(xhr.responseText) : null; } catch (e) { json = null; }
        resolve({ status: xhr.status, json: json, xhr: xhr });
      };
      xhr.onerror = function () { reject(new Error("network")); };
      xhr.onabort = function () { reject(new Error("abort")); };
      xhr.send(body === undefined ? null : body);
    });
  }

  function progress(sent) {
    var file = state.file;
    var percent = file.size ? Math.floor((sent / file.size) * 100) : 100;
    bar.max = 100;
    bar.value = percent;
    var now = Date.now();
    state.samples.push([now, sent]);
    while (state.samples.length > 2 && now - state.samples[0][0] > 15000) state.samples.shift();
    var first = state.samples[0];
    var rate = now > first[0] ? (sent - first[1]) / ((now - first[0]) / 1000) : 0;
    var line = msg("progress", { sent: bytes(sent), total: bytes(file.size), percent: percent });
    var eta = rate > 0 ? duration((file.size - sent) / rate) : "";
    show(eta ? line + " · " + msg("eta", { time: eta }) : line);
    var milestone = Math.floor(percent / 10);
    if (milestone !== state.lastMilestone) {
      state.lastMilestone = milestone;
      say("");   // bytes flow again: "preparing", "retrying" are past
      announceMilestone(line);
    }
  }

  function setRunning(running) {
    pauseButton.hidden = !running;
    resumeButton.hidden = running;
    startButton.disabled = true;
    input.disabled = true;
  }

  function reset() {
    startButton.disabled = false;
    input.disabled = false;
    box.hidden = true;
    state = null;
  }

  function fail(message) {
    box.hidden = false;
    say(msg("failed") + " " + (message || ""));
    show("");
    startButton.disabled = false;
    input.disabled = false;
    pauseButton.hidden = true;
    resumeButton.hidden = true;
    cancelButton.hidden = true;
  }

  function errorMessage(response) {
    var e = response && response.json && response.json.error;
    return e ? (lang === "en" && e.message_en ? e.message_en : e.message) : "";
  }

  function retryable(status) { return status === 0 || status === 408 || status === 429 || status >= 500; }

  function scheduleRetry() {
    if (!state || state.paused || state.cancelled) return;
    var delay = Math.min(30, Math.pow(2, state.retries));
    state.retries += 1;
    var left = delay;
    function tick() {
      if (!state || state.paused || state.cancelled) return;
      if (!navigator.onLine) { show(msg("offline")); state.timer = setTimeout(tick, 1000); return; }
      if (left <= 0) { resync(); return; }
      show(msg("retry", { seconds: left }));
      left -= 1;
      state.timer = setTimeout(tick, 1000);
    }
    if (state.retries === 1) say(msg("retry", { seconds: delay }));
    tick();
  }

  // Ask the server where it is, then go on from there.
  function resync() {
    if (!state || state.paused || state.cancelled) return;
    request("GET", state.url).then(function (r) {
      if (r.status === 200 && r.json) return follow(r.json);
      if (r.status === 404 || r.status === 410) { forget(state.file); return create(); }
      if (retryable(r.status)) return scheduleRetry();
      fail(errorMessage(r));
    }, function (err) { if (err.message !== "abort") scheduleRetry(); });
  }

  function follow(status) {
    if (status.state === "receiving") {
      state.offset = status.offset;
      return sendNext();
    }
    return poll(status);
  }

  function sendNext() {
    if (!state || state.paused || state.cancelled) return;
    var file = state.file;
    if (state.offset >= file.size) return resync();
    var end = Math.min(file.size, state.offset + state.chunk);
    var blob = file.slice(state.offset, end);
    request("PATCH", state.url, blob, {
      "Upload-Offset": String(state.offset),
      "Content-Type": "application/offset+octet-stream"
    }).then(function (r) {
      state.xhr = null;
      if (r.status === 204 || (r.status === 200 && r.json && r.json.state === "receiving")) {
        var next = parseInt(r.xhr.getResponseHeader("Upload-Offset") || "", 10);
        state.offset = isNaN(next) ? end : next;
        state.retries = 0;
        progress(state.offset);
        return sendNext();
      }
      if (r.status === 200 && r.json) { state.offset = file.size; progress(file.size); return poll(r.json); }
      if (r.status === 409 && r.json && typeof r.json.offset === "number") { state.offset = r.json.offset; return sendNext(); }
      if (r.status === 404 || r.status === 410) { forget(file); return create(); }
      if (retryable(r.status)) return scheduleRetry();
      forget(file);
      fail(errorMessage(r));
    }, function (err) {
      state && (state.xhr = null);
      if (err.message === "abort") return;
      scheduleRetry();
    });
  }

  function poll(status) {
    if (!state || state.cancelled) return;
    pauseButton.hidden = true;
    resumeButton.hidden = true;
    cancelButton.hidden = true;
    bar.value = 100;
    if (status.state === "done" && status.report_url) {
      forget(state.file);
      say(msg("done"));
      window.location.assign(status.report_url);
      return;
    }
    if (status.state === "failed") { forget(state.file); fail(status.message || ""); return; }
    var line = msg("validating");
    if (status.rows_checked) {
      line += " " + (status.rows_checked === 1 ? msg("rows-one") : msg("rows", { n: num(status.rows_checked) }));
    }
    if (state.lastMilestone !== "validating") { state.lastMilestone = "validating"; say(msg("validating")); }
    show(line);
    state.timer = setTimeout(function () {
      request("GET", state.url).then(function (r) {
        if (r.status === 200 && r.json) return poll(r.json);
        if (retryable(r.status)) return poll(status);
        fail(errorMessage(r));
      }, function () { poll(status); });
    }, 2000);
  }

  function create() {
    var file = state.file;
    var body = JSON.stringify({
      filename: file.name, size: file.size,
      media_type: file.type || "application/octet-stream", last_modified: file.lastModified
    });
    request("POST", form.dataset.createUrl, body, { "Content-Type": "application/json" }).then(function (r) {
      if ((r.status === 201 || r.status === 200) && r.json && r.json.url) {
        state.url = r.json.url;
        state.offset = r.json.offset || 0;
        state.chunk = r.json.chunk_size || 4194304;
        remember(file, state.url);
        return sendNext();
      }
      if (retryable(r.status)) return scheduleRetry();
      fail(errorMessage(r));
    }, function (err) { if (err.message !== "abort") scheduleRetry(); });
  }

  function start(event) {
    event.preventDefault();
    var file = input.files && input.files[0];
    box.hidden = false;
    cancelButton.hidden = false;
    if (!file) { say(msg("no-file")); show(""); input.focus(); return; }
    if (maxBytes && file.size > maxBytes) { say(msg("too-big", { max: bytes(maxBytes) })); show(""); input.focus(); return; }
    state = { file: file, url: null, offset: 0, chunk: 4194304, xhr: null, paused: false, cancelled: false,
              retries: 0, timer: null, lastMilestone: -1, samples: [] };
    setRunning(true);
    bar.value = 0;
    say(msg("preparing"));
    var known = recall(file);
    if (known) {
      state.url = known;
      request("GET", known).then(function (r) {
        if (r.status === 200 && r.json && r.json.state === "receiving") {
          state.offset = r.json.offset;
          state.chunk = r.json.chunk_size || state.chunk;
          say(msg("resumed", { sent: bytes(state.offset) }));
          progress(state.offset);
          return sendNext();
        }
        if (r.status === 200 && r.json && r.json.state !== "failed") return poll(r.json);
        forget(file);
        create();
      }, function () { forget(file); create(); });
    } else {
      create();
    }
  }

  form.addEventListener("submit", start);

  pauseButton.addEventListener("click", function () {
    if (!state) return;
    state.paused = true;
    clearTimeout(state.timer);
    if (state.xhr) state.xhr.abort();
    setRunning(false);
    say(msg("paused"));
    resumeButton.focus();
  });

  resumeButton.addEventListener("click", function () {
    if (!state) return;
    state.paused = false;
    state.retries = 0;
    setRunning(true);
    pauseButton.focus();
    if (state.url) resync(); else create();
  });

  cancelButton.addEventListener("click", function () {
    if (!state) { reset(); return; }
    state.cancelled = true;
    clearTimeout(state.timer);
    if (state.xhr) state.xhr.abort();
    var file = state.file, url = state.url;
    forget(file);
    if (url) request("DELETE", url).catch(function () { /* the server expires it anyway */ });
    say(msg("cancelled"));
    show("");
    startButton.disabled = false;
    input.disabled = false;
    pauseButton.hidden = true;
    resumeButton.hidden = true;
    state = null;
    startButton.focus();
  });

  window.addEventListener("online", function () {
    if (state && !state.paused && !state.cancelled && state.timer && state.retries > 0) {
      clearTimeout(state.timer);
      resync();
    }
  });
})();
