// Draws the TOP trajectory charts from the JSON the page embeds (no inline script).
(function () {
  "use strict";
  var source = document.getElementById("top-trajectory");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var palette = ["#0b5cad", "#b0420b", "#2f7d32", "#6f42c1"];
  var dashes = [[], [6, 4], [2, 3], [10, 4]];

  function draw(canvasId, series, max) {
    var canvas = document.getElementById(canvasId);
    if (!canvas) return;
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: series.map(function (s, i) {
          return {
            label: s.code + ": " + s.label,
            data: s.values,
            borderColor: palette[i % palette.length],
            backgroundColor: palette[i % palette.length],
            borderDash: dashes[i % dashes.length],
            pointStyle: ["circle", "rect", "triangle", "rectRot"][i % 4],
            pointRadius: 4,
            spanGaps: false,
            tension: 0
          };
        })
      },
      options: {
        responsive: true,
        animation: false,
        scales: { y: { min: 0, max: max, ticks: { stepSize: max === 28 ? 7 : 5 } } },
        plugins: { legend: { position: "bottom" } }
      }
    });
  }

  draw("top-use-chart", data.use, 28);
  draw("top-score-chart", data.scores, 20);
})();
