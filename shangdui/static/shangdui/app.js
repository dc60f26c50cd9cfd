// 商队 front-end glue. Loaded with `defer`; no inline scripts (CSP script-src 'self').
(function () {
  "use strict";

  function renderCharts(root) {
    if (!window.echarts) return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      if (el.dataset.rendered) return;
      var source = document.getElementById(el.dataset.chart);
      if (!source) return;
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(option);
      el.dataset.rendered = "1";
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }

  function loadECharts(callback) {
    if (window.echarts) { callback(); return; }
    var tag = document.querySelector("meta[name=echarts-src]");
    if (!tag) return;
    var script = document.createElement("script");
    script.src = tag.content;
    script.onload = callback;
    document.head.appendChild(script);
  }

  function init(root) {
    if (root.querySelector("[data-chart]")) loadECharts(function () { renderCharts(root); });
    root.querySelectorAll("form[data-confirm]").forEach(function (form) {
      form.addEventListener("submit", function (event) {
        if (!window.confirm(form.dataset.confirm)) event.preventDefault();
      });
    });
  }

  // The menu is a <details> so that phones get a ☰ toggle without JavaScript; on wide screens
  // it is always open (its summary is hidden by CSS).
  function syncMenu() {
    var wide = window.matchMedia("(min-width: 1200px)").matches;
    document.querySelectorAll("details.menu").forEach(function (menu) { if (wide) menu.open = true; });
  }

  document.addEventListener("DOMContentLoaded", function () { syncMenu(); init(document); });
  window.addEventListener("resize", syncMenu);
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
