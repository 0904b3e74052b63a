/**
 * Every task's --help, run as deno.json runs the task (its own permissions), follows one form:
 * a usage line and an example naming the task, every string flag's value named from
 * src/cli/vocabulary.ts (never a bare VALUE), a flag name shared by several tasks taking the
 * same value everywhere, defaults written one way, `(default: X)`, never this machine's core
 * count, and no line wider than 100 characters.
 *
 * Needs permission to run deno (--allow-run=deno); skipped, with the reason printed, without.
 */
import assert from "node:assert/strict";
import { fileURLToPath } from "node:url";
import { SHARED_FLAGS, VALUE_NAMES } from "../../src/cli/vocabulary.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const mayRun = (command: string) =>
  Deno.permissions.querySync({ name: "run", command }).state === "granted";
// `--allow-run=deno` grants the deno on PATH, which may be a link to Deno.execPath().
const deno = mayRun("deno") ? "deno" : Deno.execPath();
const canRun = mayRun(deno);
if (!canRun) console.log(`help vocabulary test skipped: the test runs without --allow-run=deno`);

const MULTIPLIER_COMMANDS = ["list", "show", "import", "export", "chart"];

interface Help {
  task: string;
  text: string;
}

/** The tasks that run a command-line script (cli/ or bench/), with their `deno run` flags. */
function scriptTasks(): { task: string; args: string[] }[] {
  const config = JSON.parse(Deno.readTextFileSync(`${ROOT}deno.json`));
  const out = [];
  for (const [task, def] of Object.entries(config.tasks)) {
    const command = typeof def === "string" ? def : (def as { command: string }).command;
    const m = /^deno run (.*\b(?:cli|bench)\/\S+\.ts)$/.exec(command);
    if (m) out.push({ task, args: ["run", ...m[1].split(" ")] });
  }
  return out;
}

async function helpOf(task: string, args: string[]): Promise<Help> {
  const out = await new Deno.Command(deno, { args, cwd: ROOT, stdout: "piped", stderr: "piped" })
    .output();
  const text = new TextDecoder().decode(out.stdout);
  assert.equal(
    out.code,
    0,
    `${task} --help exited ${out.code}: ${new TextDecoder().decode(out.stderr)}`,
  );
  return { task, text };
}

async function allHelps(): Promise<Help[]> {
  const tasks = scriptTasks();
  const helps = await Promise.all(tasks.map(({ task, args }) => helpOf(task, [...args, "--help"])));
  const multipliers = tasks.find((t) => t.task === "multipliers")!;
  for (const c of MULTIPLIER_COMMANDS) {
    helps.push(await helpOf(`multipliers ${c}`, [...multipliers.args, c, "--help"]));
  }
  return helps;
}

/** `[flag, value name or "" for a boolean]` of each option row. */
function optionRows(text: string): [string, string][] {
  return [...text.matchAll(/^ {2}--([a-z0-9-]+)(?: ([^\s,]+))?(?:, -\w)?(?=\s)/gm)].map((m) => [
    m[1],
    m[2] ?? "",
  ]);
}

Deno.test({ name: "every task's --help speaks one flag vocabulary", ignore: !canRun }, async () => {
  const helps = await allHelps();
  assert.ok(helps.length >= 14, `found only ${helps.length} helps`);
  const valueOf = new Map<string, { value: string; task: string }>();
  for (const { task, text } of helps) {
    assert.match(text, new RegExp(`^Usage: deno task ${task}\\b`), `${task}: usage line`);
    assert.match(text, new RegExp(`^Example: deno task ${task}\\b`, "m"), `${task}: an example`);
    const rows = optionRows(text);
    assert.ok(rows.some(([f]) => f === "help"), `${task}: no --help row`);
    for (const [flag, value] of rows) {
      const where = `${task} --${flag}`;
      assert.notEqual(value, "VALUE", `${where}: the value is not named`);
      if (value) assert.ok(value in VALUE_NAMES, `${where}: unknown value name '${value}'`);
      const shared = SHARED_FLAGS[flag];
      if (shared) {
        assert.ok(shared.includes(value as never), `${where} takes ${value}, not ${shared}`);
      }
      const seen = valueOf.get(flag);
      if (seen && flag !== "out") {
        assert.equal(
          value,
          seen.value,
          `${where} takes '${value}', ${seen.task}'s '${seen.value}'`,
        );
      }
      valueOf.set(flag, { value, task });
    }
    const options = text.slice(text.indexOf("Options:"));
    const otherForms = options.replaceAll(/\(default:\s/g, "").match(
      /\(default\b|\bdefault:|\bdefaults? (to|is)\b|, default\b/i,
    );
    assert.equal(otherForms, null, `${task}: a default not written as (default: X)`);
    assert.doesNotMatch(options, /--workers N .*\(default: \d/s, `${task}: a machine's core count`);
    for (const line of text.split("\n")) {
      assert.ok(line.length <= 100, `${task}: a line of ${line.length} characters: ${line}`);
    }
  }
});
