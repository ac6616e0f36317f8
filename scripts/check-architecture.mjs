#!/usr/bin/env node
// `npm run check:architecture` (and a step of `npm test`): fails on any import cycle between
// production modules (electron/, renderer/src), type-only imports included, since a cycle of types
// still ties two modules into one unit that cannot be understood or moved apart; and on any
// production file over 400 lines whose first line is not a comment saying why it must be one file.
// Imports are read with TypeScript's own parser, so every form counts: import, import type,
// export … from, import(), import('…').Type and require().
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';

export const PRODUCTION_ROOTS = ['electron', 'renderer/src'];
export const MAX_LINES = 400;
const SOURCE = /\.(ts|tsx|mts|cts)$/;
const NOT_PRODUCTION = /(\.d\.(ts|mts|cts)|\.(test|spec)\.(ts|tsx))$/;
const ONE_FILE_REASON = /^\s*(\/\/|\/\*).*\bone file\b/i;

/** Production source files under `roots`, relative to `root` with forward slashes, sorted. */
export function listProductionFiles(root, roots = PRODUCTION_ROOTS) {
  const files = [];
  const visit = (dir) => {
    let entries;
    try {
      entries = readdirSync(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      const relative = path.posix.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(relative);
      } else if (SOURCE.test(entry.name) && !NOT_PRODUCTION.test(entry.name)) files.push(relative);
    }
  };
  for (const dir of roots) visit(dir);
  return files.sort();
}

/** Every module specifier in a file, and whether it brings in types only. */
export function importsOf(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false);
  const found = [];
  const add = (specifier, typeOnly) => {
    if (specifier && ts.isStringLiteralLike(specifier)) found.push({ specifier: specifier.text, typeOnly });
  };
  const visit = (node) => {
    if (ts.isImportDeclaration(node)) {
      const clause = node.importClause;
      const bindings = clause?.namedBindings;
      const everyNameIsType =
        clause !== undefined &&
        clause.name === undefined &&
        bindings !== undefined &&
        ts.isNamedImports(bindings) &&
        bindings.elements.length > 0 &&
        bindings.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, clause?.isTypeOnly === true || everyNameIsType);
    } else if (ts.isExportDeclaration(node)) {
      const clause = node.exportClause;
      const everyNameIsType =
        clause !== undefined &&
        ts.isNamedExports(clause) &&
        clause.elements.length > 0 &&
        clause.elements.every((element) => element.isTypeOnly);
      add(node.moduleSpecifier, node.isTypeOnly || everyNameIsType);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(node.moduleReference.expression, node.isTypeOnly);
    } else if (ts.isImportTypeNode(node)) {
      const argument = node.argument;
      if (ts.isLiteralTypeNode(argument)) add(argument.literal, true);
    } else if (
      ts.isCallExpression(node) &&
      (node.expression.kind === ts.SyntaxKind.ImportKeyword ||
        (ts.isIdentifier(node.expression) && node.expression.text === 'require'))
    ) {
      add(node.arguments[0], false);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/** The file a relative specifier names (`./x.js` is `./x.ts` under NodeNext), if it is one of `known`. */
function resolve(from, specifier, known) {
  if (!specifier.startsWith('.')) return undefined;
  const base = path.posix.normalize(path.posix.join(path.posix.dirname(from), specifier));
  const stem = base.replace(/\.(m|c)?jsx?$/, '');
  const candidates = [base, `${stem}.ts`, `${stem}.tsx`, `${stem}.mts`, `${stem}.cts`, `${base}/index.ts`];
  return candidates.find((candidate) => known.has(candidate));
}

/**
 * The import graph: file → (imported file → typeOnly). An edge is type-only when every import
 * between the two files is; it counts for cycles either way.
 */
export function importGraph(root, files) {
  const known = new Set(files);
  const graph = new Map();
  for (const file of files) {
    const edges = new Map();
    for (const { specifier, typeOnly } of importsOf(file, readFileSync(path.join(root, file), 'utf8'))) {
      const target = resolve(file, specifier, known);
      if (target !== undefined) edges.set(target, (edges.get(target) ?? true) && typeOnly);
    }
    graph.set(file, edges);
  }
  return graph;
}

/** Strongly connected components (Tarjan), each with more than one file or an import of itself. */
function tangledComponents(graph) {
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const components = [];
  let next = 0;
  const connect = (file) => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const target of graph.get(file)?.keys() ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file), low.get(target)));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file), index.get(target)));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component = [];
    let member;
    do {
      member = stack.pop();
      onStack.delete(member);
      component.push(member);
    } while (member !== file);
    if (component.length > 1 || graph.get(file)?.has(file)) components.push(component.sort());
  };
  for (const file of [...graph.keys()].sort()) if (!index.has(file)) connect(file);
  return components.sort((a, b) => a[0].localeCompare(b[0]));
}

/** The shortest way from `start` back to itself inside one component, as a list of hops. */
function shortestCycle(graph, component, start) {
  const inside = new Set(component);
  const cameFrom = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const file = queue.shift();
    for (const target of [...(graph.get(file)?.keys() ?? [])].sort()) {
      if (!inside.has(target) || cameFrom.has(target)) continue;
      cameFrom.set(target, file);
      if (target === start) {
        const hops = [];
        let to = start;
        do {
          const from = cameFrom.get(to);
          hops.unshift({ from, to, typeOnly: graph.get(from).get(to) });
          to = from;
        } while (to !== start);
        return hops;
      }
      queue.push(target);
    }
  }
  return [];
}

/** One cycle per tangle of modules: its files, and one concrete loop through them. */
export function findCycles(graph) {
  return tangledComponents(graph).map((files) => ({ files, hops: shortestCycle(graph, files, files[0]) }));
}

/** Lines in a text, not counting the empty one after a final newline. */
function lineCount(text) {
  const lines = text.split(/\r?\n/);
  return text.endsWith('\n') ? lines.length - 1 : lines.length;
}

/** Files over `maxLines` whose first line is not a comment saying why they must be one file. */
export function findOversizedFiles(root, files, maxLines = MAX_LINES) {
  const oversized = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    const lines = lineCount(text);
    const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
    if (lines > maxLines && !ONE_FILE_REASON.test(firstLine)) oversized.push({ file, lines });
  }
  return oversized;
}

export function checkArchitecture({ root, roots = PRODUCTION_ROOTS, maxLines = MAX_LINES }) {
  const files = listProductionFiles(root, roots);
  const graph = importGraph(root, files);
  const edges = [...graph.values()].flatMap((targets) => [...targets.values()]);
  return {
    files: files.length,
    imports: edges.length,
    typeOnlyImports: edges.filter(Boolean).length,
    cycles: findCycles(graph),
    oversized: findOversizedFiles(root, files, maxLines),
    maxLines,
  };
}

export function formatReport(result) {
  const lines = [
    `architecture: ${result.files} production modules, ${result.imports} imports between them (${result.typeOnlyImports} type-only)`,
    `import cycles: ${result.cycles.length}`,
  ];
  for (const cycle of result.cycles) {
    const loop = cycle.hops.map((hop) => `${hop.from} ${hop.typeOnly ? '-(type)->' : '->'} `).join('');
    lines.push(`  ${loop}${cycle.hops[0]?.from ?? cycle.files[0]}`);
    if (cycle.files.length > cycle.hops.length)
      lines.push(`    (the tangle has ${cycle.files.length} files: ${cycle.files.join(', ')})`);
  }
  lines.push(
    `files over ${result.maxLines} lines without a first-line comment saying why they must be one file: ${result.oversized.length}`,
  );
  for (const { file, lines: count } of result.oversized) lines.push(`  ${file}: ${count} lines`);
  const ok = result.cycles.length === 0 && result.oversized.length === 0;
  lines.push(
    ok
      ? 'architecture: ok'
      : 'architecture: FAILED (break each cycle; split each long file, or say on its first line why it must be one file)',
  );
  return { ok, text: lines.join('\n') };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const report = formatReport(checkArchitecture({ root: path.resolve(import.meta.dirname, '..') }));
  console.log(report.text);
  process.exit(report.ok ? 0 : 1);
}
