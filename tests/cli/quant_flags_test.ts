import assert from "node:assert/strict";
import { calibrationFlag } from "../../src/cli/quant_flags.ts";
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
