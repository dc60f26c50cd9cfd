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

  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:afterSwap", function (event) { init(event.target); });
})();
