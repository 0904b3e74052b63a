/**
 * A baselines output directory:
 *   settings.json    the budget and seed the models were trained with (written once)
 *   models/NAME.apxnet   each trained network, written atomically when its training ends
 *   results.jsonl    one line per measured (network, multiplier) pair, appended and synced
 *   baselines.md, baselines.csv   the tables, rewritten at the end of a run
 * A rerun skips every model file and every pair already there.
 */
import { join } from "node:path";
import { writeFileAtomic } from "../../util/atomic_file.ts";
import { appendJsonLine, readJsonLines } from "../../util/json_lines.ts";
import { readJsonFile } from "../../util/json_file.ts";
import { z } from "zod";
import { int, number } from "../../util/check_schema.ts";
import { type BaselineSettings, BaselineSettingsSchema, settingsConflict } from "./settings.ts";

/** One network measured with one multiplier on the test set. */
export const BaselineResultSchema = z.strictObject({
  network: z.string(),
  multiplier: z.string(),
  params: int(0),
  mults: int(0),
  /** Multiplications per inference x the multiplier's energy per multiplication, nJ (model estimate). */
  energyNj: number(0),
  /** The same network with the exact multiplier. */
  exactEnergyNj: number(0),
  /** Test-set accuracies; float and exact8 are the network's, approx8 this multiplier's. */
  test: z.strictObject({
    float: number(0, 1),
    exact8: number(0, 1),
    approx8: number(0, 1),
    images: int(1),
  }),
  epochs: int(1),
  trainImages: int(1),
  seed: int(0),
  calibrationImages: int(1),
  compensate: z.boolean(),
  /** The model file, relative to the directory. */
  model: z.string(),
  /** Seconds of this pair's 8-bit evaluation. */
  seconds: number(0),
  /** The multiplier the search's re-choice rule picks for this network (cheapest within
   * the preset's tolerance of exact 8-bit on the held-out validation images). */
  rechosen: z.literal(true).optional(),
});
export type BaselineResult = z.output<typeof BaselineResultSchema>;

export class BaselineDir {
  /** Appends go one after the other, whatever the order their measurements end in. */
  #appending: Promise<void> = Promise.resolve();

  constructor(readonly path: string) {}

  file(name: string): string {
    return join(this.path, name);
  }

  /** The model file of `network`, relative to the directory. */
  modelEntry(network: string): string {
    return join("models", `${network}.apxnet`);
  }

  async hasModel(network: string): Promise<boolean> {
    try {
      return (await Deno.stat(this.file(this.modelEntry(network)))).isFile;
    } catch {
      return false;
    }
  }

  /** The stored settings, or null when the directory holds none. */
  readSettings(): Promise<BaselineSettings | null> {
    return readJsonFile(this.file("settings.json"), BaselineSettingsSchema);
  }

  /**
   * Creates the directory for `settings`, or checks that the one there was made with the
   * same budget and seed (otherwise its models and results would mix two protocols).
   */
  async open(settings: BaselineSettings): Promise<void> {
    const stored = await this.readSettings();
    if (stored) {
      const conflict = settingsConflict(stored, settings);
      if (conflict) {
        throw new Error(
          `'${this.path}' holds baselines made with other settings (${conflict}, see ${
            this.file("settings.json")
          }): rerun with the same settings to continue it, or choose another --out`,
        );
      }
    }
    await Deno.mkdir(join(this.path, "models"), { recursive: true });
    if (!stored) {
      await writeFileAtomic(this.file("settings.json"), JSON.stringify(settings, null, 2) + "\n");
    }
  }

  async writeModel(network: string, bytes: Uint8Array): Promise<void> {
    await writeFileAtomic(this.file(this.modelEntry(network)), bytes);
  }

  /** The measured pairs so far (null when there is no results.jsonl); `repair` drops a
   * line cut short by a kill from the file. */
  readResults(repair = false): Promise<BaselineResult[] | null> {
    return readJsonLines(this.file("results.jsonl"), repair, BaselineResultSchema);
  }

  /** Replaces results.jsonl with `rows` (atomically: a kill leaves the old or the new). */
  async rewriteResults(rows: BaselineResult[]): Promise<void> {
    await this.#appending;
    await writeFileAtomic(
      this.file("results.jsonl"),
      rows.map((r) => JSON.stringify(r) + "\n").join(""),
    );
  }

  appendResult(r: BaselineResult): Promise<void> {
    const next = this.#appending.then(() => appendJsonLine(this.file("results.jsonl"), r));
    this.#appending = next.catch(() => {});
    return next;
  }
}
