/**
 * Learning-rate schedules as pure functions of (step, totalSteps), with step counted from 0
 * to totalSteps - 1: the rate for the optimiser update number `step`. No state, so a run can
 * resume at any step and a test can check any point.
 */

/** A schedule with its settings bound. */
export type LrSchedule = (step: number, totalSteps: number) => number;

/** Settings of {@link oneCycleLr}. */
export interface OneCycleOptions {
  /** The peak rate. */
  maxLr: number;
  /** Share of the steps spent warming up (default 0.3, as PyTorch's OneCycleLR). */
  pctStart?: number;
  /** The first step's rate is maxLr / div (default 25, as PyTorch). */
  div?: number;
  /** The last step's rate is the first's divided by this: maxLr / (div * finalDiv) (default 1e4, as PyTorch). */
  finalDiv?: number;
  /** Shape of the warm-up: "linear" (default) or "cos" (PyTorch's OneCycleLR uses cos for both phases). */
  warmup?: "linear" | "cos";
}

/**
 * One-cycle (Smith 2018): warm-up from maxLr/div to maxLr over the first
 * round(pctStart * totalSteps) steps, peak at step round(pctStart * totalSteps), then cosine
 * annealing down to maxLr / (div * finalDiv) at the last step. The peak is never skipped:
 * when warm-up would reach the last step (pctStart 1, or two steps) the last step is the peak.
 *
 * Defaults follow PyTorch's OneCycleLR with anneal_strategy "cos" (pct_start 0.3, div_factor
 * 25, final_div_factor 1e4, so the end rate is maxLr / 250,000) except the warm-up, which is
 * linear unless `warmup: "cos"`; PyTorch also places its peak one step earlier
 * (pct_start * total - 1). bench/pytorch_resnet.py uses this exact schedule.
 * @example
 * const lr = oneCycleLr(step, epochs * stepsPerEpoch, { maxLr: 0.2 });
 */
export function oneCycleLr(step: number, totalSteps: number, options: OneCycleOptions): number {
  const { maxLr, pctStart = 0.3, div = 25, finalDiv = 1e4, warmup = "linear" } = options;
  checkStep(step, totalSteps);
  if (!(pctStart >= 0 && pctStart <= 1)) {
    throw new RangeError(`pctStart must be in [0, 1]: found ${pctStart}`);
  }
  const startLr = maxLr / div;
  const warmupSteps = Math.min(Math.round(pctStart * totalSteps), totalSteps - 1);
  return warmupThenCosine(
    step,
    totalSteps,
    warmupSteps,
    startLr,
    maxLr,
    startLr / finalDiv,
    warmup,
  );
}

/** Settings of {@link cosineLr}. */
export interface CosineOptions {
  /** The rate at the end of warm-up (or at step 0 without one). */
  baseLr: number;
  /** The rate at the last step (default 0). */
  minLr?: number;
  /** Steps of linear warm-up from `warmupStartLr` to baseLr (default 0: none). */
  warmupSteps?: number;
  /** The first step's rate when warming up (default 0, the usual warm-up convention). */
  warmupStartLr?: number;
}

/**
 * Cosine annealing (Loshchilov & Hutter 2017, one cycle without restarts) from baseLr at step
 * `warmupSteps` to minLr at the last step, after an optional linear warm-up that starts at
 * warmupStartLr at step 0.
 * @example
 * const lr = cosineLr(step, totalSteps, { baseLr: 0.1, warmupSteps: 390 });
 */
export function cosineLr(step: number, totalSteps: number, options: CosineOptions): number {
  const { baseLr, minLr = 0, warmupSteps = 0, warmupStartLr = 0 } = options;
  checkStep(step, totalSteps);
  if (!(Number.isInteger(warmupSteps) && warmupSteps >= 0 && warmupSteps < totalSteps)) {
    throw new RangeError(
      `warmupSteps must be an integer in [0, ${totalSteps - 1}]: found ${warmupSteps}`,
    );
  }
  return warmupThenCosine(step, totalSteps, warmupSteps, warmupStartLr, baseLr, minLr, "linear");
}

/**
 * The same rate at every step (the step is still checked, so misuse shows early).
 * @example
 * const lr = constantLr(step, totalSteps, 0.01);
 */
export function constantLr(step: number, totalSteps: number, lr: number): number {
  checkStep(step, totalSteps);
  return lr;
}

/** A schedule described by data, as a run's configuration holds it. */
export type ScheduleSpec =
  | ({ kind: "oneCycle" } & OneCycleOptions)
  | ({ kind: "cosine" } & CosineOptions)
  | { kind: "constant"; lr: number };

/**
 * Binds a schedule's settings.
 * @example
 * const schedule = makeSchedule({ kind: "oneCycle", maxLr: 0.2 });
 * optimiser.lr = schedule(step, totalSteps);
 */
export function makeSchedule(spec: ScheduleSpec): LrSchedule {
  switch (spec.kind) {
    case "oneCycle":
      return (step, total) => oneCycleLr(step, total, spec);
    case "cosine":
      return (step, total) => cosineLr(step, total, spec);
    case "constant":
      return (step, total) => constantLr(step, total, spec.lr);
  }
}

/**
 * Rises from startLr (step 0) to peakLr (step warmupSteps), then follows half a cosine down
 * to endLr at step totalSteps - 1.
 */
function warmupThenCosine(
  step: number,
  totalSteps: number,
  warmupSteps: number,
  startLr: number,
  peakLr: number,
  endLr: number,
  warmupShape: "linear" | "cos",
): number {
  if (step < warmupSteps) {
    const t = step / warmupSteps;
    const rise = warmupShape === "linear" ? t : (1 - Math.cos(Math.PI * t)) / 2;
    return startLr + (peakLr - startLr) * rise;
  }
  const annealSteps = totalSteps - 1 - warmupSteps;
  // A single-step run has nothing to anneal: it uses the peak.
  const t = annealSteps > 0 ? (step - warmupSteps) / annealSteps : 0;
  return endLr + (peakLr - endLr) * (1 + Math.cos(Math.PI * t)) / 2;
}

function checkStep(step: number, totalSteps: number): void {
  if (!(Number.isInteger(totalSteps) && totalSteps >= 1)) {
    throw new RangeError(`totalSteps must be a positive integer: found ${totalSteps}`);
  }
  if (!(Number.isInteger(step) && step >= 0 && step < totalSteps)) {
    throw new RangeError(`step must be an integer in [0, ${totalSteps - 1}]: found ${step}`);
  }
}
