/**
 * Fails when the project's modules import one another in a circle (type-only imports count:
 * they tie the files' designs together as much as value imports do).
 *
 *   deno run --allow-read scripts/check_cycles.ts [ROOT...]   # default: src cli mod.ts bench scripts
 *
 * Prints each circle (a strongly connected component of the import graph) with its files and
 * one path around it; exits 1 if there is any.
 */
import { dirname, extname, join, normalize } from "node:path";
import { fileURLToPath } from "node:url";

export const DEFAULT_ROOTS = ["src", "cli", "mod.ts", "bench", "scripts"];
const SOURCE_EXTENSIONS = new Set([".ts", ".js", ".mjs"]);

/** One circle: its files (sorted) and one path around it, first file repeated at the end. */
export interface ImportCycle {
  files: string[];
  path: string[];
}

// Import and export statements start at the beginning of a line (deno fmt puts them there), so
// examples inside doc comments (" * import ... from") are not taken for imports. The clause
// between the keyword and `from` is names, braces, commas, `*` and `type`/`as`, possibly over
// several lines.
const STATIC_FROM = /^(?:import|export)[\s\w${},*]*?\bfrom\s*["']([^"'\n]+)["']/gm;
const SIDE_EFFECT = /^import\s*["']([^"'\n]+)["']/gm;
const DYNAMIC = /\bimport\(\s*["']([^"'\n]+)["']\s*\)/g;

/** The module specifiers a source file imports or re-exports, in order of appearance. */
export function importSpecifiers(source: string): string[] {
  const found: [number, string][] = [];
  for (const pattern of [STATIC_FROM, SIDE_EFFECT, DYNAMIC]) {
    for (const match of source.matchAll(pattern)) found.push([match.index, match[1]]);
  }
  return found.sort((a, b) => a[0] - b[0]).map(([, specifier]) => specifier);
}

/** Every source file under the roots (a root may be a file), as paths relative to `base`. */
export async function collectSourceFiles(roots: string[], base = "."): Promise<string[]> {
  const files: string[] = [];
  const visit = async (path: string) => {
    const info = await Deno.stat(join(base, path));
    if (info.isFile) {
      if (SOURCE_EXTENSIONS.has(extname(path))) files.push(normalize(path));
      return;
    }
    for await (const entry of Deno.readDir(join(base, path))) {
      if (entry.name === "node_modules" || entry.name.startsWith(".")) continue;
      await visit(join(path, entry.name));
    }
  };
  for (const root of roots) await visit(root);
  return [...new Set(files)].sort();
}

/**
 * The import graph of the files: for each file, the files among them it imports. Only relative
 * specifiers are followed (npm:, node: and URLs are outside the project).
 */
export function importGraph(sources: Map<string, string>): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const [file, source] of sources) {
    const targets = importSpecifiers(source)
      .filter((specifier) => specifier.startsWith("./") || specifier.startsWith("../"))
      .map((specifier) => normalize(join(dirname(file), specifier)))
      .filter((target) => sources.has(target));
    graph.set(file, [...new Set(targets)]);
  }
  return graph;
}

/** Strongly connected components with more than one file, or a file importing itself. */
export function findCycles(graph: Map<string, string[]>): ImportCycle[] {
  const components = stronglyConnected(graph).filter((component) =>
    component.length > 1 || (graph.get(component[0]) ?? []).includes(component[0])
  );
  return components
    .map((component) => {
      const files = [...component].sort();
      return { files, path: pathAround(graph, files[0], new Set(files)) };
    })
    .sort((a, b) => a.files[0].localeCompare(b.files[0]));
}

/** Tarjan's algorithm, iterative so that a long chain of imports cannot overflow the stack. */
function stronglyConnected(graph: Map<string, string[]>): string[][] {
  const index = new Map<string, number>(), low = new Map<string, number>();
  const stack: string[] = [], onStack = new Set<string>();
  const components: string[][] = [];
  let next = 0;
  for (const start of graph.keys()) {
    if (index.has(start)) continue;
    const work: { node: string; edge: number }[] = [{ node: start, edge: 0 }];
    index.set(start, next), low.set(start, next++), stack.push(start), onStack.add(start);
    while (work.length > 0) {
      const frame = work[work.length - 1];
      const edges = graph.get(frame.node) ?? [];
      if (frame.edge < edges.length) {
        const target = edges[frame.edge++];
        if (!index.has(target)) {
          index.set(target, next), low.set(target, next++), stack.push(target), onStack.add(target);
          work.push({ node: target, edge: 0 });
        } else if (onStack.has(target)) {
          low.set(frame.node, Math.min(low.get(frame.node)!, index.get(target)!));
        }
        continue;
      }
      work.pop();
      if (work.length > 0) {
        const parent = work[work.length - 1].node;
        low.set(parent, Math.min(low.get(parent)!, low.get(frame.node)!));
      }
      if (low.get(frame.node) === index.get(frame.node)) {
        const component: string[] = [];
        let member: string;
        do {
          member = stack.pop()!;
          onStack.delete(member);
          component.push(member);
        } while (member !== frame.node);
        components.push(component);
      }
    }
  }
  return components;
}

/** A shortest import path from `start` back to itself inside one component (breadth first). */
function pathAround(graph: Map<string, string[]>, start: string, within: Set<string>): string[] {
  const previous = new Map<string, string>();
  const queue = [start];
  for (let i = 0; i < queue.length; i++) {
    for (const target of graph.get(queue[i]) ?? []) {
      if (!within.has(target)) continue;
      if (target === start) {
        const path = [start];
        for (let at = queue[i]; at !== start; at = previous.get(at)!) path.push(at);
        return [start, ...path.slice(1).reverse(), start];
      }
      if (!previous.has(target)) previous.set(target, queue[i]), queue.push(target);
    }
  }
  throw new Error(`no import path from '${start}' back to itself inside its component`);
}

/** The circles among the source files under the roots, paths relative to `base`. */
export async function checkCycles(roots: string[], base = "."): Promise<ImportCycle[]> {
  const files = await collectSourceFiles(roots, base);
  const sources = new Map<string, string>();
  for (const file of files) sources.set(file, await Deno.readTextFile(join(base, file)));
  return findCycles(importGraph(sources));
}

/** The report of the circles, one block each. */
export function formatCycles(cycles: ImportCycle[]): string {
  return cycles
    .map((cycle, i) =>
      `import circle ${i + 1} (${cycle.files.length} files):\n` +
      cycle.files.map((file) => `  ${file}\n`).join("") +
      `  path: ${cycle.path.join(" -> ")}\n`
    )
    .join("");
}

if (import.meta.main) {
  // Given roots are relative to the working directory; the default ones to the repository.
  const roots = Deno.args.length > 0 ? Deno.args : DEFAULT_ROOTS;
  const base = Deno.args.length > 0 ? "." : fileURLToPath(new URL("..", import.meta.url));
  const cycles = await checkCycles(roots, base);
  if (cycles.length > 0) {
    console.error(formatCycles(cycles).trimEnd());
    console.error(`${cycles.length} import circle(s) in ${roots.join(", ")}`);
    Deno.exit(1);
  }
  console.log(`no import circles in ${roots.join(", ")}`);
}
