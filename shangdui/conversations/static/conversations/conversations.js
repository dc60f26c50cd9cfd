// Conversations: upload with progress (drag and drop), and a transcript in sync with the player.
(function () {
  "use strict";

  function names(files) {
    return Array.prototype.map.call(files, function (f) { return f.name; }).join("、");
  }

  function setupUpload(form) {
    var input = form.querySelector("input[type=file]");
    var zone = form.querySelector("[data-dropzone]");
    var bar = form.querySelector("[data-upload-progress]");
    var status = form.querySelector("[data-upload-status]");
    if (zone && input) {
      zone.addEventListener("click", function () { input.click(); });
      ["dragenter", "dragover"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.add("over"); });
      });
      ["dragleave", "drop"].forEach(function (name) {
        zone.addEventListener(name, function (e) { e.preventDefault(); zone.classList.remove("over"); });
      });
      zone.addEventListener("drop", function (e) { input.files = e.dataTransfer.files; zone.textContent = names(input.files); });
      input.addEventListener("change", function () { zone.textContent = names(input.files); });
    }
    form.addEventListener("submit", function (event) {
      if (!window.XMLHttpRequest || !window.FormData) return;  // the plain form post still works
      event.preventDefault();
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action || window.location.href);
      xhr.setRequestHeader("Accept", "application/json");
      bar.hidden = false;
      xhr.upload.addEventListener("progress", function (e) {
        if (e.lengthComputable) { bar.value = Math.round(100 * e.loaded / e.total); }
      });
      xhr.addEventListener("load", function () {
        var data = {};
        try { data = JSON.parse(xhr.responseText); } catch (err) { data = { errors: [xhr.statusText] }; }
        if (xhr.status === 201) {
          window.location.href = form.dataset.next;
        } else {
          status.textContent = (data.errors || []).join("；");
        }
      });
      xhr.addEventListener("error", function () { status.textContent = form.dataset.networkError; });
      xhr.send(new FormData(form));
    });
  }

  function setupTranscript(list, player) {
    var turns = Array.prototype.slice.call(list.querySelectorAll("[data-start]"));
    turns.forEach(function (turn) {
      function jump() { player.currentTime = parseFloat(turn.dataset.start); player.play(); }
      turn.addEventListener("click", jump);
      turn.addEventListener("keydown", function (e) { if (e.key === "Enter") jump(); });
    });
    player.addEventListener("timeupdate", function () {
      var t = player.currentTime;
      turns.forEach(function (turn) {
        turn.classList.toggle("playing", t >= parseFloat(turn.dataset.start) && t < parseFloat(turn.dataset.end));
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-upload-form]").forEach(setupUpload);
    var list = document.querySelector("[data-transcript]");
    var player = document.querySelector("[data-player]");
    if (list && player) setupTranscript(list, player);
  });
})();
