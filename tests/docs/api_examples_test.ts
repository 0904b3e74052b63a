/**
 * docs/api.md's examples run as written. Each example block starts with the file to save it as
 * and the command that runs it (`// classify.ts`, `// deno run ... classify.ts ...`); this test
 * saves each one so and runs its command: Deno examples in the repository's folder (the files
 * they write there are removed afterwards), the Node.js example in a project folder holding the
 * bundle as `npm install ./dist` would (node_modules/approxnas), the example model and
 * `test_batch.bin`, with `--experimental-wasm-relaxed-simd` on Node.js 20 as the document says.
 * `"$(deno task -q fetch-cifar10)"` runs that task.
 *
 * Needs --allow-run=deno (and node, and --unstable-bundle, for the Node.js example); each part
 * is skipped without, with the reason printed.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleLibrary } from "../../src/embed/bundle.ts";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const mayRun = (command: string) =>
  Deno.permissions.querySync({ name: "run", command }).state === "granted";
const deno = mayRun("deno") ? "deno" : Deno.execPath();
const noDeno = mayRun(deno) ? null : "the test runs without --allow-run=deno";
const noNode = !mayRun("node")
  ? "the test runs without --allow-run=node"
  : typeof (Deno as unknown as { bundle?: unknown }).bundle !== "function"
  ? "the test runs without --unstable-bundle"
  : null;
if (noDeno) console.log(`docs/api.md Deno examples skipped: ${noDeno}`);
if (noNode ?? noDeno) console.log(`docs/api.md Node.js example skipped: ${noNode ?? noDeno}`);

interface Example {
  lang: string;
  file: string;
  command: string;
  code: string;
}

function examples(): Example[] {
  const doc = Deno.readTextFileSync(join(ROOT, "docs/api.md"));
  const found = [
    ...doc.matchAll(/```(ts|js)\n\/\/ (\S+)\n\/\/ ((?:deno|node) [^\n]+)\n[\s\S]*?```/g),
  ];
  return found.map((m) => ({
    lang: m[1],
    file: m[2],
    command: m[3],
    code: m[0].replace(/^```\w+\n/, "").replace(/```$/, ""),
  }));
}

const FETCH = '"$(deno task -q fetch-cifar10)"';

async function output(command: string, args: string[], cwd: string) {
  const out = await new Deno.Command(command, { args, cwd, stdout: "piped", stderr: "piped" })
    .output();
  const text = (b: Uint8Array) => new TextDecoder().decode(b);
  return { code: out.code, stdout: text(out.stdout), stderr: text(out.stderr) };
}

/** The command's words, `"$(deno task -q fetch-cifar10)"` replaced by what that task prints. */
async function words(command: string): Promise<string[]> {
  const out = [];
  for (const word of command.replaceAll(FETCH, "\0").split(" ")) {
    if (word !== "\0") {
      out.push(word);
      continue;
    }
    const r = await output(deno, ["task", "-q", "fetch-cifar10"], ROOT);
    assert.equal(r.code, 0, `deno task -q fetch-cifar10: ${r.stderr}`);
    out.push(r.stdout.trim());
  }
  return out;
}

function nodeMajor(): number {
  const v = new TextDecoder().decode(
    new Deno.Command("node", { args: ["--version"] }).outputSync().stdout,
  );
  return Number(/^v(\d+)/.exec(v.trim())?.[1]);
}

Deno.test("docs/api.md has a Deno and a Node.js example that say how they run", () => {
  const all = examples();
  assert.ok(all.filter((e) => e.lang === "ts").length >= 2, "two Deno examples");
  assert.ok(all.some((e) => e.lang === "js"), "a Node.js example");
  for (const e of all) assert.ok(e.command.includes(e.file), `${e.file}: its command runs it`);
});

Deno.test(
  { name: "docs/api.md's Deno examples run as written", ignore: noDeno !== null },
  async () => {
    for (const e of examples().filter((e) => e.lang === "ts")) {
      const before = new Set([...Deno.readDirSync(ROOT)].map((f) => f.name));
      assert.ok(!before.has(e.file), `${e.file} exists in the repository: not overwritten`);
      try {
        Deno.writeTextFileSync(join(ROOT, e.file), e.code);
        const [command, ...args] = await words(e.command);
        assert.equal(command, "deno");
        const r = await output(deno, args, ROOT);
        assert.equal(r.code, 0, `${e.command}:\n${r.stderr}`);
        assert.notEqual(r.stdout.trim(), "", `${e.file} printed nothing`);
        if (e.file === "classify.ts") {
          assert.match(
            r.stdout,
            /^approx8 \d+ \/ 100 correct; \d+ nJ$/m,
          );
        }
      } finally {
        for (const f of Deno.readDirSync(ROOT)) {
          if (!before.has(f.name)) Deno.removeSync(join(ROOT, f.name), { recursive: true });
        }
      }
    }
  },
);

Deno.test({
  name: "docs/api.md's Node.js example runs as written on the bundle",
  ignore: (noNode ?? noDeno) !== null,
  sanitizeResources: false, // the TypeScript compiler behind the declarations keeps files open
}, async () => {
  const dir = await Deno.makeTempDir({ prefix: "approxnas-doc-node-" });
  try {
    await bundleLibrary({ outDir: join(dir, "dist") });
    const project = join(dir, "project");
    await Deno.mkdir(join(project, "node_modules"), { recursive: true });
    await Deno.symlink(join(dir, "dist"), join(project, "node_modules", "approxnas"));
    await Deno.copyFile(
      join(ROOT, "data/examples/resnet8-bam_h1v4.apxnet"),
      join(project, "resnet8-bam_h1v4.apxnet"),
    );
    const [cifar] = await words(FETCH);
    assert.ok(cifar.startsWith("/"), `fetch-cifar10 printed '${cifar}'`);
    await Deno.copyFile(join(cifar, "test_batch.bin"), join(project, "test_batch.bin"));
    for (const e of examples().filter((e) => e.lang === "js")) {
      await Deno.writeTextFile(join(project, e.file), e.code);
      const [command, ...args] = await words(e.command);
      assert.equal(command, "node");
      const flags = nodeMajor() < 22 ? ["--experimental-wasm-relaxed-simd"] : [];
      const r = await output("node", [...flags, ...args], project);
      assert.equal(r.code, 0, `${e.command}:\n${r.stderr}`);
      assert.match(r.stdout, /^\d+ \/ 100 correct, \d+ nJ per image$/m);
      assert.match(r.stdout, /^1000 logits \(100 x 10\)$/m);
    }
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
