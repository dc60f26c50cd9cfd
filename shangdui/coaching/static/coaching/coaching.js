// Coaching library: play the clips of a playlist one after another (on a phone too), and mark a
// clip as listened when it has been played to the end.
(function () {
  "use strict";

  function players() {
    return Array.prototype.slice.call(document.querySelectorAll("[data-clip-audio]"));
  }

  function markListened(audio) {
    var card = audio.closest("[data-clip]");
    var button = card && card.querySelector("[data-listen]");
    if (button) button.click();
  }

  document.addEventListener("ended", function (event) {
    var audio = event.target;
    if (!audio.matches || !audio.matches("[data-clip-audio]")) return;
    markListened(audio);
    if (!audio.dataset.chain) return;
    var list = players();
    var next = list[list.indexOf(audio) + 1];
    delete audio.dataset.chain;
    if (next) {
      next.dataset.chain = "1";
      next.scrollIntoView({ behavior: "smooth", block: "center" });
      next.play();
    }
  }, true);

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-play-all]");
    if (!button) return;
    var list = players();
    if (!list.length) return;
    list.forEach(function (a) { a.pause(); delete a.dataset.chain; });
    list[0].dataset.chain = "1";
    list[0].currentTime = 0;
    list[0].play();
  });
})();
