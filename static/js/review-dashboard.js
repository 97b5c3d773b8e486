// Draws the governance dashboard's charts from the JSON the page embeds (no inline
// script). Every chart repeats a table on the page, which holds the numbers.
(function () {
  "use strict";
  var source = document.getElementById("review-dashboard-data");
  if (!source || typeof Chart === "undefined") return;
  var data = JSON.parse(source.textContent);
  var palette = ["#1d3557", "#b0420b", "#2f7d32", "#6f42c1", "#0b5cad"];
  // The risk engine's tiers, their labels and colours come from the server
  // (risk.wording.tier_legend), so they are declared once.
  var tiers = data.tiers || [];
  var common = { responsive: true, animation: false, plugins: { legend: { position: "bottom" } } };

  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) new Chart(canvas, config);
  }

  var kinds = Object.keys(data.kinds);
  draw("chart-quarters", {
    type: "bar",
    data: {
      labels: data.quarters.map(function (q) { return q.quarter; }),
      datasets: kinds.map(function (kind, i) {
        return {
          label: data.kinds[kind],
          data: data.quarters.map(function (q) { return q[kind]; }),
          backgroundColor: palette[i % palette.length]
        };
      })
    },
    options: Object.assign({}, common, {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    })
  });

  draw("chart-track", {
    type: "bar",
    data: {
      labels: data.track.map(function (w) { return w.label; }),
      datasets: tiers.map(function (tier) {
        return {
          label: tier.label,
          data: data.track.map(function (w) { return w.tiers[tier.tier]; }),
          backgroundColor: tier.colour
        };
      })
    },
    options: Object.assign({}, common, {
      scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } }
    })
  });

  draw("chart-treatment", {
    type: "bar",
    data: {
      labels: data.treatment.map(function (t) { return t.status; }),
      datasets: [{ label: "Deaths", data: data.treatment.map(function (t) { return t.deaths; }), backgroundColor: palette[0] }]
    },
    options: Object.assign({}, common, { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } })
  });

  draw("chart-substances", {
    type: "bar",
    data: {
      labels: data.substances.map(function (s) { return s.substance; }),
      datasets: [{ label: "Reviews", data: data.substances.map(function (s) { return s.reviews; }), backgroundColor: palette[1] }]
    },
    options: Object.assign({}, common, { indexAxis: "y", scales: { x: { beginAtZero: true, ticks: { precision: 0 } } } })
  });
})();
