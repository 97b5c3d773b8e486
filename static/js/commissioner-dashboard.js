// Draws the commissioner dashboard's charts from the JSON the page embeds (no inline
// script). Each chart repeats the table beside it, which holds the numbers and says in
// words which are withheld or provisional; a withheld value is a gap in the chart.
(function () {
  "use strict";
  var source = document.getElementById("commissioner-dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  var charts = JSON.parse(source.textContent);
  var current = "#1d3557";
  var previous = "#8a9bb0";

  charts.forEach(function (chart) {
    var canvas = document.getElementById(chart.id);
    if (!canvas) return;
    var datasets = [{ label: "This period", data: chart.current, backgroundColor: current }];
    if (chart.previous) {
      datasets.push({ label: "Period before", data: chart.previous, backgroundColor: previous });
    }
    var scale = { beginAtZero: true };
    if (chart.unit === "percent") scale.suggestedMax = 100;
    if (chart.unit === "count") scale.ticks = { precision: 0 };
    new Chart(canvas, {
      type: "bar",
      data: { labels: chart.labels, datasets: datasets },
      options: {
        responsive: true,
        animation: false,
        indexAxis: "y",
        plugins: { legend: { position: "bottom" } },
        scales: { x: scale }
      }
    });
  });
})();
