/**
 * The flag vocabulary every task's --help follows: what a flag's value is called, and the
 * value each flag name shared by several tasks takes. A flag name means one thing everywhere:
 * `--model` is always a model file, an architecture is `--arch`.
 */

/** What a string flag's value may be called in a help. */
export const VALUE_NAMES = {
  N: "an integer",
  X: "a number",
  FILE: "a file",
  DIR: "a directory",
  RUN: "a run directory",
  NAME: "one name among those the help lists",
  LIST: "comma-separated names",
  KEY: "a sort key",
  TEXT: "free text",
  PORT: "a TCP port",
  HOST: "a host address",
} as const;

/** The value of every flag name that several tasks share (`--out` writes a file or a folder). */
export const SHARED_FLAGS: Record<string, readonly (keyof typeof VALUE_NAMES)[]> = {
  model: ["FILE"],
  arch: ["NAME"],
  data: ["DIR"],
  workers: ["N"],
  seed: ["N"],
  epochs: ["N"],
  batch: ["N"],
  multipliers: ["LIST"],
  run: ["RUN"],
  resume: ["RUN"],
  "init-from": ["RUN"],
  preset: ["NAME"],
  calibration: ["N"],
  "calibration-method": ["NAME"],
  weights: ["NAME"],
  port: ["PORT"],
  out: ["FILE", "DIR"],
  library: ["DIR"],
};
