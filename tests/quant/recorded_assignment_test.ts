import assert from "node:assert/strict";
import { parseAssignment, recordedAssignmentText } from "../../src/quant/assignment.ts";

Deno.test("a model file's recorded multipliers become the default assignment", () => {
  const text = recordedAssignmentText(
    { multipliers: { conv1: "mul8u_bam_h1v4", dense9: "mul8u_trunc6" }, other: 1 },
    "mul8u_exact",
  );
  assert.equal(text, "conv1=mul8u_bam_h1v4,dense9=mul8u_trunc6");
  assert.deepEqual(parseAssignment(text, "mul8u_exact"), {
    defaultName: "mul8u_exact",
    byNode: { conv1: "mul8u_bam_h1v4", dense9: "mul8u_trunc6" },
  });
  // Nothing recorded (a model from deno task train), or nothing usable: exact everywhere.
  assert.equal(recordedAssignmentText({ recipe: {} }, "mul8u_exact"), "mul8u_exact");
  assert.equal(recordedAssignmentText({ multipliers: {} }, "mul8u_exact"), "mul8u_exact");
  assert.equal(recordedAssignmentText({ multipliers: "x" }, "mul8u_exact"), "mul8u_exact");
});
