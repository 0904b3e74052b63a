/**
 * Reading what `deno task compare` sets side by side: a finished search run (its config and
 * retrained Pareto set) and a baselines directory. Every missing or incomplete input is an
 * error that names the file and the command that makes it.
 */
import { join } from "node:path";
import type { EvolveConfig } from "../search/evolve_config.ts";
import type { FinalRecord } from "../search/evolve_record.ts";
import { EXACT_NAME } from "../multipliers/library.ts";
import { readJsonLines } from "../util/json_lines.ts";
import { BaselineDir, type BaselineResult } from "./baseline_dir.ts";
import type { BaselineSettings } from "./baseline_settings.ts";
import { displayName, REFERENCE_MODEL } from "./baseline_models.ts";

export interface RunInput {
  path: string;
  config: EvolveConfig;
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

async function readJson<T>(path: string, missing: string): Promise<T> {
  let text: string;
  try {
    text = await Deno.readTextFile(path);
  } catch (e) {
    if (e instanceof Deno.errors.NotFound) throw new Error(`'${path}' not found: ${missing}`);
    throw e;
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`'${path}' is not valid JSON (${(e as Error).message})`);
  }
}

export async function readRun(path: string): Promise<RunInput> {
  const config = await readJson<EvolveConfig>(
    join(path, "config.json"),
    `'${path}' is not a search run directory (deno task evolve makes one)`,
  );
  const finalPath = join(path, "final.jsonl");
  const lines = await readJsonLines<FinalRecord>(finalPath, false);
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
