// aiperf HTML report: draws the figures in #report-data with uPlot (inlined before this script).
// uPlot provides scales, axes, legend, drag-to-zoom and the cursor; the series themselves are
// drawn here (points, lines, steps, areas, bars, segments, bands, error bars, labels) so that
// every figure kind of the C++ side has one drawer. No network access: the page's CSP forbids it.
(function () {
  'use strict';
  var errors = [];
  window.addEventListener('error', function (e) {
    errors.push(String(e.message));
    document.body.setAttribute('data-errors', errors.join(' | '));
  });
  document.addEventListener('securitypolicyviolation', function (e) {
    document.body.setAttribute('data-csp-violation', e.blockedURI || e.violatedDirective);
  });

  var data = JSON.parse(document.getElementById('report-data').textContent);
  var dark = data.theme === 'dark';
  var TEXT = dark ? '#e6e6e6' : '#222222';
  var GRID = dark ? '#333333' : '#e5e5e5';
  var HEIGHT = 380;
  var root = document.getElementById('charts');

  function rgba(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16 & 255) + ',' + (n >> 8 & 255) + ',' + (n & 255) + ',' + a + ')';
  }

  function fmt(v) {
    if (v == null || !isFinite(v)) return 'n/a';
    var a = Math.abs(v);
    if (a >= 1e5) return v.toExponential(3);
    if (a >= 100) return v.toFixed(1);
    if (a >= 1) return v.toFixed(2);
    return v.toPrecision(3);
  }

  // Data extents of a figure (every coordinate a drawer uses), padded, with zero included
  // where the figure asks for it.
  function extents(fig) {
    var e = { x: [Infinity, -Infinity], y: [Infinity, -Infinity], y2: [Infinity, -Infinity] };
    function acc(r, v) { if (v != null && isFinite(v)) { if (v < r[0]) r[0] = v; if (v > r[1]) r[1] = v; } }
    fig.series.forEach(function (s) {
      var ry = s.y2 ? e.y2 : e.y, half = s.kind === 'bars' ? s.bar_width / 2 : 0;
      ['x', 'x_end', 'x_lo', 'x_hi'].forEach(function (k) {
        (s[k] || []).forEach(function (v) { acc(e.x, v - half); acc(e.x, v + half); });
      });
      ['y', 'y_lo', 'y_hi'].forEach(function (k) { (s[k] || []).forEach(function (v) { acc(ry, v); }); });
      if (s.kind === 'bars' || s.kind === 'area') acc(ry, 0);
    });
    fig.hlines.forEach(function (h) { acc(e.y, h.y); });
    function pad(r, zero) {
      if (!(r[0] <= r[1])) return [0, 1];
      if (zero && r[0] >= 0) r[0] = 0;
      var span = r[1] - r[0] || Math.abs(r[1]) || 1;
      return [r[0] === 0 ? 0 : r[0] - span * 0.04, r[1] + span * 0.06];
    }
    return { x: pad(e.x, fig.x_zero), y: pad(e.y, fig.y_zero), y2: pad(e.y2, true) };
  }

  function drawSeries(u, s, sk) {
    var ctx = u.ctx, dpr = uPlot.pxRatio, n = (s.x || []).length, i;
    var X = function (v) { return u.valToPos(v, 'x', true); };
    var Y = function (v) { return u.valToPos(v, sk, true); };
    var color = s.color;
    ctx.lineWidth = 1.5 * s.size * dpr;
    ctx.strokeStyle = color;
    ctx.fillStyle = rgba(color, s.opacity);
    if (s.kind === 'points') {
      var r = 2.5 * s.size * dpr, p = new Path2D();
      for (i = 0; i < n; i++) {
        if (s.y[i] == null || s.x[i] == null) continue;
        var cx = X(s.x[i]), cy = Y(s.y[i]);
        if (s.x_lo) { ctx.beginPath(); ctx.moveTo(X(s.x_lo[i]), cy); ctx.lineTo(X(s.x_hi[i]), cy); ctx.stroke(); }
        if (s.y_lo) { ctx.beginPath(); ctx.moveTo(cx, Y(s.y_lo[i])); ctx.lineTo(cx, Y(s.y_hi[i])); ctx.stroke(); }
        p.moveTo(cx + r, cy); p.arc(cx, cy, r, 0, 2 * Math.PI);
      }
      ctx.fill(p);
      if (s.labels) {
        ctx.fillStyle = TEXT; ctx.font = (11 * dpr) + 'px sans-serif'; ctx.textAlign = 'center';
        for (i = 0; i < n; i++) if (s.labels[i]) ctx.fillText(s.labels[i], X(s.x[i]), Y(s.y[i]) - 7 * dpr);
      }
    } else if (s.kind === 'lines' || s.kind === 'steps' || s.kind === 'area') {
      var line = new Path2D(), open = false, step = s.kind !== 'lines', lastY = null;
      for (i = 0; i < n; i++) {
        if (s.y[i] == null) { open = false; continue; }
        var px = X(s.x[i]), py = Y(s.y[i]);
        if (!open) { line.moveTo(px, py); open = true; } else { if (step) line.lineTo(px, lastY); line.lineTo(px, py); }
        lastY = py;
      }
      if (s.kind === 'area' && n > 0) {
        var fill = new Path2D(line), y0 = Y(0);
        fill.lineTo(X(s.x[n - 1]), y0); fill.lineTo(X(s.x[0]), y0); fill.closePath();
        ctx.fillStyle = rgba(color, Math.min(s.opacity, 0.5)); ctx.fill(fill);
      }
      ctx.stroke(line);
    } else if (s.kind === 'bars') {
      var b0 = Y(0);
      for (i = 0; i < n; i++) {
        var left = X(s.x[i] - s.bar_width / 2), right = X(s.x[i] + s.bar_width / 2), top = Y(s.y[i]);
        ctx.fillStyle = rgba(color, 0.8); ctx.fillRect(left, top, Math.max(1, right - left - dpr), b0 - top);
        if (s.y_lo) {
          ctx.strokeStyle = TEXT; ctx.lineWidth = dpr; ctx.beginPath();
          ctx.moveTo(X(s.x[i]), Y(s.y_lo[i])); ctx.lineTo(X(s.x[i]), Y(s.y_hi[i])); ctx.stroke();
        }
      }
    } else if (s.kind === 'segments') {
      var seg = new Path2D();
      for (i = 0; i < n; i++) { var sy = Y(s.y[i]); seg.moveTo(X(s.x[i]), sy); seg.lineTo(X(s.x_end[i]), sy); }
      ctx.lineWidth = dpr; ctx.stroke(seg);
    } else if (s.kind === 'band' && n > 0) {
      var band = new Path2D();
      band.moveTo(X(s.x[0]), Y(s.y_hi[0]));
      for (i = 1; i < n; i++) band.lineTo(X(s.x[i]), Y(s.y_hi[i]));
      for (i = n - 1; i >= 0; i--) band.lineTo(X(s.x[i]), Y(s.y_lo[i]));
      band.closePath(); ctx.fill(band);
    }
  }

  function drawAll(u, fig) {
    var ctx = u.ctx, bb = u.bbox, dpr = uPlot.pxRatio;
    ctx.save();
    ctx.beginPath(); ctx.rect(bb.left, bb.top, bb.width, bb.height); ctx.clip();
    fig.series.forEach(function (s, k) {
      if (u.series[k + 1].show) drawSeries(u, s, s.y2 ? 'y2' : 'y');
    });
    fig.hlines.forEach(function (h) {
      var y = u.valToPos(h.y, 'y', true);
      ctx.setLineDash([6 * dpr, 4 * dpr]); ctx.strokeStyle = h.color; ctx.lineWidth = 1.5 * dpr;
      ctx.beginPath(); ctx.moveTo(bb.left, y); ctx.lineTo(bb.left + bb.width, y); ctx.stroke();
      ctx.setLineDash([]); ctx.fillStyle = h.color; ctx.font = (11 * dpr) + 'px sans-serif';
      ctx.textAlign = 'left'; ctx.fillText(h.label, bb.left + 6 * dpr, y - 5 * dpr);
    });
    ctx.restore();
  }

  // Nearest drawn element to the cursor (CSS pixels), for the hover box.
  function nearest(u, fig, left, top) {
    var best = null, bestD = 30 * 30;
    fig.series.forEach(function (s, k) {
      if (!u.series[k + 1].show || s.kind === 'band') return;
      var sk = s.y2 ? 'y2' : 'y', n = (s.x || []).length;
      for (var i = 0; i < n; i++) {
        if (s.y[i] == null) continue;
        var px = u.valToPos(s.x[i], 'x'), py = u.valToPos(s.y[i], sk), dx;
        if (s.kind === 'segments') {
          var ex = u.valToPos(s.x_end[i], 'x');
          dx = left < px ? px - left : (left > ex ? left - ex : 0);
        } else if (s.kind === 'bars') {
          var half = Math.abs(u.valToPos(s.x[i] + s.bar_width / 2, 'x') - px);
          dx = Math.max(0, Math.abs(left - px) - half);
          if (top >= py) py = top;
        } else dx = left - px;
        var d = dx * dx + (top - py) * (top - py);
        if (d < bestD) { bestD = d; best = { s: s, i: i }; }
      }
    });
    return best;
  }

  function tooltipText(fig, hit) {
    var s = hit.s, i = hit.i, lines = [];
    if (s.name) lines.push('<b>' + escapeHtml(s.name) + '</b>');
    if (s.labels && s.labels[i]) lines.push(escapeHtml(s.labels[i]));
    var xl = fig.x_label || 'x', yl = (s.y2 ? fig.y2_label : fig.y_label) || 'y';
    if (s.kind === 'segments') lines.push(escapeHtml(xl) + ': ' + fmt(s.x[i]) + ' to ' + fmt(s.x_end[i]));
    else lines.push(escapeHtml(xl) + ': ' + fmt(s.x[i]));
    lines.push(escapeHtml(yl) + ': ' + fmt(s.y[i]));
    if (s.y_lo && s.kind === 'points') lines.push('interval: ' + fmt(s.y_lo[i]) + ' to ' + fmt(s.y_hi[i]));
    return lines.join('<br>');
  }

  function escapeHtml(t) {
    return String(t).replace(/[&<>"']/g, function (c) {
      return { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c];
    });
  }

  function sectionEl(name) {
    var id = 'section-' + name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
    var el = document.getElementById(id);
    if (!el) {
      el = document.createElement('div'); el.id = id; el.className = 'chart-section';
      var h = document.createElement('h3'); h.textContent = name; el.appendChild(h);
      root.appendChild(el);
    }
    return el;
  }

  function makeChart(fig, index) {
    var box = document.createElement('div');
    box.className = 'chart'; box.setAttribute('data-name', fig.name); box.id = 'chart-' + index;
    var title = document.createElement('div'); title.className = 'chart-title'; title.textContent = fig.title;
    var plot = document.createElement('div'); plot.className = 'chart-plot';
    var tip = document.createElement('div'); tip.className = 'tip'; tip.style.display = 'none';
    box.appendChild(title); box.appendChild(plot); plot.appendChild(tip);
    if (fig.note) { var note = document.createElement('div'); note.className = 'chart-note'; note.textContent = fig.note; box.appendChild(note); }
    sectionEl(fig.section).appendChild(box);
    var ext = extents(fig);
    var hasY2 = fig.series.some(function (s) { return s.y2; });
    var axis = function (scale, label, side) {
      return { scale: scale, label: label, side: side, stroke: TEXT, labelFont: '12px sans-serif',
               grid: { stroke: GRID, width: 1, show: side !== 1 }, ticks: { stroke: GRID } };
    };
    var opts = {
      mode: 2, width: Math.max(320, plot.clientWidth || 900), height: HEIGHT,
      legend: { show: true, live: false },
      cursor: { drag: { x: true, y: true, uni: 30, setScale: true }, points: { show: false } },
      scales: {
        x: { time: false, range: function () { return ext.x; } },
        y: { range: function () { return ext.y; } },
        y2: { range: function () { return ext.y2; } }
      },
      axes: [axis('x', fig.x_label, 2), axis('y', fig.y_label, 3)].concat(hasY2 ? [axis('y2', fig.y2_label, 1)] : []),
      series: [{}].concat(fig.series.map(function (s) {
        return { label: s.name || ' ', stroke: s.color, fill: rgba(s.color, 0.3),
                 paths: function () { return null; }, points: { show: false },
                 facets: [{ scale: 'x', auto: true }, { scale: s.y2 ? 'y2' : 'y', auto: true }] };
      })),
      hooks: {
        draw: [function (u) { drawAll(u, fig); }],
        setCursor: [function (u) {
          var l = u.cursor.left, t = u.cursor.top, hit = l >= 0 ? nearest(u, fig, l, t) : null;
          if (!hit) { tip.style.display = 'none'; return; }
          tip.innerHTML = tooltipText(fig, hit); tip.style.display = 'block';
          tip.style.left = (u.bbox.left / uPlot.pxRatio + l + 12) + 'px';
          tip.style.top = (u.bbox.top / uPlot.pxRatio + t + 12) + 'px';
        }]
      }
    };
    var payload = [null].concat(fig.series.map(function (s) {
      return [s.x || [], s.y || s.y_lo || []];
    }));
    var u = new uPlot(opts, payload, plot);
    // Legend entries of unnamed series (markers drawn over a named line) are hidden.
    u.root.querySelectorAll('.u-legend .u-series').forEach(function (row) {
      var label = row.querySelector('.u-label');
      if (label && label.textContent.trim() === '') row.style.display = 'none';
    });
    return u;
  }

  var charts = [];
  data.charts.forEach(function (fig, i) {
    try { charts.push(makeChart(fig, i)); } catch (e) { errors.push(fig.name + ': ' + e); }
  });
  if (errors.length) document.body.setAttribute('data-errors', errors.join(' | '));
  document.body.setAttribute('data-charts-ready', String(charts.length));
  window.aiperfCharts = charts;  // for tests and the browser console
  window.addEventListener('resize', function () {
    charts.forEach(function (u) { u.setSize({ width: Math.max(320, u.root.parentNode.clientWidth), height: HEIGHT }); });
  });
  if (data.live) {
    setInterval(function () {
      fetch('api/version', { cache: 'no-store' }).then(function (r) { return r.json(); })
        .then(function (v) { if (v.version !== data.version) location.reload(); })
        .catch(function () {});
    }, 3000);
  }
})();
