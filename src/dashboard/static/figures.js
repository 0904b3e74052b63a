// @ts-check
/**
 * Figures as the page prints them, and what each one measures. Pure functions: the page
 * and the Deno tests import this same file.
 *
 * @typedef {import("../../search/run/record.ts").EvaluationRecord} EvaluationRecord
 * @typedef {import("../../search/run/record.ts").FinalRecord} FinalRecord
 * @typedef {import("../../search/run/config.ts").EvolveConfig} EvolveConfig
 * @typedef {import("../run_state.ts").RunSummary} RunSummary
 */
import { validationError } from "../../charts/definitions.js";

export { validationError };

/** @param {string} s */
export function escapeHtml(s) {
  return String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** @param {number} n */
export function fmtInt(n) {
  return Math.round(n).toLocaleString("en");
}

/** An accuracy (0..1) as a percentage with two decimals. @param {number | undefined} acc */
export function fmtAcc(acc) {
  return acc === undefined || acc === null ? "–" : `${(100 * acc).toFixed(2)}%`;
}

/** Energy with 4 significant digits, in pJ below 1 nJ and µJ above 10,000 nJ. @param {number} nJ */
export function fmtEnergy(nJ) {
  if (!Number.isFinite(nJ)) return "–";
  if (nJ >= 10_000) return `${(nJ / 1000).toPrecision(4)} µJ`;
  if (nJ < 1) return `${(nJ * 1000).toPrecision(4)} pJ`;
  return `${nJ.toPrecision(4)} nJ`;
}

/** @param {number} seconds */
export function fmtDuration(seconds) {
  if (!Number.isFinite(seconds) || seconds < 0) return "–";
  if (seconds < 60) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60), r = s % 60;
  const two = (/** @type {number} */ x) => String(x).padStart(2, "0");
  return h ? `${h} h ${two(m)} min` : `${m} min ${two(r)} s`;
}

/**
 * Distinct multiplier names with the number of layers using each, most used first.
 * @param {Record<string, string>} multipliers
 */
export function multiplierCounts(multipliers) {
  /** @type {Map<string, number>} */
  const counts = new Map();
  for (const name of Object.values(multipliers ?? {})) {
    counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** "exact" or "drum3 ×4, exact ×1". @param {Record<string, string>} multipliers */
export function multiplierText(multipliers) {
  const counts = multiplierCounts(multipliers);
  if (!counts.length) return "exact (no multiplier genes)";
  if (counts.length === 1) return counts[0][0];
  return counts.map(([n, c]) => `${n} ×${c}`).join(", ");
}

/**
 * What a candidate's status is, in words: ok, reused, infeasible, failed.
 * @param {EvaluationRecord} r
 * @returns {{kind: "ok" | "reused" | "infeasible" | "failed", text: string}}
 */
export function recordStatus(r) {
  if (r.error) return { kind: "failed", text: `failed: ${r.error}` };
  if (r.violation > 0) {
    return {
      kind: "infeasible",
      text: `infeasible: over the size limits by ${(100 * r.violation).toFixed(0)}%, not trained`,
    };
  }
  if (r.reusedFrom) {
    return { kind: "reused", text: `same network as ${r.reusedFrom}, not retrained` };
  }
  return { kind: "ok", text: "trained and measured" };
}

/**
 * How each figure is measured, from the run's config.
 * @param {EvolveConfig} c
 */
export function captions(c) {
  const val = `${fmtInt(c.candidate.validationImages)} validation images (carved from the ` +
    `CIFAR-10 training set)`;
  const training = `${c.candidate.epochs} epoch${c.candidate.epochs === 1 ? "" : "s"} on ` +
    `${fmtInt(c.candidate.trainImages)} training images`;
  const error = `y: validation error of the approximate 8-bit network (8-bit weights and ` +
    `activations, every multiplication through its approximate multiplier) on ${val}, after ` +
    `${training}.`;
  const front = `Blue: the Pareto front of every candidate evaluated so far (the archive), ` +
    `non-dominated in all three objectives (validation error, parameters, energy), so in ` +
    `this two-objective view a blue point can sit behind another.`;
  const finals = `Red diamonds: the networks retrained ${c.final.epochs} epoch` +
    `${c.final.epochs === 1 ? "" : "s"} on ${fmtInt(c.final.trainImages)} training images, ` +
    `at their approximate 8-bit error on the CIFAR-10 test set; green: the same networks ` +
    `with their re-chosen multipliers, when the run re-chose them.`;
  const grey =
    `Grey: every other evaluated candidate (failed and infeasible ones are not plotted).`;
  return {
    energy: `${error} x: energy of the multiplications of one inference (nJ, log scale), the ` +
      `number of multiplications per multiplier times the model estimate of that multiplier's ` +
      `energy per operation. ${grey} ${front} ${finals}`,
    params: `${error} x: trainable parameters (log scale), counted from the network's graph. ` +
      `${grey} ${front} ${finals}`,
    hypervolume: `Hypervolume after each generation of the feasible Pareto front of the ` +
      `parents (blue) and of every evaluation so far (the archive, green; it never ` +
      `falls): objectives normalised to 0..1 (error 0..1, parameters 0..${
        c.constraints.maxParams ? fmtInt(c.constraints.maxParams) : "1,000,000"
      }, energy 0..the multiplication limit times the most energy-hungry multiplier), reference ` +
      `point 1.1 on each axis, so 1.331 is the largest possible value. Higher is better.`,
    log: `One row per candidate evaluation, newest first. Accuracies: on ${val}, after ` +
      `${training}; float = 32-bit float network, exact 8-bit = 8-bit integer network with ` +
      `exact multiplications, approx. 8-bit = the same through the candidate's multipliers. ` +
      `Time: training plus measuring, on one worker.`,
    final: `Retrained ${c.final.epochs} epoch${c.final.epochs === 1 ? "" : "s"} on ` +
      `${fmtInt(c.final.trainImages)} training images, then measured on the CIFAR-10 test set ` +
      `(never seen during the search). Energy saving: against the same network with exact ` +
      `multipliers.`,
  };
}

/**
 * The status lines: where the run is, how far, how long.
 * @param {RunSummary} s
 * @param {number} now  ms since the epoch
 */
export function statusFacts(s, now) {
  const c = s.config;
  const completed = s.checkpoint ? s.checkpoint.completed : -1;
  const started = s.started ? Date.parse(s.started) : NaN;
  const last = s.lastWrite ? Date.parse(s.lastWrite) : NaN;
  const end = s.phase === "finished" ? last : now;
  const phase = s.phase === "initial population"
    ? "evaluating the initial population (generation 0)"
    : s.phase === "searching"
    ? `searching: generation ${completed + 1} of ${c.generations} under way`
    : s.phase === "retraining"
    ? `search done; retraining up to ${c.final.networks} networks of the front (${s.finals} done)`
    : "finished";
  return {
    phase,
    generations: `${Math.max(0, completed)} of ${c.generations}` +
      (completed < 0 ? " (the initial population is not complete yet)" : ""),
    evaluations: `${fmtInt(s.evaluations)} of ${fmtInt(s.expectedEvaluations)}`,
    breakdown: `${fmtInt(s.trained)} trained, ${fmtInt(s.reused)} repeated networks (not ` +
      `retrained), ${fmtInt(s.infeasible)} infeasible, ${fmtInt(s.failed)} failed`,
    elapsed: Number.isFinite(started) && Number.isFinite(end)
      ? `${fmtDuration((end - started) / 1000)} since the run started`
      : "–",
    lastWrite: Number.isFinite(last) ? `${fmtDuration(Math.max(0, now - last) / 1000)} ago` : "–",
    compute: `${fmtDuration(s.candidateSeconds)} of candidate training and measuring, summed ` +
      `over ${c.workers} worker${c.workers === 1 ? "" : "s"}`,
    seed: String(c.seed),
  };
}

/**
 * The search settings in a few lines.
 * @param {EvolveConfig} c
 */
export function configFacts(c) {
  const limits = [
    c.constraints.maxParams ? `≤ ${fmtInt(c.constraints.maxParams)} parameters` : "",
    c.constraints.maxMults ? `≤ ${fmtInt(c.constraints.maxMults)} multiplications` : "",
  ].filter(Boolean).join(", ") || "none";
  return [
    ["preset", `${c.preset}, seed ${c.seed}`],
    [
      "NSGA-II",
      `${c.population} parents + ${c.offspring} offspring per generation, ${c.generations} ` +
      `generations, mutation rate ${c.mutationRate}`,
    ],
    [
      "CGP grid",
      `${c.cgp.rows} × ${c.cgp.cols}, levels back ${c.cgp.levelsBack}, filters ` +
      `${c.cgp.filters.join("/")}, kernels ${c.cgp.kernels.join("/")}, multiplier genes ` +
      `${c.cgp.multiplierGenes}`,
    ],
    ["multipliers", c.multipliers.length ? c.multipliers.join(", ") : "the whole library"],
    ["limits", limits],
    [
      "candidates",
      `${c.candidate.epochs} epoch(s) on ${fmtInt(c.candidate.trainImages)} images, batch ` +
      `${c.candidate.batch}, max lr ${c.candidate.maxLr}; validation on ` +
      `${fmtInt(c.candidate.validationImages)} images; 8-bit calibration on ` +
      `${fmtInt(c.candidate.calibrationImages)} images`,
    ],
    [
      "final",
      `${c.final.networks} networks retrained ${c.final.epochs} epoch(s) on ` +
      `${fmtInt(c.final.trainImages)} images`,
    ],
    ["workers", String(c.workers)],
  ];
}
