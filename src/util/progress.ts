/**
 * A progress bar for long work (epochs, generations, benchmarks):
 *
 *   train [########............] 40% 156/391 12.3 it/s ETA 0:19 loss 1.82
 *
 * On a terminal it redraws one line in place with `\r`, at most ~10 times a second. Into a
 * file or a pipe it prints a plain line every 10% (or every minute) instead, so logs stay
 * readable. The rate is smoothed so that the ETA does not jump with every slow step.
 */

/** What a bar writes to; Deno.stderr and Deno.stdout fit. */
export interface ProgressStream {
  writeSync(bytes: Uint8Array): number;
  isTerminal(): boolean;
}

/** Settings of a {@link Progress}; only `total` is required. */
export interface ProgressOptions {
  /** Units of work in all (steps, images, candidates...). */
  total: number;
  /** Text before the bar. */
  label?: string;
  /** Where to draw (default Deno.stderr). */
  stream?: ProgressStream;
  /** Redraw in place (true) or print plain lines (false); default: stream.isTerminal(). */
  tty?: boolean;
  /** Clock in milliseconds (default performance.now); tests inject their own. */
  now?: () => number;
  /** Characters inside the brackets (default 20). */
  barWidth?: number;
  /** Cut in-place lines to this many characters (default: the terminal's width, if known). */
  columns?: number;
  /** Least time between two in-place redraws, ms (default 100). */
  redrawMs?: number;
  /** Plain mode prints a line each time this share of the work is passed (default 0.1). */
  plainEveryFraction?: number;
  /** ...and at the latest after this many seconds without one (default 60). */
  plainEverySeconds?: number;
  /** Time constant of the rate's exponential smoothing, s (default 5). */
  smoothingSeconds?: number;
}

/**
 * A running progress display. Call tick() as work completes and done() at the end.
 * @example
 * const bar = new Progress({ total: steps, label: "epoch 3" });
 * for (let s = 0; s < steps; s++) { trainStep(); bar.tick(1, `loss ${loss.toFixed(3)}`); }
 * bar.done();
 */
export class Progress {
  readonly total: number;
  readonly label: string;
  #count = 0;
  #info = "";
  #finished = false;
  #stream: ProgressStream;
  #tty: boolean;
  #now: () => number;
  #barWidth: number;
  #columns: number | undefined;
  #redrawMs: number;
  #plainEveryFraction: number;
  #plainEveryMs: number;
  #startMs: number;
  #lastDrawMs = -Infinity;
  #lastPlainBucket = 0;
  #lastPlainMs: number;
  #rate: RateMeter;

  constructor(options: ProgressOptions) {
    if (!(Number.isFinite(options.total) && options.total >= 0)) {
      throw new RangeError(`Progress total must be a finite number >= 0: found ${options.total}`);
    }
    this.total = options.total;
    this.label = options.label ?? "";
    this.#stream = options.stream ?? Deno.stderr;
    this.#tty = options.tty ?? this.#stream.isTerminal();
    this.#now = options.now ?? (() => performance.now());
    this.#barWidth = options.barWidth ?? 20;
    // The console's width says nothing about a stream the caller brought.
    const ownConsole = options.stream === undefined || options.stream === Deno.stderr ||
      options.stream === Deno.stdout;
    this.#columns = options.columns ?? (this.#tty && ownConsole ? terminalColumns() : undefined);
    this.#redrawMs = options.redrawMs ?? 100;
    this.#plainEveryFraction = options.plainEveryFraction ?? 0.1;
    this.#plainEveryMs = (options.plainEverySeconds ?? 60) * 1000;
    this.#startMs = this.#now();
    this.#lastPlainMs = this.#startMs;
    this.#rate = new RateMeter(this.#startMs, options.smoothingSeconds ?? 5);
  }

  /** Units done so far. */
  get count(): number {
    return this.#count;
  }

  /** The smoothed rate in units per second (NaN until the first measurement). */
  get rate(): number {
    return this.#rate.rate;
  }

  /** Records `n` more units done; `info` (if given) replaces the text after the bar. */
  tick(n = 1, info?: string): void {
    if (this.#finished) return;
    this.#count = Math.min(this.#count + n, this.total);
    if (info !== undefined) this.#info = info;
    const now = this.#now();
    this.#rate.sample(this.#count, now);
    if (this.#tty) {
      if (now - this.#lastDrawMs >= this.#redrawMs || this.#count === this.total) {
        this.#draw(now);
      }
      return;
    }
    // The 100% line is left to done(), which adds the elapsed time.
    if (this.#count >= this.total) return;
    const bucket = Math.floor(this.#fraction() / this.#plainEveryFraction + 1e-9);
    if (bucket > this.#lastPlainBucket || now - this.#lastPlainMs >= this.#plainEveryMs) {
      this.#lastPlainBucket = bucket;
      this.#lastPlainMs = now;
      this.#write(this.#line(now) + "\n");
    }
  }

  /** Ends the display with a final line that shows the total time; later ticks are ignored. */
  done(info?: string): void {
    if (this.#finished) return;
    if (info !== undefined) this.#info = info;
    this.#finished = true;
    const now = this.#now();
    this.#write(this.#tty ? `\r${this.#fit(this.#line(now))}\x1b[K\n` : this.#line(now) + "\n");
  }

  #fraction(): number {
    return this.total === 0 ? 1 : this.#count / this.total;
  }

  #line(now: number): string {
    const elapsed = (now - this.#startMs) / 1000;
    const rate = this.#rate.rate;
    return formatProgressLine({
      label: this.label,
      count: this.#count,
      total: this.total,
      rate: this.#finished && elapsed > 0 ? this.#count / elapsed : rate,
      etaSeconds: (this.total - this.#count) / rate,
      elapsedSeconds: this.#finished ? elapsed : undefined,
      info: this.#info,
      barWidth: this.#barWidth,
    });
  }

  #draw(now: number): void {
    this.#lastDrawMs = now;
    // \x1b[K clears what a longer previous line left behind.
    this.#write(`\r${this.#fit(this.#line(now))}\x1b[K`);
  }

  #fit(line: string): string {
    const max = this.#columns;
    return max !== undefined && line.length > max - 1 ? line.slice(0, Math.max(0, max - 1)) : line;
  }

  #write(text: string): void {
    const bytes = new TextEncoder().encode(text);
    let written = 0;
    while (written < bytes.length) written += this.#stream.writeSync(bytes.subarray(written));
  }
}

/**
 * Units per second, smoothed exponentially with time constant `tauSeconds`, from samples
 * taken at least 100 ms apart (shorter gaps are pooled into the next sample).
 */
export class RateMeter {
  #lastMs: number;
  #lastCount = 0;
  #tauMs: number;
  #rate = NaN;

  constructor(startMs: number, tauSeconds: number) {
    this.#lastMs = startMs;
    this.#tauMs = tauSeconds * 1000;
  }

  /** The smoothed rate (NaN before the first sample). */
  get rate(): number {
    return this.#rate;
  }

  /** Records that `count` units were done in all by time `nowMs`. */
  sample(count: number, nowMs: number): void {
    const dt = nowMs - this.#lastMs;
    if (dt < 100) return;
    const instant = (count - this.#lastCount) / (dt / 1000);
    // Weighting by elapsed time keeps the smoothing independent of how often ticks come.
    const weight = 1 - Math.exp(-dt / this.#tauMs);
    this.#rate = Number.isNaN(this.#rate) ? instant : this.#rate + weight * (instant - this.#rate);
    this.#lastMs = nowMs;
    this.#lastCount = count;
  }
}

/** What one progress line shows. */
export interface ProgressLineParts {
  label: string;
  count: number;
  total: number;
  /** Units per second (NaN: unknown). */
  rate: number;
  /** Seconds left (NaN or Infinity: unknown). */
  etaSeconds: number;
  /** Given once finished: shown as "in m:ss" instead of the ETA. */
  elapsedSeconds?: number;
  info?: string;
  barWidth?: number;
}

/**
 * One line: `label [#####.....] 37% 370/1000 12.3 it/s ETA 0:51 info`.
 * @example
 * formatProgressLine({ label: "eval", count: 5, total: 10, rate: 2, etaSeconds: 2.5 });
 * // "eval [##########..........] 50% 5/10 2.00 it/s ETA 0:03"
 */
export function formatProgressLine(parts: ProgressLineParts): string {
  const fraction = parts.total === 0 ? 1 : parts.count / parts.total;
  const fields = [
    renderBar(fraction, parts.barWidth ?? 20),
    `${Math.floor(fraction * 100)}%`,
    `${parts.count}/${parts.total}`,
    formatRate(parts.rate),
    parts.elapsedSeconds === undefined
      ? `ETA ${formatDuration(parts.etaSeconds)}`
      : `in ${formatDuration(parts.elapsedSeconds)}`,
  ];
  if (parts.label) fields.unshift(parts.label);
  if (parts.info) fields.push(parts.info);
  return fields.join(" ");
}

/**
 * A bar of `width` characters in brackets, `#` for the done share (rounded down) and `.` for
 * the rest; the fraction is clamped to [0, 1].
 * @example
 * renderBar(0.37, 10); // "[###.......]"
 */
export function renderBar(fraction: number, width: number): string {
  const clamped = Number.isNaN(fraction) ? 0 : Math.min(1, Math.max(0, fraction));
  const filled = Math.floor(clamped * width + 1e-9);
  return `[${"#".repeat(filled)}${".".repeat(width - filled)}]`;
}

/**
 * Seconds as `m:ss`, or `h:mm:ss` from an hour up, rounded to the second; `--:--` when
 * unknown (NaN, infinite or negative).
 * @example
 * formatDuration(51); // "0:51"
 * formatDuration(3725); // "1:02:05"
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return "--:--";
  const whole = Math.round(seconds);
  const h = Math.floor(whole / 3600);
  const m = Math.floor((whole % 3600) / 60);
  const s = whole % 60;
  const ss = String(s).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${ss}` : `${m}:${ss}`;
}

/**
 * A rate with three significant figures or so: `0.25 it/s`, `12.3 it/s`, `1234 it/s`;
 * `-- it/s` when unknown.
 */
export function formatRate(perSecond: number): string {
  if (!Number.isFinite(perSecond)) return "-- it/s";
  const digits = perSecond >= 100 ? 0 : perSecond >= 10 ? 1 : 2;
  return `${perSecond.toFixed(digits)} it/s`;
}

function terminalColumns(): number | undefined {
  try {
    return Deno.consoleSize().columns;
  } catch {
    return undefined; // not a console after all
  }
}
