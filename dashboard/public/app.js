// The dashboard page: plain ES module, no build step. Every value from the API reaches the DOM
// through textContent, attributes or the Option constructor — never innerHTML — so a username or
// word such as "<script>" is shown, not run. The selection lives in the URL hash, so a refresh
// (automatic every minute, or the browser's) and a shared link keep it.

const RANGES = { "1h": 3600e3, "6h": 6 * 3600e3, "24h": 86400e3, "7d": 7 * 86400e3, "30d": 30 * 86400e3 };
const REFRESH_MS = 60_000;
const WEIGHTS = { retweets: 0.35, favourites: 0.25, followers: 0.25, depth: 0.15 };
const CLOUD_COLORS = ["#1f4e79", "#2e7d32", "#ad1457", "#6a1b9a", "#e65100", "#00838f", "#4e342e", "#283593"];

const $ = (id) => document.getElementById(id);
const num = new Intl.NumberFormat("en-US");
const fixed = (x, digits = 3) => (x === null || x === undefined ? "–" : x.toFixed(digits));
const pct = (x) => (x === null || x === undefined ? "–" : `${Math.round(x * 100)}%`);
const pad = (n) => String(n).padStart(2, "0");
/** Local time as YYYY-MM-DD HH:MM (the chart's axis uses local time too). */
const fmtTime = (d) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
const fmtWindow = (startIso, endIso) => {
  const s = new Date(startIso);
  const e = new Date(endIso);
  return `${fmtTime(s)}–${pad(e.getHours())}:${pad(e.getMinutes())}`;
};
const topicLabel = (t) => (t === "*" ? "all tweets" : t);
// Stored values (names, ids, words, topics) may carry bidi controls such as U+202E: every one is
// shown as a bidi isolate (<bdi>, `unicode-bidi: isolate` in style.css, or FSI…PDI inside an
// attribute), so it cannot reorder the text around it.
const isolate = (s) => `\u2068${s}\u2069`;

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === "text") node.textContent = v;
    else if (k === "class") node.className = v;
    else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

// ---- selection (URL hash) ----

function readState() {
  const h = new URLSearchParams(location.hash.slice(1));
  const range = Object.hasOwn(RANGES, h.get("range") ?? "") ? h.get("range") : "24h";
  const end = h.get("end");
  return {
    topic: h.get("topic") || "*",
    range,
    end: end && !Number.isNaN(Date.parse(end)) ? end : null,
  };
}

function writeState(s) {
  const h = new URLSearchParams({ topic: s.topic, range: s.range });
  if (s.end) h.set("end", s.end);
  const next = `#${h}`;
  // Setting the hash fires hashchange, which loads; an unchanged hash loads directly.
  if (location.hash !== next) location.hash = next;
  else load();
}

// ---- API ----

class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

async function api(path, params) {
  const url = params ? `${path}?${new URLSearchParams(params)}` : path;
  let res;
  try {
    res = await fetch(url, { credentials: "same-origin", headers: { accept: "application/json" } });
  } catch {
    throw new ApiError(0, "the trends server is not answering");
  }
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new ApiError(res.status, body.error ?? `HTTP ${res.status}`);
  return body;
}

// ---- status banner ----

function showStatus(kind, parts, action) {
  const box = $("status");
  box.hidden = false;
  box.className = kind;
  box.dataset.kind = kind;
  const text = $("status-text");
  text.replaceChildren(
    ...parts.map((p) =>
      typeof p === "string" ? p : "value" in p ? el("bdi", { text: p.value }) : el("code", { text: p.code }),
    ),
  );
  const button = $("status-action");
  button.hidden = !action;
  if (action) {
    button.textContent = action.label;
    button.onclick = action.run;
  }
}

function hideStatus() {
  $("status").hidden = true;
  $("status").dataset.kind = "";
}

// ---- load and render ----

let loadSeq = 0;

async function load() {
  const seq = ++loadSeq;
  const state = readState();
  $("range").value = state.range;
  $("end-label").hidden = !state.end;
  $("end").textContent = state.end ? fmtTime(new Date(state.end)) : "";
  try {
    const { topics } = await api("/api/topics");
    if (seq !== loadSeq) return;
    renderTopics(topics, state.topic);
    if (topics.length === 0) {
      $("panels").hidden = true;
      showStatus("empty", [
        "No data yet — run ",
        { code: "trends demo" },
        " (or start the pipeline) and this page fills in.",
      ]);
      stamp();
      return;
    }
    const to = state.end ? new Date(state.end) : new Date();
    const from = new Date(to.getTime() - RANGES[state.range]);
    const q = { topic: state.topic, from: from.toISOString(), to: to.toISOString() };
    const [sentiment, influencers, words, alerts] = await Promise.all([
      api("/api/sentiment", q),
      api("/api/influencers", { ...q, limit: "20" }),
      api("/api/words", { ...q, limit: "100" }),
      api("/api/alerts", q),
    ]);
    if (seq !== loadSeq) return;
    $("panels").hidden = false;
    $("panels").classList.remove("stale");
    renderSummary(sentiment.windows, alerts.alerts);
    renderChart(sentiment.windows, from, to);
    renderAlerts(alerts.alerts);
    renderInfluencers(influencers.influencers);
    renderWords(words.words);
    if (sentiment.windows.length === 0) {
      const t = topics.find((x) => x.topic === state.topic);
      showStatus(
        "range-empty",
        [
          "No windows for ",
          { value: topicLabel(state.topic) },
          " in this range.",
          t ? ` Its latest window ends ${fmtTime(new Date(t.last_window_end))}.` : "",
        ],
        t ? { label: "Show latest", run: () => writeState({ ...state, end: t.last_window_end }) } : undefined,
      );
    } else {
      hideStatus();
    }
    stamp();
  } catch (e) {
    if (seq !== loadSeq) return;
    $("panels").classList.add("stale");
    if (e.status === 503 && /unreachable/.test(e.message)) {
      showStatus("error", ["Database unreachable — showing the last data loaded; retrying every minute."]);
    } else if (e.status === 401) {
      showStatus("error", [
        "Access token required: open this page as ",
        { code: "…/?token=YOUR_TOKEN" },
        " once.",
      ]);
    } else {
      showStatus("error", [`Could not load data: ${e.message}`]);
    }
  }
}

function stamp() {
  $("updated").textContent = `updated ${fmtTime(new Date())} · refreshes every minute`;
}

function renderTopics(topics, selected) {
  const select = $("topic");
  const names = topics.map((t) => t.topic);
  // Keep a selection that has no data (yet) rather than silently switching topic.
  if (!names.includes(selected)) names.push(selected);
  select.replaceChildren(...names.map((n) => new Option(topicLabel(n), n, false, n === selected)));
  select.value = selected;
}

function renderSummary(windows, alerts) {
  let tweets = 0;
  let scored = 0;
  let weighted = 0;
  for (const w of windows) {
    tweets += w.n_tweets;
    scored += w.n_scored;
    if (w.avg_score !== null) weighted += w.avg_score * w.n_scored;
  }
  $("sum-tweets").textContent = num.format(tweets);
  $("sum-scored").textContent = num.format(scored);
  $("sum-score").textContent = scored > 0 ? fixed(weighted / scored) : "–";
  $("sum-windows").textContent = num.format(windows.length);
  $("sum-alerts").textContent = num.format(alerts.length);
}

// ---- sentiment chart ----

let chart;

function renderChart(windows, from, to) {
  const box = $("chart");
  $("tip").hidden = true; // the window under the cursor may be gone after a refresh
  chart?.destroy();
  chart = undefined;
  box.replaceChildren();
  const xs = windows.map((w) => Date.parse(w.window_start) / 1000);
  const avg = windows.map((w) => w.avg_score);
  const warn = windows.map((w) => (w.alert?.severity === "warning" ? w.avg_score : null));
  const crit = windows.map((w) => (w.alert?.severity === "critical" ? w.avg_score : null));
  const volume = windows.map((w) => w.n_tweets);
  const points = (color) => ({ show: true, size: 11, stroke: color, fill: color, width: 2 });
  const opts = {
    width: Math.max(320, box.clientWidth),
    height: 260,
    legend: { show: true },
    cursor: { points: { size: 7 } },
    scales: {
      x: { time: true, range: () => [from.getTime() / 1000, to.getTime() / 1000] },
      y: { range: () => [-1, 1] },
      n: { range: (_u, _min, max) => [0, Math.max(1, max) * 3] },
    },
    axes: [
      {},
      { scale: "y", label: "avg score", values: (_u, ticks) => ticks.map((t) => t.toFixed(1)) },
      { scale: "n", side: 1, label: "tweets", grid: { show: false } },
    ],
    series: [
      {
        label: "window",
        value: (_u, v) => (v === null || v === undefined ? "–" : fmtTime(new Date(v * 1000))),
      },
      {
        label: "avg score",
        scale: "y",
        stroke: "#1f4e79",
        width: 2,
        spanGaps: false,
        points: { show: true, size: 4 },
      },
      { label: "warning", scale: "y", stroke: "#e08a00", paths: () => null, points: points("#e08a00") },
      { label: "critical", scale: "y", stroke: "#c62828", paths: () => null, points: points("#c62828") },
      {
        label: "tweets",
        scale: "n",
        stroke: "#9aa5b1",
        fill: "rgba(154,165,177,0.25)",
        paths: globalThis.uPlot.paths.bars({ size: [0.8, 40] }),
        points: { show: false },
      },
    ],
    hooks: { setCursor: [(u) => showTip(u, windows)] },
  };
  chart = new globalThis.uPlot(opts, [xs, avg, warn, crit, volume], box);
}

function showTip(u, windows) {
  const tip = $("tip");
  const i = u.cursor.idx;
  const w = i === null || i === undefined ? undefined : windows[i];
  if (!w || u.cursor.left < 0) {
    tip.hidden = true;
    return;
  }
  const lines = [
    [fmtWindow(w.window_start, w.window_end), "head"],
    [`avg score ${fixed(w.avg_score)} · ${num.format(w.n_scored)} scored of ${num.format(w.n_tweets)}`],
    [`positive ${pct(w.pos_share)} · negative ${pct(w.neg_share)}`],
  ];
  if (w.alert) {
    const a = w.alert;
    lines.push([
      `${a.severity.toUpperCase()} alert: sentiment dropped ${fixed(a.drop)}`,
      `sev-${a.severity}`,
    ]);
    lines.push([
      `baseline mean ${fixed(a.baseline_mean)} (sd ${fixed(a.baseline_sd)}, ${a.baseline_windows} windows)`,
    ]);
    // The bound comes from the alert's spec (sparkgen/specs), with its value for this window.
    lines.push([`threshold ${a.rule} = ${fixed(a.threshold)}`]);
  }
  tip.replaceChildren(...lines.map(([t, cls]) => el("div", { text: t, ...(cls ? { class: cls } : {}) })));
  tip.hidden = false;
  const panel = $("sentiment-panel").getBoundingClientRect();
  const over = u.over.getBoundingClientRect();
  const left = over.left - panel.left + u.cursor.left + 14;
  tip.style.left = `${Math.min(left, panel.width - tip.offsetWidth - 8)}px`;
  tip.style.top = `${over.top - panel.top + u.cursor.top + 14}px`;
}

/** Every kind of alert (`kind` = its table); a kind's own columns are "–" for the others. */
function renderAlerts(alerts) {
  const body = $("alerts").tBodies[0];
  if (alerts.length === 0) {
    body.replaceChildren(
      el("tr", { class: "empty-row" }, el("td", { colspan: "10", text: "no alerts in this range" })),
    );
    return;
  }
  const opt = (v, f) => (v === null ? "–" : f(v));
  body.replaceChildren(
    ...alerts.map((a) =>
      el(
        "tr",
        {},
        el("td", { "data-field": "window", text: fmtWindow(a.window_start, a.window_end) }),
        el("td", { "data-field": "kind", text: a.kind }),
        el("td", { "data-field": "severity", class: `sev-${a.severity}`, text: a.severity }),
        el("td", {
          "data-field": "value",
          text: `${a.measure} ${Number.isInteger(a.value) ? num.format(a.value) : fixed(a.value)}`,
        }),
        el("td", { "data-field": "baseline_mean", text: fixed(a.baseline_mean) }),
        el("td", { "data-field": "baseline_sd", text: fixed(a.baseline_sd) }),
        el("td", { "data-field": "drop", text: opt(a.drop, fixed) }),
        el("td", { "data-field": "ratio", text: opt(a.ratio, (r) => `×${r.toFixed(2)}`) }),
        el("td", { "data-field": "threshold", text: opt(a.threshold, fixed) }),
        el("td", { "data-field": "n_scored", text: opt(a.n_scored, (n) => num.format(n)) }),
      ),
    ),
  );
}

// ---- influencers ----

function renderInfluencers(rows) {
  const body = $("influencers").tBodies[0];
  if (rows.length === 0) {
    body.replaceChildren(
      el("tr", { class: "empty-row" }, el("td", { colspan: "9", text: "no influencers in this range" })),
    );
    return;
  }
  // The mix bar re-applies the score's normalisation c(x) = ln(1+x)/ln(1+max x) over the rows shown,
  // so its segments show which component makes each author influential in this range.
  const max = {};
  for (const key of Object.keys(WEIGHTS)) max[key] = Math.max(0, ...rows.map((r) => r[key]));
  const c = (key, x) => (max[key] > 0 ? Math.log1p(x) / Math.log1p(max[key]) : 0);
  const cls = { retweets: "rt", favourites: "fav", followers: "fol", depth: "dep" };
  body.replaceChildren(
    ...rows.map((r) => {
      const parts = Object.entries(WEIGHTS).map(([key, w]) => ({ key, value: w * c(key, r[key]) }));
      const mix = el("div", { class: "mix" });
      for (const p of parts) {
        const seg = el("span", { class: cls[p.key] });
        seg.style.width = `${(p.value * 100).toFixed(1)}%`;
        mix.append(seg);
      }
      mix.setAttribute("title", parts.map((p) => `${p.key} ${p.value.toFixed(2)}`).join(" + "));
      return el(
        "tr",
        {},
        el("td", { "data-field": "rank", text: String(r.rank) }),
        el(
          "td",
          {
            class: "author",
            "data-field": "author",
            title: `@${isolate(r.username)} (${isolate(r.author_id)})`,
          },
          el("bdi", { class: "name", text: `@${r.username}` }),
          el("bdi", { class: "id", text: r.author_id }),
        ),
        el("td", { "data-field": "score", text: fixed(r.score) }),
        el("td", {}, mix),
        el("td", { "data-field": "retweets", text: num.format(r.retweets) }),
        el("td", { "data-field": "favourites", text: num.format(r.favourites) }),
        el("td", { "data-field": "followers", text: num.format(r.followers) }),
        el("td", { "data-field": "depth", text: String(r.depth) }),
        el("td", { "data-field": "tweets", text: num.format(r.tweets) }),
      );
    }),
  );
}

// ---- word cloud (d3-cloud computes the layout; the SVG is built here with textContent) ----

let layout;

function renderWords(words) {
  $("word-list").replaceChildren(
    ...words.map((w) =>
      el("li", { "data-word": "" }, el("bdi", { class: "w", text: w.word }), ` ${num.format(w.count)}`),
    ),
  );
  const svg = $("cloud");
  const width = Math.max(240, svg.clientWidth || 480);
  const height = Math.max(200, svg.clientHeight || 340);
  svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
  layout?.stop();
  if (words.length === 0) {
    const t = svgEl("text", {
      x: String(width / 2),
      y: String(height / 2),
      "text-anchor": "middle",
      fill: "#5b6470",
    });
    t.textContent = "no words in this range";
    svg.replaceChildren(t);
    return;
  }
  const counts = words.map((w) => w.count);
  const lo = Math.sqrt(Math.min(...counts));
  const hi = Math.sqrt(Math.max(...counts));
  const size = (n, text) => {
    const s = hi === lo ? 30 : 12 + ((Math.sqrt(n) - lo) / (hi - lo)) * 48;
    // A very long word would not fit at any angle: shrink it to the cloud's width instead of dropping it.
    return Math.max(8, Math.min(s, (width * 0.9) / (0.62 * [...text].length)));
  };
  let seed = 42;
  const random = () => {
    // A fixed-seed generator: the same words give the same picture on every refresh.
    seed = (seed * 1664525 + 1013904223) % 4294967296;
    return seed / 4294967296;
  };
  layout = globalThis.d3.layout
    .cloud()
    .size([width, height])
    .words(words.map((w, i) => ({ text: w.word, count: w.count, size: size(w.count, w.word), i })))
    .padding(2)
    .rotate((d) => (d.i % 6 === 5 ? -90 : 0))
    .font("Impact")
    .fontSize((d) => d.size)
    .random(random)
    .on("end", (placed) => {
      const g = svgEl("g", { transform: `translate(${width / 2},${height / 2})` });
      for (const d of placed) {
        const t = svgEl("text", {
          "text-anchor": "middle",
          "font-size": `${d.size}px`,
          fill: CLOUD_COLORS[d.i % CLOUD_COLORS.length],
          transform: `translate(${d.x},${d.y}) rotate(${d.rotate})`,
        });
        t.textContent = d.text;
        const title = svgEl("title", {});
        title.textContent = `${isolate(d.text)}: ${num.format(d.count)}`;
        t.append(title);
        g.append(t);
      }
      svg.replaceChildren(g);
      svg.dataset.placed = String(placed.length);
    })
    .start();
}

function svgEl(tag, attrs) {
  const node = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  return node;
}

// ---- wiring ----

function start() {
  $("topic").addEventListener("change", (e) => writeState({ ...readState(), topic: e.target.value }));
  $("range").addEventListener("change", (e) => writeState({ ...readState(), range: e.target.value }));
  $("end-now").addEventListener("click", () => writeState({ ...readState(), end: null }));
  $("refresh").addEventListener("click", () => load());
  window.addEventListener("hashchange", () => load());
  let resizeTimer;
  window.addEventListener("resize", () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(
      () => chart?.setSize({ width: Math.max(320, $("chart").clientWidth), height: 260 }),
      150,
    );
  });
  setInterval(load, REFRESH_MS);
  load();
}

// Module scripts run after the deferred vendor scripts, so uPlot and d3.layout.cloud are defined.
start();
