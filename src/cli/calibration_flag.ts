/** The `--calibration-method` flag of evaluate and export: `minmax` or `percentile:P`. */
import { UsageError } from "./args.ts";
import type { Calibration } from "../quant/calibrate.ts";

export function calibrationFlag(text: string): Calibration {
  if (text === "minmax") return { method: "minmax" };
  const m = /^percentile:(\d+(\.\d+)?)$/.exec(text);
  if (m && Number(m[1]) > 50 && Number(m[1]) <= 100) {
    return { method: "percentile", percentile: Number(m[1]) };
  }
  throw new UsageError(
    `--calibration-method expects minmax or percentile:P with 50 < P <= 100, found '${text}'`,
  );
}
