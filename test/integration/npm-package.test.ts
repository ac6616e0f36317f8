// The CLI as an npm package, installed the way the README says: `npm pack` (its prepack builds),
// then `npm install -g` of the tarball into a private prefix, which fetches the runtime
// dependencies from the registry. The installed `pgentra` must start, sign in against the testbed
// (keeping the sign-in in the OS keyring through the keytar it built) and print a token, and the
// install must hold neither Electron nor any development dependency.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clusterAddArgs, cliEnvironment, collect } from '../support/testbed/cli.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');

interface PackageJson {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

// What `npm install -g` needs beyond the defaults: npm 11 runs a dependency's install script only
// when allowed, and keytar's builds the addon that keeps the sign-in in the OS keychain.
const NPM_INSTALL_FLAGS = ['--no-audit', '--no-fund', '--allow-scripts=@azure/msal-node-extensions,keytar'];

// Not part of the checkout a tarball is made from (build output, local state, other tools').
const notCopied = new Set([
  'node_modules',
  'dist',
  '.git',
  'release',
  'out',
  'coverage',
  'test-results',
  'playwright-report',
  '.testbed',
]);

/** Every name in a node_modules folder, scoped packages as `@scope/name`. */
async function installedPackages(dir: string): Promise<string[]> {
  if (!existsSync(dir)) return [];
  const names: string[] = [];
  for (const entry of await fs.readdir(dir)) {
    if (entry.startsWith('.')) continue;
    if (entry.startsWith('@'))
      for (const scoped of await fs.readdir(path.join(dir, entry))) names.push(`${entry}/${scoped}`);
    else names.push(entry);
  }
  return names;
}

describe.skipIf(process.platform === 'win32')('the npm package of the CLI', () => {
  let work: string;
  let tarball: string;
  let files: string[];
  let prefix: string;
  let installed: string;
  let installSeconds: number;
  let pkg: PackageJson;
  const npmEnv = { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' };

  beforeAll(async () => {
    pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as PackageJson;
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-npm-'));
    // Pack a copy of the checkout: prepack's clean build must not pull dist/ away from the other
    // tests running the CLI from this checkout, and it proves a fresh clone packs.
    const source = path.join(work, 'source');
    await fs.cp(root, source, {
      recursive: true,
      filter: (from) => !notCopied.has(path.relative(root, from).split(path.sep)[0] ?? ''),
    });
    await fs.symlink(await fs.realpath(path.join(root, 'node_modules')), path.join(source, 'node_modules'));
    const packed = path.join(work, 'packed');
    await fs.mkdir(packed);
    await exec('npm', ['pack', '--pack-destination', packed], { cwd: source, env: npmEnv });
    const [name] = await fs.readdir(packed);
    tarball = path.join(packed, name ?? 'missing.tgz');
    files = (await exec('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);

    prefix = path.join(work, 'prefix');
    const started = Date.now();
    await exec('npm', ['install', '-g', '--prefix', prefix, ...NPM_INSTALL_FLAGS, tarball], {
      cwd: work,
      env: npmEnv,
    });
    installSeconds = (Date.now() - started) / 1000;
    installed = path.join(prefix, 'lib', 'node_modules', 'pgentra');
    const { size } = await fs.stat(tarball);
    console.log(
      `npm package: ${path.basename(tarball)}, ${(size / 1024).toFixed(0)} KB, ${files.length} files; global install took ${installSeconds.toFixed(1)} s`,
    );
  }, 240_000);

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('packs only the CLI: the launcher, the CLI bundles and the Azure root certificates', async () => {
    expect(path.basename(tarball)).toBe(`pgentra-${pkg.version}.tgz`);
    const allowed =
      /^package\/(package\.json|README\.md|bin\/pgentra\.cjs|assets\/tls\/[\w-]+\.pem|dist\/cli\/(chunks\/)?[\w-]+\.(mjs|cjs))$/;
    expect(files.filter((file) => !allowed.test(file))).toEqual([]);
    expect(files).toEqual(
      expect.arrayContaining([
        'package/bin/pgentra.cjs',
        'package/dist/cli/pgentra.mjs',
        'package/dist/cli/token.cjs',
        'package/dist/cli/direct-token.mjs',
        'package/assets/tls/azure-public.pem',
        'package/assets/tls/azure-usgov.pem',
        'package/assets/tls/azure-china.pem',
      ]),
    );
    // Certificates only: no key of any kind, and a size that is a CLI's, not an app's.
    for (const pem of files.filter((file) => file.endsWith('.pem'))) {
      const text = await fs.readFile(path.join(installed, pem.replace(/^package\//, '')), 'utf8');
      expect(text, pem).toContain('BEGIN CERTIFICATE');
      expect(text, pem).not.toMatch(/PRIVATE KEY/);
    }
    expect((await fs.stat(tarball)).size).toBeLessThan(1024 * 1024);
  });

  it('installs neither Electron nor any development dependency', async () => {
    const names = await installedPackages(path.join(installed, 'node_modules'));
    expect(names).toEqual(expect.arrayContaining(Object.keys(pkg.dependencies)));
    expect(names).not.toContain('electron');
    expect(names.filter((name) => name in pkg.devDependencies)).toEqual([]);
    // The prefix itself holds only pgentra: nothing was hoisted beside it.
    expect(await installedPackages(path.join(prefix, 'lib', 'node_modules'))).toEqual(['pgentra']);
    expect(pkg.devDependencies).toHaveProperty('electron');
    expect(pkg.dependencies).not.toHaveProperty('electron');
  });

  it('puts a working `pgentra` on the PATH of the prefix', async () => {
    const bin = path.join(prefix, 'bin', 'pgentra');
    const version = await collect(bin, ['--version'], process.env);
    expect(version.code, version.stderr).toBe(0);
    expect(version.stdout.trim()).toBe(pkg.version);
    const help = await collect(bin, ['--help'], process.env);
    expect(help.code, help.stderr).toBe(0);
    expect(help.stdout).toMatch(/\blogin\b/);
    expect(help.stdout).toMatch(/\btoken\b/);
  });

  describe('against the testbed', () => {
    let testbed: Testbed;
    let base: string;

    beforeAll(async () => {
      base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-npm-cli-'));
      testbed = await startTestbed({ keyring: true });
    });
    afterAll(async () => {
      await testbed?.stop();
      if (base) await fs.rm(base, { recursive: true, force: true });
    });

    it('signs in (the sign-in kept in the OS keyring) and prints a token', async () => {
      expect(
        existsSync(path.join(installed, 'node_modules', 'keytar', 'build', 'Release', 'keytar.node')),
      ).toBe(true);
      const env = await cliEnvironment(testbed.facts, base);
      const bin = path.join(prefix, 'bin', 'pgentra');
      const login = await collect(bin, ['login', '--device-code'], env);
      expect(login.code, login.stderr).toBe(0);
      expect(login.stderr).toContain('Signed in as alice@contoso.com');
      const added = await collect(bin, clusterAddArgs(testbed.facts, 'flex'), env);
      expect(added.code, added.stderr).toBe(0);
      const token = await collect(bin, ['token', 'flex', '--no-agent'], env);
      expect(token.code, token.stderr).toBe(0);
      expect(token.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    });
  });
});
