import assert from "node:assert/strict";
import {
  calibrationFlag,
  calibrationFlagText,
  DEFAULT_CALIBRATION_FLAG,
} from "../../src/cli/quant_flags.ts";
import { DEFAULT_CALIBRATION } from "../../src/quant/calibrate.ts";
import { UsageError } from "../../src/cli/args.ts";

Deno.test("--calibration-method: minmax, percentile:P in (50, 100], else a usage error naming it", () => {
  assert.deepEqual(calibrationFlag("minmax"), { method: "minmax" });
  assert.deepEqual(calibrationFlag("percentile:99.999"), {
    method: "percentile",
    percentile: 99.999,
  });
  assert.deepEqual(calibrationFlag("percentile:100"), { method: "percentile", percentile: 100 });
  for (const bad of ["percentile:50", "percentile:101", "percentile:", "max", "percentile:9x"]) {
    assert.throws(
      () => calibrationFlag(bad),
      (e: Error) => e instanceof UsageError && e.message.includes(`found '${bad}'`),
      bad,
    );
  }
});

Deno.test("--calibration-method's text of a calibration reads back as it, the default included", () => {
  assert.equal(DEFAULT_CALIBRATION_FLAG, "percentile:99.999");
  assert.deepEqual(calibrationFlag(DEFAULT_CALIBRATION_FLAG), DEFAULT_CALIBRATION);
  assert.equal(calibrationFlagText({ method: "minmax" }), "minmax");
  assert.deepEqual(
    calibrationFlag(calibrationFlagText({ method: "percentile", percentile: 99.9 })),
    {
      method: "percentile",
      percentile: 99.9,
    },
  );
});
