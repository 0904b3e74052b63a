import assert from "node:assert/strict";
import {
  formatDuration,
  formatProgressLine,
  formatRate,
  Progress,
  RateMeter,
  renderBar,
} from "../../src/util/progress.ts";

/** A stream that keeps what is written, and a clock the test moves by hand. */
function harness(tty: boolean) {
  let text = "";
  const decoder = new TextDecoder();
  const stream = {
    writeSync(bytes: Uint8Array) {
      text += decoder.decode(bytes);
      return bytes.length;
    },
    isTerminal: () => tty,
  };
  const clock = { ms: 0 };
  return { stream, clock, now: () => clock.ms, output: () => text };
}

Deno.test("formatDuration: m:ss below an hour, h:mm:ss above, --:-- when unknown", () => {
  assert.equal(formatDuration(0), "0:00");
  assert.equal(formatDuration(51), "0:51");
  assert.equal(formatDuration(51.4), "0:51");
  assert.equal(formatDuration(59.6), "1:00");
  assert.equal(formatDuration(605), "10:05");
  assert.equal(formatDuration(3599), "59:59");
  assert.equal(formatDuration(3725), "1:02:05");
  assert.equal(formatDuration(36000), "10:00:00");
  for (const unknown of [NaN, Infinity, -1]) assert.equal(formatDuration(unknown), "--:--");
});

Deno.test("renderBar: rounds the done share down and clamps to [0, 1]", () => {
  assert.equal(renderBar(0, 10), "[..........]");
  assert.equal(renderBar(0.37, 10), "[###.......]");
  assert.equal(renderBar(0.999, 10), "[#########.]");
  assert.equal(renderBar(0.3, 10), "[###.......]"); // 0.3 * 10 is 2.9999... in floating point
  assert.equal(renderBar(1, 10), "[##########]");
  assert.equal(renderBar(1.5, 4), "[####]");
  assert.equal(renderBar(-0.2, 4), "[....]");
  assert.equal(renderBar(NaN, 4), "[....]");
  assert.equal(renderBar(0.5, 0), "[]");
});

Deno.test("formatRate: about three significant figures, -- when unknown", () => {
  assert.equal(formatRate(0.25), "0.25 it/s");
  assert.equal(formatRate(12.34), "12.3 it/s");
  assert.equal(formatRate(1234.5), "1235 it/s");
  assert.equal(formatRate(NaN), "-- it/s");
});

Deno.test("formatProgressLine: label, bar, percent, count, rate, ETA, info in that order", () => {
  const line = formatProgressLine({
    label: "train",
    count: 370,
    total: 1000,
    rate: 12.3,
    etaSeconds: 51,
    info: "loss 1.25",
    barWidth: 10,
  });
  assert.equal(line, "train [###.......] 37% 370/1000 12.3 it/s ETA 0:51 loss 1.25");
  const finished = formatProgressLine({
    label: "",
    count: 8,
    total: 8,
    rate: 2,
    etaSeconds: 0,
    elapsedSeconds: 4,
    barWidth: 4,
  });
  assert.equal(finished, "[####] 100% 8/8 2.00 it/s in 0:04");
});

Deno.test("RateMeter: exact for a steady rate, moves gradually after a change", () => {
  const meter = new RateMeter(0, 5);
  assert.ok(Number.isNaN(meter.rate));
  for (let s = 1; s <= 10; s++) meter.sample(20 * s, s * 1000);
  assert.equal(meter.rate, 20);

  meter.sample(200 + 5, 11_000); // now 5 per second
  const weight = 1 - Math.exp(-1 / 5);
  assert.ok(Math.abs(meter.rate - (20 + weight * (5 - 20))) < 1e-9);
  assert.ok(meter.rate > 5 && meter.rate < 20);
  for (let s = 12; s <= 60; s++) meter.sample(205 + 5 * (s - 11), s * 1000);
  assert.ok(Math.abs(meter.rate - 5) < 0.01, `rate ${meter.rate} after 50 s at 5/s`);
});

Deno.test("RateMeter: ticks closer than 100 ms are pooled, not measured alone", () => {
  const meter = new RateMeter(0, 5);
  meter.sample(1, 1); // 1 unit in 1 ms would read as 1000/s
  assert.ok(Number.isNaN(meter.rate));
  meter.sample(3, 200);
  assert.equal(meter.rate, 15);
});

Deno.test("terminal: redraws in place at most every 100 ms and ends the line on done()", () => {
  const h = harness(true);
  const bar = new Progress({ total: 1000, label: "gen", stream: h.stream, now: h.now });
  for (let i = 0; i < 1000; i++) {
    h.clock.ms += 10; // 100 ticks per second
    bar.tick();
  }
  bar.done();
  const out = h.output();
  const draws = out.split("\r").length - 1;
  // 10 s at 100 ticks/s: one draw per 100 ms plus the one at 100% and the final one.
  assert.ok(draws >= 99 && draws <= 102, `${draws} redraws`);
  assert.equal(out.indexOf("\n"), out.length - 1, "only done() ends the line");
  const last = out.slice(out.lastIndexOf("\r") + 1);
  assert.equal(last, "gen [####################] 100% 1000/1000 100 it/s in 0:10\x1b[K\n");
});

Deno.test("terminal: an ETA from the smoothed rate, and the latest info", () => {
  const h = harness(true);
  const bar = new Progress({ total: 1000, stream: h.stream, now: h.now, barWidth: 10 });
  for (let i = 1; i <= 300; i++) {
    h.clock.ms += 100; // 10 per second
    bar.tick(1, `step ${i}`);
  }
  const out = h.output();
  const last = out.slice(out.lastIndexOf("\r") + 1);
  // 700 left at 10 per second.
  assert.equal(last, "[###.......] 30% 300/1000 10.0 it/s ETA 1:10 step 300\x1b[K");
});

Deno.test("terminal: cuts lines to the width it was given", () => {
  const h = harness(true);
  const bar = new Progress({
    total: 10,
    label: "x".repeat(50),
    stream: h.stream,
    now: h.now,
    columns: 30,
  });
  h.clock.ms += 500;
  bar.tick(1, "a long piece of information");
  assert.equal(h.output(), `\r${"x".repeat(29)}\x1b[K`);
});

Deno.test("not a terminal: a plain line every 10%, then a last one with the total time", () => {
  const h = harness(false);
  const bar = new Progress({ total: 1000, label: "eval", stream: h.stream, now: h.now });
  for (let i = 0; i < 1000; i++) {
    h.clock.ms += 10;
    bar.tick();
  }
  bar.done();
  const out = h.output();
  assert.ok(!out.includes("\r"));
  const lines = out.trimEnd().split("\n");
  const percents = lines.map((l) => Number(/ (\d+)% /.exec(l)?.[1]));
  assert.deepEqual(percents, [10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
  assert.match(lines[4], /^eval \[#{10}\.{10}\] 50% 500\/1000 100 it\/s ETA 0:05$/);
  assert.match(lines[9], /in 0:10$/);
});

Deno.test("not a terminal: slow work still prints at the time interval", () => {
  const h = harness(false);
  const bar = new Progress({ total: 1000, stream: h.stream, now: h.now, plainEverySeconds: 1 });
  for (let i = 0; i < 10; i++) {
    h.clock.ms += 500; // 5 s for 1% of the work
    bar.tick();
  }
  const lines = h.output().trimEnd().split("\n");
  assert.deepEqual(lines.map((l) => / (\d+)\/1000/.exec(l)?.[1]), ["2", "4", "6", "8", "10"]);
});

Deno.test("ticks past the total or after done() change nothing", () => {
  const h = harness(false);
  const bar = new Progress({ total: 5, stream: h.stream, now: h.now });
  h.clock.ms = 1000;
  bar.tick(9);
  assert.equal(bar.count, 5);
  bar.done("finished");
  const written = h.output();
  bar.tick();
  bar.done();
  assert.equal(h.output(), written);
  assert.match(written, /^\[#{20}\] 100% 5\/5 5\.00 it\/s in 0:01 finished\n$/);
});

Deno.test("a total of zero shows as complete, and a bad total is refused", () => {
  const h = harness(false);
  new Progress({ total: 0, stream: h.stream, now: h.now }).done();
  assert.match(h.output(), / 100% 0\/0 /);
  assert.throws(() => new Progress({ total: NaN, stream: h.stream }), /found NaN/);
});
