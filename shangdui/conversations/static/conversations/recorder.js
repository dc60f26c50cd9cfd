// Record a face-to-face talk in the browser (MediaRecorder). Every second of audio is written to
// IndexedDB as it arrives; when recording stops, the whole recording is uploaded and only deleted
// from the phone after the server accepted it. Pending recordings are offered again on the next visit.
(function () {
  "use strict";
  var DB = "shangdui-recordings", STORE = "chunks";

  function openDb() {
    return new Promise(function (resolve, reject) {
      var request = indexedDB.open(DB, 1);
      request.onupgradeneeded = function () { request.result.createObjectStore(STORE, { autoIncrement: true }); };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { reject(request.error); };
    });
  }

  function tx(db, mode, work) {
    return new Promise(function (resolve, reject) {
      var t = db.transaction(STORE, mode);
      var result = work(t.objectStore(STORE));
      t.oncomplete = function () { resolve(result && result.result !== undefined ? result.result : result); };
      t.onerror = function () { reject(t.error); };
    });
  }

  function allChunks(db) {
    return new Promise(function (resolve) {
      var items = [];
      var t = db.transaction(STORE, "readonly");
      t.objectStore(STORE).openCursor().onsuccess = function (e) {
        var cursor = e.target.result;
        if (cursor) { items.push({ key: cursor.key, value: cursor.value }); cursor.continue(); }
      };
      t.oncomplete = function () { resolve(items); };
    });
  }

  function init(form) {
    var start = form.querySelector("[data-start]"), stop = form.querySelector("[data-stop]");
    var clock = form.querySelector("[data-clock]"), status = form.querySelector("[data-status]");
    var pendingList = form.querySelector("[data-pending]");
    if (!navigator.mediaDevices || !window.MediaRecorder || !window.indexedDB) {
      status.textContent = form.dataset.msgUnsupported;
      start.disabled = true;
      return;
    }
    var recorder = null, session = null, started = 0, timer = null, db = null;
    openDb().then(function (opened) { db = opened; showPending(); });

    function fields() {
      var data = {};
      ["member", "channel", "customer", "order_no", "source"].forEach(function (name) {
        var el = form.elements[name];
        if (el) data[name] = el.value;
      });
      var consent = form.elements.consent;
      data.consent = consent && consent.checked ? "on" : "";
      return data;
    }

    function showPending() {
      allChunks(db).then(function (items) {
        var sessions = {};
        items.forEach(function (item) { sessions[item.value.session] = item.value.meta; });
        pendingList.innerHTML = "";
        Object.keys(sessions).forEach(function (id) {
          if (id === session) return;
          var li = document.createElement("li");
          li.textContent = form.dataset.msgPending + " " + new Date(Number(id)).toLocaleString();
          pendingList.appendChild(li);
          upload(id, 0);
        });
      });
    }

    function upload(id, attempt) {
      allChunks(db).then(function (items) {
        var mine = items.filter(function (item) { return item.value.session === id; });
        if (!mine.length) return;
        var meta = mine[0].value.meta;
        var blob = new Blob(mine.map(function (item) { return item.value.data; }), { type: meta.type });
        var body = new FormData();
        body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
        Object.keys(meta.fields).forEach(function (k) { if (meta.fields[k]) body.append(k, meta.fields[k]); });
        body.append("recordings", blob, "talk-" + id + (meta.type.indexOf("ogg") >= 0 ? ".ogg" : ".webm"));
        fetch(form.action, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
          .then(function (response) {
            if (response.status !== 201) throw new Error(String(response.status));
            return tx(db, "readwrite", function (store) { mine.forEach(function (item) { store.delete(item.key); }); });
          })
          .then(function () { status.textContent = form.dataset.msgDone; window.location.href = form.dataset.next; })
          .catch(function () {
            status.textContent = form.dataset.msgRetry;
            var wait = Math.min(60000, 2000 * Math.pow(2, attempt));
            setTimeout(function () { upload(id, attempt + 1); }, wait);
          });
      });
    }

    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
        session = String(Date.now());
        var meta = { type: recorder.mimeType || "audio/webm", fields: fields() };
        recorder.ondataavailable = function (e) {
          if (e.data && e.data.size) {
            tx(db, "readwrite", function (store) { store.add({ session: session, meta: meta, data: e.data }); });
          }
        };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          status.textContent = form.dataset.msgSaved;
          var id = session;
          setTimeout(function () { upload(id, 0); }, 300);  // let the last chunk reach IndexedDB
        };
        recorder.start(1000);
        started = Date.now();
        timer = setInterval(function () {
          var s = Math.floor((Date.now() - started) / 1000);
          clock.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
        }, 500);
        start.disabled = true; stop.disabled = false;
        status.textContent = form.dataset.msgRecording;
      }).catch(function (err) { status.textContent = String(err); });
    });

    stop.addEventListener("click", function () {
      if (recorder && recorder.state !== "inactive") recorder.stop();
      clearInterval(timer);
      stop.disabled = true;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-recorder]").forEach(init);
  });
})();
