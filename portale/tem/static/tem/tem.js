/* TEM charts (ECharts, served by the project): drawn from the same data as the table next
   to them (json_script "tem-chart-data"); the chart is hidden from screen readers, the
   table carries the figures. */
(function () {
  "use strict";
  var el = document.getElementById("tem-chart");
  var src = document.getElementById("tem-chart-data");
  if (!el || !src || !window.echarts) return;
  var data = JSON.parse(src.textContent);
  var kind = el.dataset.kind || "bar";
  var fmt = new Intl.NumberFormat("it-IT", {
    maximumFractionDigits: data.unit === "GB" ? 3 : 2,
    minimumFractionDigits: data.unit === "€" ? 2 : 0,
  });
  var unit = data.unit ? " " + data.unit : "";
  var label = function (v) { return fmt.format(v) + unit; };
  var horizontal = kind === "bar";
  var categoryAxis = {
    type: "category",
    data: data.categories,
    inverse: horizontal,
    axisLabel: { width: 140, overflow: "truncate" },
  };
  var valueAxis = { type: "value", axisLabel: { formatter: function (v) { return fmt.format(v); } } };
  var option = {
    animation: false,
    aria: { enabled: false },
    tooltip: { trigger: "axis", valueFormatter: label },
    legend: { type: "scroll", top: 0 },
    grid: { left: 8, right: 40, top: 36, bottom: 8, containLabel: true },
    xAxis: horizontal ? valueAxis : categoryAxis,
    yAxis: horizontal ? categoryAxis : valueAxis,
    series: data.series.map(function (s) {
      return {
        name: s.name,
        type: kind,
        stack: kind === "bar" ? "totale" : undefined,
        data: s.data.map(Number),
        emphasis: { focus: "series" },
      };
    }),
  };
  var chart = window.echarts.init(el, null, { renderer: "svg" });
  chart.setOption(option);
  window.addEventListener("resize", function () { chart.resize(); });
})();
