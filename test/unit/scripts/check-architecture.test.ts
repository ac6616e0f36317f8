// The architecture check (scripts/check-architecture.mjs) on small trees written for each test: it
// must see a cycle even when one link is an `import type`, and hold long files to their first line.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkArchitecture,
  formatReport,
  importsOf,
  listProductionFiles,
} from '../../../scripts/check-architecture.mjs';

const trees: string[] = [];

/** A throwaway repository holding `files` (path → text). */
async function tree(files: Record<string, string>): Promise<string> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'pgentra-architecture-'));
  trees.push(root);
  for (const [file, text] of Object.entries(files)) {
    await mkdir(path.dirname(path.join(root, file)), { recursive: true });
    await writeFile(path.join(root, file), text);
  }
  return root;
}

const linesOfCode = (count: number, first = 'export const a = 1;') =>
  [first, ...Array.from({ length: count - 1 }, (_, i) => `export const v${i} = ${i};`)].join('\n') + '\n';

afterEach(async () => {
  await Promise.all(trees.splice(0).map((root) => rm(root, { recursive: true, force: true })));
});

describe('import cycles', () => {
  it('finds a cycle closed by a type-only import, and prints it', async () => {
    const root = await tree({
      'electron/shared/contract.ts': "import type { View } from './surface.js';\nexport type Api = View[];\n",
      'electron/shared/surface.ts': "export { schema } from './contract.js';\nexport type View = 'a';\n",
      'electron/main/free.ts': "import type { Api } from '../shared/contract.js';\nexport type A = Api;\n",
    });
    const result = checkArchitecture({ root });
    expect(result.cycles).toEqual([
      {
        files: ['electron/shared/contract.ts', 'electron/shared/surface.ts'],
        hops: [
          { from: 'electron/shared/contract.ts', to: 'electron/shared/surface.ts', typeOnly: true },
          { from: 'electron/shared/surface.ts', to: 'electron/shared/contract.ts', typeOnly: false },
        ],
      },
    ]);
    const report = formatReport(result);
    expect(report.ok).toBe(false);
    expect(report.text).toContain(
      'electron/shared/contract.ts -(type)-> electron/shared/surface.ts -> electron/shared/contract.ts',
    );
  });

  it('finds cycles across electron/ and renderer/src, through every import form', async () => {
    const root = await tree({
      'renderer/src/app.tsx': "export const load = () => import('./view.js');\n",
      'renderer/src/view.ts': "export type T = import('../../electron/shared/api.js').Api;\n",
      'electron/shared/api.ts': "export * from '../../renderer/src/app.js';\nexport type Api = 1;\n",
    });
    const [cycle, ...rest] = checkArchitecture({ root }).cycles;
    expect(rest).toEqual([]);
    expect(cycle?.files).toEqual(['electron/shared/api.ts', 'renderer/src/app.tsx', 'renderer/src/view.ts']);
    expect(cycle?.hops.map((hop) => hop.typeOnly)).toEqual([false, false, true]);
  });

  it('passes a tree without cycles, and ignores tests and packages', async () => {
    const root = await tree({
      'electron/core/a.ts': "import { b } from './b.js';\nimport 'node:fs';\nexport const a = b;\n",
      'electron/core/b.ts': "import { z } from 'zod';\nexport const b = z;\n",
      'electron/core/a.test.ts': "import { a } from './a.js';\nexport const x = a;\n",
      'test/unit/b.ts': "import '../../electron/core/b.js';\n",
    });
    expect(listProductionFiles(root)).toEqual(['electron/core/a.ts', 'electron/core/b.ts']);
    const result = checkArchitecture({ root });
    expect(result.cycles).toEqual([]);
    expect(result.imports).toBe(1);
    expect(formatReport(result).ok).toBe(true);
  });

  it('reads which imports bring in types only', () => {
    const text = [
      "import type { A } from './a.js';",
      "import { type B, type C } from './b.js';",
      "import { type D, e } from './d.js';",
      "import f from './f.js';",
      "export type { G } from './g.js';",
      "export { h } from './h.js';",
      "const i = require('./i.js');",
    ].join('\n');
    expect(importsOf('x.ts', text)).toEqual([
      { specifier: './a.js', typeOnly: true },
      { specifier: './b.js', typeOnly: true },
      { specifier: './d.js', typeOnly: false },
      { specifier: './f.js', typeOnly: false },
      { specifier: './g.js', typeOnly: true },
      { specifier: './h.js', typeOnly: false },
      { specifier: './i.js', typeOnly: false },
    ]);
  });
});

describe('long files', () => {
  it('fails a 401-line file without a first-line comment, and passes 400 lines', async () => {
    const root = await tree({
      'electron/core/long.ts': linesOfCode(401),
      'electron/core/limit.ts': linesOfCode(400),
    });
    const result = checkArchitecture({ root });
    expect(result.oversized).toEqual([{ file: 'electron/core/long.ts', lines: 401 }]);
    const report = formatReport(result);
    expect(report.ok).toBe(false);
    expect(report.text).toContain('electron/core/long.ts: 401 lines');
  });

  it('passes a long file whose first line says why it must be one file', async () => {
    const root = await tree({
      'electron/core/long.ts': linesOfCode(
        401,
        '// One file: the parser and its state machine share every private helper.',
      ),
      'renderer/src/block.tsx': linesOfCode(450, '/* kept as one file because the form is one state */'),
    });
    const result = checkArchitecture({ root });
    expect(result.oversized).toEqual([]);
    expect(formatReport(result).ok).toBe(true);
  });

  it('does not accept the reason anywhere but the first line', async () => {
    const root = await tree({
      'electron/core/long.ts': `export const first = 0;\n// one file\n${linesOfCode(400)}`,
    });
    expect(checkArchitecture({ root }).oversized).toEqual([{ file: 'electron/core/long.ts', lines: 402 }]);
  });
});
