#!/usr/bin/env node
// One build for every bundle. esbuild for the Node-side bundles (main, preload, CLI): it is fast,
// has no config layer of its own, and lets the CLI be split so `pgentra token` loads only the
// agent client, not MSAL. Vite for the renderer (React + dev server + the preview host).
import { build, context } from 'esbuild';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const dist = path.join(root, 'dist');
// --release (used by `npm run dist`) minifies; --watch (used by `npm run dev`) rebuilds on every
// change and keeps running.
const release = process.env.NODE_ENV === 'production' || process.argv.includes('--release');
const watch = process.argv.includes('--watch');
// --clean (used by `npm pack`'s prepack with `cli`) empties dist/ even for a partial build, so the
// npm package holds the CLI alone: no chunk of an older build and no app bundle (npm packs the
// `main` file whenever it exists).
const clean = process.argv.includes('--clean');
const only = process.argv.slice(2).filter((arg) => !arg.startsWith('--'));
const wants = (target) => only.length === 0 || only.includes(target);

// Native and binary-carrying packages stay outside the bundles and are loaded from node_modules
// (electron-builder unpacks their .node files from asar).
const external = [
  'electron',
  'keytar',
  '@azure/msal-node-extensions',
  '@azure/msal-node-runtime',
  'playwright-core',
];

// `pgentra --version` names the release people install, not a placeholder.
const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));

const common = {
  define: { PGENTRA_VERSION: JSON.stringify(version) },
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  minify: release,
  legalComments: 'none',
  logLevel: 'warning',
  external,
};

if (only.length === 0 || clean) rmSync(dist, { recursive: true, force: true });

const targets = [];
const bundle = async (options) => {
  if (!watch) return build(options);
  const ctx = await context(options);
  await ctx.watch();
};

if (wants('cli')) {
  targets.push(
    bundle({
      ...common,
      // direct-token is an entry of its own so token.cjs (below) can import it by a stable name.
      entryPoints: { pgentra: 'electron/cli/main.ts', 'direct-token': 'electron/cli/direct-token.ts' },
      outdir: path.join(dist, 'cli'),
      format: 'esm',
      splitting: true,
      chunkNames: 'chunks/[name]-[hash]',
      outExtension: { '.js': '.mjs' },
      // ESM bundles of CJS dependencies still call require() for Node built-ins.
      banner: {
        js: "import { createRequire as __pgentraRequire } from 'node:module'; const require = __pgentraRequire(import.meta.url);",
      },
    }),
  );
}

if (wants('cli')) {
  // The `pgentra token` fast path: one CJS file, no ESM loader, no chunks (see token-entry.ts).
  const directTokenAsEsmEntry = {
    name: 'direct-token-as-esm-entry',
    setup(on) {
      on.onResolve({ filter: /\/direct-token\.js$/ }, () => ({ path: './direct-token.mjs', external: true }));
    },
  };
  targets.push(
    bundle({
      ...common,
      entryPoints: { token: 'electron/cli/token-entry.ts' },
      outdir: path.join(dist, 'cli'),
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
      plugins: [directTokenAsEsmEntry],
    }),
  );
}

if (wants('main') && existsSync(path.join(root, 'electron/main/main.electron.ts'))) {
  targets.push(
    bundle({
      ...common,
      entryPoints: { main: 'electron/main/main.electron.ts' },
      outdir: path.join(dist, 'main'),
      format: 'cjs',
      outExtension: { '.js': '.cjs' },
    }),
  );
}

if (wants('preload') && existsSync(path.join(root, 'electron/preload/preload.electron.ts'))) {
  // A sandboxed preload can only require a few Electron modules: it must be one self-contained CJS file.
  targets.push(
    bundle({
      ...common,
      entryPoints: { preload: 'electron/preload/preload.electron.ts' },
      outdir: path.join(dist, 'preload'),
      format: 'cjs',
      external: ['electron'],
      outExtension: { '.js': '.cjs' },
    }),
  );
}

await Promise.all(targets);

if (wants('renderer') && existsSync(path.join(root, 'renderer/index.html'))) {
  const { build: viteBuild } = await import('vite');
  await viteBuild({
    configFile: path.join(root, 'renderer/vite.config.ts'),
    logLevel: 'warn',
    ...(watch ? { build: { watch: {} } } : {}),
  });
}
console.log(
  `built ${only.length ? only.join(', ') : 'all'} into ${path.relative(root, dist)}/${watch ? '; watching for changes' : ''}`,
);
