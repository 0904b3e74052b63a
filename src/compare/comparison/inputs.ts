/**
 * Reading what `deno task compare` sets side by side: a finished search run (its config and
 * retrained Pareto set) and a baselines directory. Every missing or incomplete input is an
 * error that names the file and the command that makes it.
 */
import { basename, join } from "node:path";
import type { z } from "zod";
import { type EvolveConfig, EvolveConfigSchema } from "../../search/run/config.ts";
import { type FinalRecord, FinalRecordSchema } from "../../search/run/record.ts";
import { EXACT_NAME } from "../../multipliers/library.ts";
import { readJsonLines } from "../../util/json_lines.ts";
import { readJsonFile } from "../../util/json_file.ts";
import { BaselineDir, type BaselineResult } from "../baselines/dir.ts";
import type { BaselineSettings } from "../baselines/settings.ts";
import { displayName, REFERENCE_MODEL } from "../baselines/models.ts";

export interface RunInput {
  path: string;
  config: EvolveConfig;
  /** With several runs merged (mergeRuns): each one's directory, preset and seed. */
  sources?: { path: string; preset: string; seed: number }[];
  /** The successfully retrained networks. */
  finals: FinalRecord[];
  /** Networks whose final retraining failed: id and error. */
  failed: { id: string; error: string }[];
}

export interface BaselineInput {
  path: string;
  settings: BaselineSettings;
  results: BaselineResult[];
}

async function readJson<S extends z.ZodType>(
  path: string,
  schema: S,
  missing: string,
): Promise<z.output<S>> {
  const value = await readJsonFile(path, schema);
  if (value === null) throw new Error(`'${path}' not found: ${missing}`);
  return value;
}

export async function readRun(path: string): Promise<RunInput> {
  const config = await readJson(
    join(path, "config.json"),
    EvolveConfigSchema,
    `'${path}' is not a search run directory (deno task evolve makes one)`,
  );
  const finalPath = join(path, "final.jsonl");
  const lines = await readJsonLines(finalPath, false, FinalRecordSchema);
  if (lines === null) {
    throw new Error(
      `'${finalPath}' not found: the search writes it in its final retraining, after the last ` +
        `generation (deno task evolve; a stopped run finishes with deno task evolve --resume ${path})`,
    );
  }
  // A re-choice (deno task evolve --rechoose) appends a newer line per network: the last counts.
  const records = [...new Map(lines.map((r) => [r.id, r])).values()];
  const finals = records.filter((r) => !r.error);
  if (finals.length === 0) {
    throw new Error(
      `'${finalPath}' holds no successfully retrained network (${records.length} failed)`,
    );
  }
  return {
    path,
    config,
    finals,
    failed: records.filter((r) => r.error).map((r) => ({ id: r.id, error: r.error! })),
  };
}

export async function readBaselines(path: string): Promise<BaselineInput> {
  const dir = new BaselineDir(path);
  const make = `deno task baselines --out ${path} makes it`;
  const settings = await dir.readSettings();
  if (!settings) {
    throw new Error(`'${dir.file("settings.json")}' not found: no baselines there (${make})`);
  }
  const results = await dir.readResults();
  if (!results || results.length === 0) {
    throw new Error(
      `'${dir.file("results.jsonl")}' ${
        results ? "is empty" : "not found"
      }: the baselines are not measured yet (${make}; rerunning it continues where it stopped)`,
    );
  }
  if (!results.some((r) => r.network === REFERENCE_MODEL && r.multiplier === EXACT_NAME)) {
    throw new Error(
      `'${dir.file("results.jsonl")}' has no ${displayName(REFERENCE_MODEL)} result with ` +
        `${EXACT_NAME}, which the targets are measured against: deno task baselines --out ` +
        `${path} --models ${REFERENCE_MODEL} measures it`,
    );
  }
  return { path, settings, results };
}

/** The settings of the final retraining and measurement, which merged runs must share. */
const FINAL_PROTOCOL: [string, (c: EvolveConfig) => unknown][] = [
  ["final.epochs", (c) => c.final.epochs],
  ["final.trainImages", (c) => c.final.trainImages],
  ["final.validationImages", (c) => c.final.validationImages ?? 0],
  ["final.refineTolerance", (c) => c.final.refineTolerance],
  ["candidate.calibrationImages", (c) => c.candidate.calibrationImages],
  ["candidate.compensate", (c) => c.candidate.compensate],
  ["candidate.tuneWeights", (c) => c.candidate.tuneWeights === true],
];

/**
 * Several runs as one side of the comparison: their retrained networks named RUN/ID (RUN
 * the directory's name). The runs must have retrained and measured alike (FINAL_PROTOCOL);
 * the first one's config stands for all.
 */
export function mergeRuns(runs: RunInput[]): RunInput {
  if (runs.length === 0) throw new Error("mergeRuns: no run given");
  if (runs.length === 1) return runs[0];
  const [first] = runs;
  for (const r of runs.slice(1)) {
    for (const [field, get] of FINAL_PROTOCOL) {
      const a = JSON.stringify(get(first.config)), b = JSON.stringify(get(r.config));
      if (a !== b) {
        throw new Error(
          `Runs '${first.path}' and '${r.path}' were retrained or measured differently ` +
            `(${field}: ${a} vs ${b} in their config.json): compare them one at a time`,
        );
      }
    }
  }
  const names = runs.map((r) => basename(r.path.replace(/[\\/]+$/, "")));
  if (new Set(names).size !== names.length) {
    throw new Error(`Runs with the same directory name cannot be told apart: ${names.join(", ")}`);
  }
  const label = (i: number, id: string) => `${names[i]}/${id}`;
  return {
    path: first.path,
    config: first.config,
    sources: runs.map((r) => ({ path: r.path, preset: r.config.preset, seed: r.config.seed })),
    finals: runs.flatMap((r, i) =>
      r.finals.map((f) => ({ ...f, id: label(i, f.id), model: join(r.path, f.model) }))
    ),
    failed: runs.flatMap((r, i) => r.failed.map((f) => ({ ...f, id: label(i, f.id) }))),
  };
}
