// Voice enrolment: record up to 60 s in the browser and post it as the voice sample (no local queue:
// a failed upload is simply recorded again).
(function () {
  "use strict";
  function init(form) {
    var start = form.querySelector("[data-start]"), stop = form.querySelector("[data-stop]");
    var clock = form.querySelector("[data-clock]"), status = form.querySelector("[data-status]");
    if (!navigator.mediaDevices || !window.MediaRecorder) {
      status.textContent = form.dataset.msgUnsupported;
      start.disabled = true;
      return;
    }
    var recorder = null, chunks = [], timer = null, started = 0;
    start.addEventListener("click", function () {
      navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
        var type = MediaRecorder.isTypeSupported("audio/webm;codecs=opus") ? "audio/webm;codecs=opus" : "";
        recorder = new MediaRecorder(stream, type ? { mimeType: type } : {});
        chunks = [];
        recorder.ondataavailable = function (e) { if (e.data && e.data.size) chunks.push(e.data); };
        recorder.onstop = function () {
          stream.getTracks().forEach(function (track) { track.stop(); });
          var mime = recorder.mimeType || "audio/webm";
          var body = new FormData();
          body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
          body.append("sample", new Blob(chunks, { type: mime }), "voice" + (mime.indexOf("ogg") >= 0 ? ".ogg" : ".webm"));
          status.textContent = form.dataset.msgUploading;
          fetch(form.action || window.location.href, { method: "POST", body: body, headers: { Accept: "application/json" }, credentials: "same-origin" })
            .then(function (response) { return response.json(); })
            .then(function (data) { status.textContent = data.message; if (data.ok) window.location.reload(); })
            .catch(function (err) { status.textContent = String(err); });
        };
        recorder.start(1000);
        started = Date.now();
        timer = setInterval(function () {
          var s = Math.floor((Date.now() - started) / 1000);
          clock.textContent = String(Math.floor(s / 60)).padStart(2, "0") + ":" + String(s % 60).padStart(2, "0");
          if (s >= 60 && recorder.state !== "inactive") { recorder.stop(); clearInterval(timer); stop.disabled = true; }
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
    document.querySelectorAll("form[data-voice-recorder]").forEach(init);
  });
})();
