/**
 * Warm start: a new search whose first generation is another run's last population. This
 * lets a search go on under tighter settings (a parameter budget, other constraints, more
 * generations) from what an earlier search found, without redoing its work. The genomes are
 * copied into the new run's config.json, so the new run never reads the old one again.
 */
import type { EvolveConfig, InitialPopulation } from "./config.ts";
import { RunDir } from "./run_dir.ts";

/**
 * The first difference between two configs' search spaces (grid, function set, multiplier
 * genes and list), as "field: theirs vs ours", or null: genomes carry over only when none.
 */
export function searchSpaceConflict(theirs: EvolveConfig, ours: EvolveConfig): string | null {
  const fields: [string, unknown, unknown][] = [
    ...(Object.keys(ours.cgp) as (keyof EvolveConfig["cgp"])[]).map((
      k,
    ): [string, unknown, unknown] => [`cgp.${k}`, theirs.cgp?.[k], ours.cgp[k]]),
    ["multipliers", theirs.multipliers, ours.multipliers],
  ];
  for (const [name, a, b] of fields) {
    if (JSON.stringify(a) !== JSON.stringify(b)) {
      return `${name}: ${JSON.stringify(a)} vs ${JSON.stringify(b)}`;
    }
  }
  return null;
}

/** Reads the current parents of the run in `path` as a first generation for `config`. */
export async function readInitialPopulation(
  path: string,
  config: EvolveConfig,
): Promise<InitialPopulation> {
  const dir = new RunDir(path);
  if (!(await dir.exists())) {
    throw new Error(`--init-from: '${path}' is not a search run directory (no config.json)`);
  }
  const theirs = await dir.readConfig();
  const conflict = searchSpaceConflict(theirs, config);
  if (conflict) {
    throw new Error(
      `--init-from: the run in '${path}' searched another space (${conflict}); genomes carry ` +
        `over only between runs with the same grid, functions and multiplier list`,
    );
  }
  const checkpoint = await dir.readCheckpoint();
  if (!checkpoint) {
    throw new Error(`--init-from: the run in '${path}' has no finished generation yet`);
  }
  const byId = new Map((await dir.readEvaluations()).map((r) => [r.id, r]));
  const genomes = checkpoint.population.map((id) => {
    const r = byId.get(id);
    if (!r) {
      throw new Error(
        `--init-from: '${dir.file("checkpoint.json")}' names parent ${id}, which ` +
          `'${dir.file("evaluations.jsonl")}' does not hold`,
      );
    }
    return r.genome;
  });
  return { from: path, ids: checkpoint.population, genomes };
}
