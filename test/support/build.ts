// Builds what a test runs, once, when it is missing or older than the sources. `npm test` builds
// everything first (scripts/test.mjs), so under it these find fresh output and build nothing; they
// matter when one test file runs on its own.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { NODE_VERSION, cachedNodeBinary } from '../../scripts/build-binary.mjs';

const root = path.resolve(import.meta.dirname, '..', '..');
export { NODE_VERSION };
/** The Node the binary embeds, as the build fetched it on Linux x64. */
export const EMBEDDED_NODE = cachedNodeBinary(root);
export const STANDALONE_BINARY = path.join(
  root,
  'dist',
  'bin',
  process.platform === 'win32' ? 'pgentra.exe' : 'pgentra',
);

function newestSource(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(full) : statSync(full).mtimeMs);
  }
  return newest;
}

function isFresh(outputs: string[]): boolean {
  if (!outputs.every((file) => existsSync(file))) return false;
  const sources = Math.max(
    newestSource(path.join(root, 'electron')),
    statSync(path.join(root, 'package.json')).mtimeMs,
  );
  return outputs.every((file) => statSync(file).mtimeMs >= sources);
}

function run(script: string, args: string[]): void {
  const result = spawnSync(process.execPath, [path.join(root, 'scripts', script), ...args], {
    cwd: root,
    encoding: 'utf8',
  });
  if (result.status !== 0)
    throw new Error(`${script} ${args.join(' ')} failed:\n${result.stdout}${result.stderr}`);
}

/** The app's bundles electron-builder packs: main, preload, renderer. */
export function ensureAppBuilt(): void {
  const outputs = ['main/main.cjs', 'preload/preload.cjs', 'renderer/index.html'].map((file) =>
    path.join(root, 'dist', file),
  );
  if (!isFresh(outputs)) run('build.mjs', ['main', 'preload', 'renderer']);
}

/** The standalone binary (scripts/build-binary.mjs). */
export function ensureBinaryBuilt(): void {
  if (!isFresh([STANDALONE_BINARY])) run('build-binary.mjs', []);
}
