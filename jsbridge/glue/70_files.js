// 70_files: the file store and the file system manager's settlements. File bytes:
// canonical path → Blob (package sim keeps the metadata and decides).
// Saved (http://store) and user (http://usr) files persist in IndexedDB, one database per
// appId, one record per path: {path, size, isDir, ctime, mtime} (Go's metadata) and, for
// a file, its blob. Go hands persist only the paths a change touched (sim.FS.TakeChanges).
// The first layout kept all metadata in one record "#index" (rewritten on every change)
// and {path, blob} records; load migrates it.
const files = new Map();
// persistent: the path is under a root whose files outlive the page (Go's list, given to load)
let persistRoots = [];
function persistent(path) {
  for (const r of persistRoots) if (path.startsWith(r)) return true;
  return false;
}
function fileRecord(c, blobs) {
  const r = { path: c.path, size: c.size, isDir: c.isDir, ctime: c.ctime, mtime: c.mtime };
  const b = c.isDir ? undefined : (blobs || files).get(c.path);
  if (b) r.blob = b;
  return r;
}
function readAll(db) {
  return new Promise(function (resolve, reject) {
    const req = db.transaction(["files"], "readonly").objectStore("files").getAll();
    req.onsuccess = function () { resolve(req.result); };
    req.onerror = function () { reject(req.error); };
  });
}
// migrate rewrites a database of the first layout as one record per path, in one
// transaction (a blob without an index entry was unreachable and goes), and resolves with
// the new records; any other database's records resolve unchanged.
function migrate(db, records) {
  const index = records.find(function (r) { return r.path === "#index"; });
  if (!index) return Promise.resolve(records);
  const blobs = new Map();
  for (const r of records) if (r.blob) blobs.set(r.path, r.blob);
  const out = (Array.isArray(index.entries) ? index.entries : []).map(function (e) {
    return fileRecord({ path: String(e.path), size: e.size, isDir: !!e.isDir, ctime: e.ctime, mtime: e.mtime }, blobs);
  });
  return new Promise(function (resolve, reject) {
    const tx = db.transaction(["files"], "readwrite"), st = tx.objectStore("files");
    st.clear();
    for (const r of out) st.put(r);
    tx.oncomplete = function () { resolve(out); };
    tx.onerror = tx.onabort = function () { reject(tx.error); };
  });
}
// packRecords packs the records' metadata for Go: LD.n numbers per record, in the order
// of LD (see EvLoaded in protocol.go).
function packRecords(records) {
  const enc = new TextEncoder(), nums = new Float64Array(records.length * LD.n);
  const num = function (x) { return typeof x === "number" && isFinite(x) ? x : 0; };
  let cap = 0, off = 0;
  for (const r of records) cap += String(r.path).length * 3; // UTF-8 needs at most 3 bytes per UTF-16 unit
  const bytes = new Uint8Array(cap);
  records.forEach(function (r, i) {
    const w = enc.encodeInto(String(r.path), bytes.subarray(off)).written;
    off += w;
    const at = LD.n * i;
    nums[at + LD.pathBytes] = w; nums[at + LD.size] = num(r.size); nums[at + LD.isDir] = r.isDir === true ? 1 : 0;
    nums[at + LD.ctime] = num(r.ctime); nums[at + LD.mtime] = num(r.mtime);
  });
  return [bytes.subarray(0, off), new Uint8Array(nums.buffer)];
}
let dbName = "", dbPromise = null, dbWarned = false;
function openDB() {
  if (!dbPromise) {
    dbPromise = new Promise(function (resolve, reject) {
      if (typeof indexedDB === "undefined") { reject(new Error("IndexedDB is not available")); return; }
      const req = indexedDB.open(dbName, 1);
      req.onupgradeneeded = function () { req.result.createObjectStore("files", { keyPath: "path" }); };
      req.onsuccess = function () {
        const db = req.result;
        // another tab deleting or upgrading the database must not wait for this one
        db.onversionchange = function () { db.close(); dbPromise = null; };
        resolve(db);
      };
      req.onerror = function () { reject(req.error); };
      req.onblocked = function () { reject(new Error("IndexedDB is blocked by another tab")); };
    });
  }
  return dbPromise;
}
function noDB(e) {
  if (!dbWarned) { dbWarned = true; console.warn("wxsim: saved and user files will not survive a reload: " + e); }
}

// pendingData holds the bytes of a …Sync write between prepareData and commitData.
const pendingData = { blob: null };
function makeStats(size, isDir, mode, atime, mtime) {
  return { size: size, mode: mode, lastAccessedTime: atime, lastModifiedTime: mtime,
    isFile: function () { return !isDir; }, isDirectory: function () { return isDir; } };
}

Object.assign(glue, {
  // file system manager
  defineConst: function (target, name, v) { target[name] = function () { return v; }; },
  defineCallbackAPI: function (target, name, api) {
    target[name] = function (opts) { start(EV_CALL, newRec(name, opts), api, opts); };
  },
  okStat: function (id, errMsg, size, isDir, mode, atime, mtime) {
    const rec = recs.get(id);
    if (rec) settle(rec, true, { stats: makeStats(size, isDir, mode, atime, mtime), errMsg: errMsg });
  },
  // defineSyncAPI sets target[name] to a synchronous method: Go answers in slot.r with
  // {v: value}, {stat: [...]} or {e: errMsg}; an error is thrown as an Error (spec §1.3).
  defineSyncAPI: function (target, name, api) {
    target[name] = function () {
      slot.r = undefined;
      try {
        if (dispatch(EV_SYNC, api, Array.prototype.slice.call(arguments)) === UNREADABLE) {
          const u = slot.u;
          slot.u = undefined;
          dispatch(EV_UNREADABLE, 0, name, u); // id 0: Go answers in slot.r
        }
      } catch (e) { console.error("wxsim: runtime error:", e); }
      const r = slot.r;
      slot.r = undefined;
      if (!r) throw new Error(name + TEXT.internal);
      if (r.e !== undefined) throw new Error(r.e);
      if (r.stat) return makeStats.apply(null, r.stat);
      return r.v;
    };
  },
  // fileInfo settles getFileInfo with size and the digest (md5 or sha1) of the file.
  fileInfo: function (id, path, size, alg, errMsg) {
    const rec = recs.get(id), blob = files.get(path) || new Blob([]);
    blob.arrayBuffer().then(function (ab) {
      return alg === "sha1" ? crypto.subtle.digest("SHA-1", ab).then(function (d) { return hexOf(new Uint8Array(d)); }) : md5hex(new Uint8Array(ab));
    }).then(function (digest) {
      if (rec && !rec.done) settle(rec, true, { size: size, digest: digest, errMsg: errMsg });
    }, function (e) { if (rec && !rec.done) settle(rec, false, { errMsg: rec.api + TEXT.fail + String(e), errno: TEXT.failErrno }); });
  },
  okStatList: function (id, errMsg, list) {
    const rec = recs.get(id);
    if (!rec) return;
    settle(rec, true, { stats: list.map(function (x) { return { path: x[0], stats: makeStats(x[1], x[2], x[3], x[4], x[5]) }; }), errMsg: errMsg });
  },
  readFile: function (id, path, start, end, enc, errMsg) {
    const rec = recs.get(id), blob = files.get(path) || new Blob([]);
    blob.slice(start, end).arrayBuffer().then(function (ab) {
      if (!rec || rec.done) return;
      settle(rec, true, { data: enc === "" ? ab : bytesToString(new Uint8Array(ab), enc), errMsg: errMsg });
    }, function (e) { if (rec && !rec.done) settle(rec, false, { errMsg: rec.api + TEXT.fail + String(e) }); });
  },
  // prepareData turns o.data into bytes (a string in encoding enc, an ArrayBuffer or a
  // view) held by task id; it returns their size, or -1 when data has another type.
  prepareData: function (id, o, enc) {
    const rec = recs.get(id) || pendingData, d = field(o, "data");
    let b;
    if (typeof d === "string") b = new Blob([stringToBytes(d, enc)]);
    else if (guard.isBytes(d, "data")) b = new Blob([d]);
    else return -1;
    rec.blob = b;
    return b.size;
  },
  commitData: function (id, path, append) {
    const rec = recs.get(id) || pendingData;
    const old = files.get(path);
    files.set(path, append && old ? new Blob([old, rec.blob]) : rec.blob);
  },
  // file bytes
  dropFile: function (path) { files.delete(path); },
  moveFile: function (src, dst) { const b = files.get(src); files.delete(src); if (b) files.set(dst, b); },
  copyFile: function (src, dst) { const b = files.get(src); if (b) files.set(dst, b); },
  // load reads the persisted files of appId: Blobs into the map, then EV_LOADED (the
  // records, packed) to Go. The promise resolves "" either way (no IndexedDB: nothing persists, a warning).
  load: function (appId, roots) {
    dbName = "wxsim:" + appId; dbPromise = null; persistRoots = roots;
    return openDB().then(function (db) {
      return readAll(db).then(function (records) { return migrate(db, records); });
    }).then(function (records) {
      for (const k of Array.from(files.keys())) if (persistent(k)) files.delete(k);
      for (const r of records) if (r.blob && persistent(r.path)) files.set(r.path, r.blob);
      const packed = packRecords(records);
      dispatch(EV_LOADED, 0, packed[0], packed[1]);
      return "";
    }, function (e) { noDB(e); return ""; });
  },
  // persist stores Go's changes (see Glue.Persist) in one transaction, then settles task
  // id with res: success means the change is durable. The records are made now, so a
  // later change cannot slip into this transaction.
  persist: function (id, changes, res) {
    const rec = recs.get(id), puts = [], gone = [];
    for (const c of changes) { if (c.gone) gone.push(c.path); else puts.push(fileRecord(c)); }
    openDB().then(function (db) {
      const tx = db.transaction(["files"], "readwrite"), st = tx.objectStore("files");
      for (const r of puts) st.put(r);
      for (const p of gone) st.delete(p);
      tx.oncomplete = function () { if (rec) settle(rec, true, res); };
      tx.onerror = tx.onabort = function () {
        if (rec) settle(rec, false, { errMsg: rec.api + TEXT.storeFail + String(tx.error), errno: TEXT.failErrno });
      };
    }, function (e) { noDB(e); if (rec) settle(rec, true, res); });
  },
});
