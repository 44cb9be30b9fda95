// 40_xhr: uploadFile and downloadFile over XMLHttpRequest, directly or through the relay
// (50_relay.js): opening and reading the head of a transfer, progress events, the
// multipart upload, the streamed download into a Blob, and their settlement (the
// download's bytes go to the file store of 70_files.js).
// xhrOpen opens xhr for a transfer: to url directly, or to the relay with target.
function xhrOpen(xhr, s, method, url, headers, target) {
  if (s) {
    const lane = relayLane();
    try {
      xhr.open("POST", lane.url);
      const h = relayHeaders(s, target);
      for (const k in h) xhr.setRequestHeader(k, h[k]);
    } catch (e) { lane.done(); throw e; }
    xhr.addEventListener("loadend", lane.done);
    return;
  }
  xhr.open(method, url);
  for (let i = 0; i + 1 < headers.length; i += 2) xhr.setRequestHeader(headers[i], headers[i + 1]);
}
// xhrHead reads the response head into rec (status, header, cookies, ctype); for a relay
// error answer it records the kind and returns false (the message is the body).
function xhrHead(rec, xhr, s) {
  if (!s) {
    rec.status = xhr.status; rec.header = xhrHeaders(xhr); rec.cookies = [];
    rec.ctype = xhr.getResponseHeader("content-type") || "";
    return true;
  }
  const kind = xhr.getResponseHeader("X-Wxsim-Error");
  if (kind) { rec.relayErr = kind; return false; }
  try { rec.ctype = relayHead(rec, xhr.getResponseHeader("X-Wxsim-Meta")); } catch (e) {
    rec.relayErr = "network"; rec.relayMsg = "the relay answered without readable metadata";
    return false;
  }
  return true;
}
// ---- uploadFile: XMLHttpRequest (fetch cannot report upload progress), multipart built
// by the browser's FormData so the boundary is always right.
function progress(rec, done, total, sentKey, totalKey, final) {
  const p = final ? 100 : total > 0 ? Math.min(100, Math.floor(done * 100 / total)) : 0;
  if (p < rec.lastProgress) return;
  rec.lastProgress = p;
  const ev = { progress: p };
  ev[sentKey] = done; ev[totalKey] = total;
  emitTask(rec, "ProgressUpdate", ev);
}
function xhrHeaders(xhr) {
  const o = {};
  for (const line of xhr.getAllResponseHeaders().trim().split(/[\r\n]+/)) {
    const i = line.indexOf(":");
    if (i > 0) o[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
  }
  return o;
}
// Through the relay, XHR's upload progress measures only the loopback hop to the relay,
// whose socket buffers take megabytes at once: the progress events follow the bytes the
// relay reports sent upstream instead (relayWatch), and the count in the answer's head.
function runUpload(rec, url, headers, name, path, form, s) {
  const blob = files.get(path);
  const fd = new FormData();
  for (let i = 0; i + 1 < form.length; i += 2) fd.append(form[i], form[i + 1]);
  fd.append(name, blob, path.slice(path.lastIndexOf("/") + 1));
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  const call = String(rec.id);
  xhrOpen(xhr, s, "POST", url, headers, { api: "uploadFile", url: url, header: pairs(headers), form: true, call: call });
  let total = blob.size, sent = 0;
  const relayed = function (n, t) { // the relay's count of bytes sent upstream
    if (rec.done || !(n >= sent)) return;
    sent = n;
    if (t > 0) total = t;
    progress(rec, n, total, "totalBytesSent", "totalBytesExpectedToSend");
  };
  xhr.upload.onprogress = function (e) {
    if (rec.done) return;
    if (e.lengthComputable) total = e.total;
    if (!s) progress(rec, e.loaded, total, "totalBytesSent", "totalBytesExpectedToSend");
  };
  xhr.onreadystatechange = function () {
    if (xhr.readyState === 2 && !rec.done && xhrHead(rec, xhr, s)) {
      if (s && rec.prof) relayed(rec.prof.sendBytesCount, -1);
      emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
    }
  };
  xhr.onload = function () {
    if (rec.done) return;
    if (rec.relayErr) { failTask(rec, relayError(rec.relayErr, rec.relayMsg || xhr.responseText), url); return; }
    if (rec.lastProgress < 100) progress(rec, total, total, "totalBytesSent", "totalBytesExpectedToSend", true); // spec §5.3
    rec.text = xhr.responseText;
    rec.t2 = now();
    enter(EV_DONE, rec, rec.status, rec.ctype);
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to upload"); };
  if (s) xhr.addEventListener("loadend", relayWatch(s, call, relayed));
  xhr.send(fd);
}

// ---- downloadFile: XMLHttpRequest with responseType "blob": the browser writes the
// body into a Blob and reports progress itself, so the bytes never pass through page
// JavaScript (measured faster than a counting TransformStream, and no heap growth); the
// size cap is checked on content-length and on every progress event.
function runDownload(rec, url, headers, cap, s) {
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  xhrOpen(xhr, s, "GET", url, headers, { api: "downloadFile", url: url, header: pairs(headers) });
  xhr.responseType = "blob";
  let total = 0;
  const exceed = function () { xhr.abort(); if (!rec.done) enter(EV_ERROR, rec, "ExceedSize", ""); };
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 2 || rec.done) return;
    rec.t1 = now();
    if (!s && xhr.responseURL && xhr.responseURL !== url) { enter(EV_REDIRECT, rec, xhr.responseURL); if (rec.done) return; }
    if (!xhrHead(rec, xhr, s)) return;
    total = Number(xhr.getResponseHeader("content-length")) || 0;
    if (total > cap) { exceed(); return; }
    emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
    if (!rec.done) progress(rec, 0, total, "totalBytesWritten", "totalBytesExpectedToWrite");
  };
  xhr.onprogress = function (e) {
    if (rec.done || rec.relayErr) return;
    if (e.loaded > cap) { exceed(); return; }
    if (total > 0) progress(rec, e.loaded, total, "totalBytesWritten", "totalBytesExpectedToWrite");
  };
  xhr.onload = function () {
    if (rec.done) return;
    const blob = xhr.response || new Blob([]);
    if (rec.relayErr) {
      if (rec.relayMsg) { failTask(rec, relayError(rec.relayErr, rec.relayMsg), url); return; }
      blob.text().then(function (m) { failTask(rec, relayError(rec.relayErr, m), url); });
      return;
    }
    if (blob.size > cap) { exceed(); return; }
    if (rec.lastProgress < 100) progress(rec, blob.size, total, "totalBytesWritten", "totalBytesExpectedToWrite", true); // spec §5.3
    rec.blob = blob;
    rec.t2 = now();
    enter(EV_DONE, rec, rec.status, rec.ctype);
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to download"); };
  xhr.send();
}

Object.assign(glue, {
  upload: function (id, url, headers, name, path, timeoutMs) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    const form = rec.form || [];
    withSession(rec, url, function (s) {
      try { runUpload(rec, url, headers, name, path, form, s); } catch (e) {
        Promise.resolve().then(function () { failTask(rec, e, url); });
      }
    });
  },
  download: function (id, url, headers, timeoutMs, cap) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    withSession(rec, url, function (s) {
      try { runDownload(rec, url, headers, cap, s); } catch (e) {
        Promise.resolve().then(function () { failTask(rec, e, url); });
      }
    });
  },
  taskSize: function (id) { const rec = recs.get(id); return rec && rec.blob ? rec.blob.size : 0; },
  okUpload: function (id, errMsg) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, { data: rec.text, statusCode: rec.status, header: rec.header, errMsg: errMsg });
  },
  okDownload: function (id, key, path, errMsg, changes) {
    const rec = recs.get(id);
    if (!rec) return;
    files.set(path, rec.blob);
    const res = { statusCode: rec.status, header: rec.header, profile: profile(rec), errMsg: errMsg };
    res[key] = path;
    if (changes) glue.persist(id, changes, res); else settle(rec, true, res);
  },
});
