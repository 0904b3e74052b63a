/**
 * The 8-bit flags of evaluate and export: which multipliers run, how the activation ranges are
 * calibrated, how weights are encoded. One definition, so both helps read the same.
 */
import { type FlagSpec, UsageError } from "./args.ts";
import { type Calibration, DEFAULT_CALIBRATION } from "../quant/calibrate.ts";

/** `--multipliers LIST`: the multipliers one network runs with (src/quant/assignment.ts). */
export const MULTIPLIERS_ASSIGNMENT_FLAG = {
  type: "string",
  value: "LIST",
  aliases: ["multiplier"],
  help: "NAME for every conv/dense layer, or node=NAME,... (the other layers exact), or " +
    "NAME,node=NAME2,... (NAME for the layers not named)",
  defaultText: "the multipliers a search recorded in the model file, else exact",
} as const satisfies FlagSpec;

/** `--calibration N`: training images whose activations set the ranges (each task says its
 * default: evaluate a fixed one, export what the file recorded). */
export const CALIBRATION_COUNT_FLAG = {
  type: "string",
  value: "N",
  help: "training images (the first N) that set the activation ranges",
} as const satisfies FlagSpec;

/** `--calibration-method NAME`: minmax or percentile:P. */
export const CALIBRATION_METHOD_FLAG = {
  type: "string",
  value: "NAME",
  help: "minmax, or percentile:P with 50 < P <= 100",
} as const satisfies FlagSpec;

/** `--weights NAME`: weight encodings per output channel or per tensor. */
export const WEIGHTS_FLAG = {
  type: "string",
  value: "NAME",
  default: "channel",
  help: "weight encodings: channel or tensor",
} as const satisfies FlagSpec;

/** The `--calibration-method` value of a calibration (calibrationFlag reads it back). */
export function calibrationFlagText(c: Calibration): string {
  return c.method === "minmax" ? "minmax" : `percentile:${c.percentile}`;
}

/** `--calibration-method`'s default: DEFAULT_CALIBRATION. */
export const DEFAULT_CALIBRATION_FLAG = calibrationFlagText(DEFAULT_CALIBRATION);

/** The `--calibration-method` value: `minmax` or `percentile:P`. */
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
