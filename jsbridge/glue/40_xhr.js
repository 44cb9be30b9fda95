// 40_xhr: uploadFile and downloadFile over XMLHttpRequest, on the task's transport
// (25_transport.js opens the XHR and reads its head): progress events, the multipart
// upload, the streamed download into a Blob, and their settlement (the download's bytes
// go to the file store of 70_files.js).
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
// xhrHeaders is the response head of xhr as an object: the lines of
// getAllResponseHeaders, whose names the browser gives lowercased and whose repeated
// headers it joins with ", " (spec §4.5), read with indexOf (a regular expression split
// measured a good part of a small request's head).
function xhrHeaders(xhr) {
  const all = xhr.getAllResponseHeaders(), o = {};
  for (let i = 0; i < all.length;) {
    let j = all.indexOf("\n", i);
    if (j < 0) j = all.length;
    const c = all.indexOf(":", i);
    if (c > i && c < j) {
      const name = all.slice(i, c).trim();
      if (name !== "") o[name.toLowerCase()] = all.slice(c + 1, j).trim();
    }
    i = j + 1;
  }
  return o;
}
// A transport may feed the upload's progress itself (watchUpload): through the relay,
// XHR's upload progress measures only the loopback hop to the relay, whose socket buffers
// take megabytes at once, so the events follow the bytes the relay reports sent upstream
// (relayWatch), and the count in the answer's head.
function runUpload(rec, t, cx, call, name, path, form) {
  const url = call.url;
  const blob = files.get(path);
  const fd = new FormData();
  for (let i = 0; i + 1 < form.length; i += 2) fd.append(form[i], form[i + 1]);
  fd.append(name, blob, path.slice(path.lastIndexOf("/") + 1));
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  t.openXHR(xhr, cx, call);
  let total = blob.size, sent = 0;
  const relayed = function (n, all) { // the transport's count of bytes sent upstream
    if (rec.done || !(n >= sent)) return;
    sent = n;
    if (all > 0) total = all;
    upProgress(n, total);
  };
  // upProgress shows n of all bytes sent when the link would have sent them (§C3)
  const upProgress = function (n, all) {
    pace(rec, "up", n, function () { progress(rec, n, all, "totalBytesSent", "totalBytesExpectedToSend"); });
  };
  xhr.upload.onprogress = function (e) {
    if (rec.done) return;
    if (e.lengthComputable) total = e.total;
    if (!watched) upProgress(e.loaded, total);
  };
  xhr.onreadystatechange = function () {
    if (xhr.readyState === 2 && !rec.done && t.headXHR(rec, xhr)) {
      if (watched && rec.prof) relayed(rec.prof.sendBytesCount, -1);
      pace(rec, "head", 0, function () {
        emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
      });
    }
  };
  xhr.onload = function () {
    if (rec.done) return;
    if (rec.relayErr) { failTask(rec, relayError(rec.relayErr, rec.relayMsg || xhr.responseText), url); return; }
    const all = total, text = xhr.responseText;
    pace(rec, "up", all, function () {
      if (rec.lastProgress < 100) progress(rec, all, all, "totalBytesSent", "totalBytesExpectedToSend", true); // spec §5.3
    });
    pace(rec, "down", text.length, function () {
      rec.text = text;
      rec.t2 = now();
      enter(EV_DONE, rec, rec.status, rec.ctype);
    });
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to upload"); };
  const watched = t.watchUpload(rec, cx, call, relayed);
  if (watched) xhr.addEventListener("loadend", watched);
  xhr.send(fd);
}

// ---- downloadFile: XMLHttpRequest with responseType "blob": the browser writes the
// body into a Blob and reports progress itself, so the bytes never pass through page
// JavaScript (measured faster than a counting TransformStream, and no heap growth); the
// size cap is checked on content-length and on every progress event.
function runDownload(rec, t, cx, call, cap) {
  const url = call.url;
  const xhr = new XMLHttpRequest();
  rec.xhr = xhr;
  rec.lastProgress = -1;
  rec.t0 = now();
  t.openXHR(xhr, cx, call);
  xhr.responseType = "blob";
  let total = 0;
  const exceed = function () { xhr.abort(); if (!rec.done) enter(EV_ERROR, rec, "ExceedSize", ""); };
  xhr.onreadystatechange = function () {
    if (xhr.readyState !== 2 || rec.done) return;
    rec.t1 = now();
    const fin = t.finalURL(xhr, call);
    if (fin) { enter(EV_REDIRECT, rec, fin); if (rec.done) return; }
    if (!t.headXHR(rec, xhr)) return;
    total = Number(xhr.getResponseHeader("content-length")) || 0;
    if (total > cap) { exceed(); return; }
    pace(rec, "head", 0, function () { // §C3
      emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
      if (!rec.done) progress(rec, 0, total, "totalBytesWritten", "totalBytesExpectedToWrite");
    });
  };
  xhr.onprogress = function (e) {
    if (rec.done || rec.relayErr) return;
    if (e.loaded > cap) { exceed(); return; }
    const n = e.loaded;
    if (total > 0) pace(rec, "down", n, function () { progress(rec, n, total, "totalBytesWritten", "totalBytesExpectedToWrite"); });
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
    pace(rec, "down", blob.size, function () {
      if (rec.lastProgress < 100) progress(rec, blob.size, total, "totalBytesWritten", "totalBytesExpectedToWrite", true); // spec §5.3
      rec.blob = blob;
      rec.t2 = now();
      enter(EV_DONE, rec, rec.status, rec.ctype);
    });
  };
  xhr.onerror = function () { if (!rec.done) enter(EV_ERROR, rec, "TypeError", "Failed to download"); };
  xhr.send();
}

// fetchDownload is runDownload for a download nobody follows the progress of: the body
// goes straight into a Blob (fetch().blob()) when its length is known and not past the
// cap, else it is counted chunk by chunk and stopped past the cap. A listener added
// later still gets the first and the final progress event.
async function fetchDownload(rec, t, cx, call, cap) {
  const exceed = function () { rec.ctrl.abort(); if (!rec.done) enter(EV_ERROR, rec, "ExceedSize", ""); };
  try {
    rec.ctrl = new AbortController();
    rec.lastProgress = -1;
    rec.t0 = now();
    rec.tr = t; // settle releases what t.fetch holds, however the task ends
    const resp = await t.fetch(rec, cx, call);
    if (resp === null || rec.done) return;
    rec.t1 = now();
    const total = Number(resp.headers.get("content-length")) || 0;
    if (total > cap) { exceed(); return; }
    if (rec.pace) { await paced(rec, "head", 0); if (rec.done) return; } // §C3
    emitTask(rec, "HeadersReceived", { header: rec.header, statusCode: rec.status, cookies: rec.cookies });
    if (rec.done) return;
    progress(rec, 0, total, "totalBytesWritten", "totalBytesExpectedToWrite");
    const whole = total > 0 && !resp.headers.get("content-encoding");
    const blob = whole || !resp.body ? await resp.blob() : await countedBlob(rec, resp.body, cap);
    if (rec.done) return;
    if (blob === null || blob.size > cap) { exceed(); return; }
    if (rec.pace) { t.release(rec); await paced(rec, "down", blob.size); if (rec.done) return; }
    if (rec.lastProgress < 100) progress(rec, blob.size, total, "totalBytesWritten", "totalBytesExpectedToWrite", true); // spec §5.3
    rec.blob = blob;
    rec.t2 = now();
    t.release(rec);
    enter(EV_DONE, rec, rec.status, rec.ctype);
  } catch (e) {
    failTask(rec, e, call.url);
  } finally {
    t.release(rec);
  }
}
// countedBlob reads body into a Blob, null as soon as it passes cap bytes.
async function countedBlob(rec, body, cap) {
  const reader = body.getReader(), parts = [];
  let n = 0;
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    if (rec.done) { reader.cancel().catch(function () {}); return new Blob([]); }
    n += r.value.byteLength;
    if (n > cap) { reader.cancel().catch(function () {}); return null; }
    parts.push(r.value);
  }
  return new Blob(parts);
}

Object.assign(glue, {
  upload: function (id, via, url, headers, name, path, timeoutMs) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    const file = files.get(path);
    paceStart(rec, file ? file.size : 0);
    const form = rec.form || [], t = transports[via];
    const call = { api: "uploadFile", url: url, method: "POST", headers: headers, form: true, id: String(id), via: via };
    observe(rec, "start", call);
    if (t.upload) { t.upload(rec, call, name, path, form); return; } // a mock
    ready(rec, t, url, function (cx) {
      try { runUpload(rec, t, cx, call, name, path, form); } catch (e) {
        Promise.resolve().then(function () { failTask(rec, e, url); });
      }
    });
  },
  download: function (id, via, url, headers, timeoutMs, cap) {
    const rec = recs.get(id);
    if (!rec) return;
    setTimer(id, timeoutMs);
    paceStart(rec, 0);
    const t = transports[via], call = { api: "downloadFile", url: url, method: "GET", headers: headers, via: via };
    observe(rec, "start", call);
    ready(rec, t, url, function (cx) {
      // chosen once the call has returned, when its listeners are on: XHR reports progress;
      // with nobody to tell, fetch().blob() is faster, directly and through the relay
      // (measured: relay ÷ direct for 50 MiB went from 0.74 – 0.87 on XHR to 0.97 – 1.15)
      queueMicrotask(function () {
        if (rec.done) return;
        const ls = rec.ls && rec.ls.ProgressUpdate;
        if (via === VIA_MOCK || (!(ls && ls.length > 0) && observers === null)) { fetchDownload(rec, t, cx, call, cap); return; }
        try { runDownload(rec, t, cx, call, cap); } catch (e) {
          Promise.resolve().then(function () { failTask(rec, e, url); });
        }
      });
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
