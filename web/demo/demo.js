/**
 * The browser demo: loads a self-contained model file with the embedding library
 * (/lib/mod.js, mod.ts bundled), classifies CIFAR-10 test images in exact and in approximate
 * 8-bit arithmetic, and shows both side by side. The server only serves bytes.
 *
 * For tests, `globalThis.demo` holds every image's labels and logits per mode, and
 * `<html data-ready>` / `data-done` say when the model is loaded and how many images are done.
 */
import { compileWasm, createClassifier, loadModel } from "/lib/mod.js";

/** Images per request and per classify call: small enough to keep the page responsive. */
const CHUNK = 20;
const MODES = ["exact8", "approx8"];

const $ = (id) => document.getElementById(id);
const html = document.documentElement;

const demo = {
  model: null,
  classes: [],
  start: 0,
  done: 0,
  truth: [],
  results: { exact8: emptyResults(), approx8: emptyResults() },
};
globalThis.demo = demo;

let wasm;
let models = [];
const classifiers = {};
let running = false;

function emptyResults() {
  return { labels: [], logits: [], seconds: 0 };
}

function showProblem(message) {
  const p = $("problem");
  p.textContent = message;
  p.hidden = false;
}

async function fetchOk(url) {
  const r = await fetch(url);
  if (!r.ok) {
    let reason = `${r.status} ${r.statusText}`;
    try {
      reason = (await r.json()).error ?? reason;
    } catch { /* not JSON */ }
    throw new Error(`${url}: ${reason}`);
  }
  return r;
}

const pct = (x) => `${(100 * x).toFixed(1)}%`;

function multipliersText(c) {
  const names = [...new Set(Object.values(c.multipliers))];
  const text = names.length === 1
    ? `${names[0]} in every layer`
    : Object.entries(c.multipliers).map(([n, m]) => `${n}: ${m}`).join(", ");
  if (!c.compensated) return text;
  return c.weightsTuned
    ? `${text} (weights tuned to the multiplier, mean error compensated in the biases)`
    : `${text} (mean error compensated in the biases)`;
}

async function selectModel(id) {
  html.dataset.ready = "false";
  $("run").disabled = true;
  $("progress").textContent = `Loading ${id}…`;
  for (const m of MODES) classifiers[m]?.close();
  const bytes = new Uint8Array(
    await (await fetchOk(`/models/${encodeURIComponent(id)}.apxnet`))
      .arrayBuffer(),
  );
  const model = loadModel(bytes, `${id}.apxnet`);
  for (const mode of MODES) {
    classifiers[mode] = await createClassifier({ model, wasm, mode, batch: CHUNK });
  }
  demo.model = id;
  // Accuracy recorded by the export, else by the search that retrained the network.
  const details = models.find((m) => m.id === id)?.details ?? {};
  const test = model.meta.export?.test ?? details.final?.test;
  const by = model.meta.export?.test ? "at export" : "by the search";
  $("model-info").textContent = `${model.graph.name}: ${(bytes.length / 1024).toFixed(0)} KiB ` +
    "model file" +
    (test
      ? `; measured ${by} on ${test.images} test images: exact 8-bit ${pct(test.exact8)}, ` +
        `approximate ${pct(test.approx8)}, float ${pct(test.float)}`
      : "");
  for (const mode of MODES) {
    const c = classifiers[mode], panel = $(`mode-${mode}`);
    panel.querySelector(".multipliers").textContent = multipliersText(c);
    panel.querySelector(".energy").textContent = c.energyPerInferenceNj === null
      ? "unknown (the file carries no energy)"
      : `${c.energyPerInferenceNj.toFixed(1)} nJ`;
  }
  const e = classifiers.exact8.energyPerInferenceNj, a = classifiers.approx8.energyPerInferenceNj;
  if (e && a) {
    $("mode-approx8").querySelector(".energy").textContent += ` (${pct(a / e)} of exact)`;
  }
  reset();
  $("progress").textContent = "Ready.";
  $("run").disabled = false;
  html.dataset.ready = "true";
}

function reset() {
  demo.done = 0;
  demo.truth = [];
  demo.results = { exact8: emptyResults(), approx8: emptyResults() };
  html.dataset.done = "0";
  $("results").replaceChildren();
  for (const mode of MODES) {
    const panel = $(`mode-${mode}`);
    panel.querySelector(".accuracy").textContent = "–";
    panel.querySelector(".speed").textContent = "–";
  }
  $("mode-approx8").querySelector(".agreement").textContent = "–";
}

function thumbnail(images, i) {
  const canvas = document.createElement("canvas");
  canvas.width = canvas.height = 32;
  const ctx = canvas.getContext("2d");
  const img = ctx.createImageData(32, 32);
  const base = i * 3072;
  for (let p = 0; p < 1024; p++) {
    img.data[4 * p] = images[base + p];
    img.data[4 * p + 1] = images[base + 1024 + p];
    img.data[4 * p + 2] = images[base + 2048 + p];
    img.data[4 * p + 3] = 255;
  }
  ctx.putImageData(img, 0, 0);
  return canvas;
}

function resultCard(images, i, truth, exact, approx) {
  const li = document.createElement("li");
  li.className = `result${exact === approx ? "" : " disagree"}`;
  li.dataset.index = String(demo.start + demo.done + i);
  const line = (cls, text) => {
    const s = document.createElement("span");
    s.className = cls;
    s.textContent = text;
    return s;
  };
  const name = (k) => demo.classes[k] ?? String(k);
  li.append(
    thumbnail(images, i),
    line("truth", name(truth)),
    line(`exact8 ${exact === truth ? "right" : "wrong"}`, `exact: ${name(exact)}`),
    line(`approx8 ${approx === truth ? "right" : "wrong"}`, `approx: ${name(approx)}`),
  );
  return li;
}

function updateStats() {
  const n = demo.done;
  let agree = 0;
  for (let i = 0; i < n; i++) {
    agree += demo.results.exact8.labels[i] === demo.results.approx8.labels[i] ? 1 : 0;
  }
  for (const mode of MODES) {
    const r = demo.results[mode], panel = $(`mode-${mode}`);
    let correct = 0;
    for (let i = 0; i < n; i++) correct += r.labels[i] === demo.truth[i] ? 1 : 0;
    panel.querySelector(".accuracy").textContent = `${pct(correct / n)} (${correct} / ${n})`;
    panel.querySelector(".speed").textContent = `${(n / r.seconds).toFixed(0)} images/s`;
  }
  $("mode-approx8").querySelector(".agreement").textContent = `${pct(agree / n)} (${agree} / ${n})`;
}

async function run() {
  if (running) return;
  running = true;
  $("run").disabled = true;
  try {
    reset();
    const total = Number(html.dataset.testImages);
    const start = Math.max(0, Math.floor(Number($("start").value) || 0));
    const count = Math.min(Math.max(1, Math.floor(Number($("count").value) || 1)), total - start);
    if (!(count > 0)) throw new Error(`start at ${start}: the test set has ${total} images`);
    demo.start = start;
    for (let at = 0; at < count; at += CHUNK) {
      const n = Math.min(CHUNK, count - at);
      const body = new Uint8Array(
        await (await fetchOk(`/api/test?start=${start + at}&count=${n}`)).arrayBuffer(),
      );
      const images = body.subarray(0, n * 3072), truth = body.subarray(n * 3072);
      const out = {};
      for (const mode of MODES) {
        const t0 = performance.now();
        out[mode] = classifiers[mode].classify(images, n);
        const r = demo.results[mode];
        r.seconds += (performance.now() - t0) / 1000;
        r.labels.push(...out[mode].labels);
        r.logits.push(...out[mode].logits);
      }
      const cards = [];
      for (let i = 0; i < n; i++) {
        cards.push(
          resultCard(images, i, truth[i], out.exact8.labels[i], out.approx8.labels[i]),
        );
      }
      demo.truth.push(...truth);
      $("results").append(...cards);
      demo.done += n;
      updateStats();
      html.dataset.done = String(demo.done);
      $("progress").textContent = `${demo.done} / ${count} images`;
      // Let the page paint between chunks.
      await new Promise((r) => setTimeout(r, 0));
    }
    $("progress").textContent = `Done: test images ${start} to ${start + count - 1}.`;
  } finally {
    running = false;
    $("run").disabled = false;
  }
}

async function main() {
  let info;
  [models, info] = await Promise.all([
    fetchOk("/api/models").then((r) => r.json()),
    fetchOk("/api/info").then((r) => r.json()),
  ]);
  demo.classes = info.classes;
  html.dataset.testImages = String(info.testImages);
  $("count").max = $("start").max = String(info.testImages);
  if (!models.length) throw new Error("The server offers no model");
  const select = $("model");
  for (const m of models) select.append(new Option(m.label, m.id));
  const wanted = new URLSearchParams(location.search).get("model");
  if (wanted && models.some((m) => m.id === wanted)) select.value = wanted;
  wasm = await compileWasm(await (await fetchOk("/lib/approxnas.wasm")).arrayBuffer());
  select.addEventListener("change", () => selectModel(select.value).catch(fail));
  $("run").addEventListener("click", () => run().catch(fail));
  await selectModel(select.value);
}

function fail(e) {
  showProblem(e.message);
  html.dataset.error = e.message;
  $("progress").textContent = "Failed.";
}

main().catch(fail);
