// The packaged app as electron-builder lays it out, built here for Linux with `--dir`. No Electron
// binary can be downloaded here, so `electronDist` points at a stand-in folder: a shell script in
// place of the Electron binary, carrying Electron 45's fuse wire so the afterPack hook has real
// bytes to flip. Everything else is the real packaging: the asar, asarUnpack, extraResources, the
// fuses hook. The test proves what a user's install needs at run time is where it will be looked for.
import { execFile } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import { createRequire, builtinModules } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pgentraCommandFor } from '../../electron/main/paths.js';
import { ensureAppBuilt, ensureBinaryBuilt } from '../support/build.js';

const exec = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..', '..');
const requireHere = createRequire(import.meta.url);
const asar = requireHere('@electron/asar') as {
  listPackage(archive: string, options?: { isPack: boolean }): string[];
  statFile(archive: string, file: string): { unpacked?: boolean; files?: unknown };
  extractAll(archive: string, dest: string): void;
};
const { getCurrentFuseWire, FuseV1Options } = requireHere('@electron/fuses') as {
  getCurrentFuseWire(binary: string): Promise<Record<number, number>>;
  FuseV1Options: Record<string, number>;
};
const { wantedFuses } = requireHere(path.join(root, 'build', 'fuses.cjs')) as {
  wantedFuses(platform: string, env: NodeJS.ProcessEnv): Record<string, boolean>;
};

// Electron 45's fuse wire at its defaults: sentinel, wire version 1, nine fuses as ASCII digits.
const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
const ELECTRON_45_DEFAULT_FUSES = '101110011';

interface PackageJson {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
}

/** The packages a bundle loads by name, with require() or import() (not relative paths, built-ins or electron). */
function packagesRequiredBy(source: string): string[] {
  const names = [...source.matchAll(/\b(?:require|import)\(\s*["'`]([^"'`]+)["'`]\s*\)/g)]
    .map((match) => match[1] ?? '')
    .filter((name) => !name.startsWith('.') && !name.startsWith('node:') && name !== 'electron')
    .filter((name) => !builtinModules.includes(name));
  return [...new Set(names)].sort();
}

describe.skipIf(process.platform !== 'linux')('the packaged app (electron-builder --dir, Linux)', () => {
  let work: string;
  let appDir: string;
  let archive: string;
  let listing: string[];
  let pkg: PackageJson;

  beforeAll(async () => {
    ensureAppBuilt();
    ensureBinaryBuilt();
    pkg = JSON.parse(await fs.readFile(path.join(root, 'package.json'), 'utf8')) as PackageJson;
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-packaged-'));
    const standIn = path.join(work, 'electron-dist');
    await fs.mkdir(path.join(standIn, 'resources'), { recursive: true });
    await fs.writeFile(
      path.join(standIn, 'electron'),
      Buffer.concat([
        Buffer.from('#!/bin/sh\n# a stand-in for the Electron binary; its fuse wire follows\n# '),
        Buffer.from(FUSE_SENTINEL),
        Buffer.from([1, ELECTRON_45_DEFAULT_FUSES.length]),
        Buffer.from(`${ELECTRON_45_DEFAULT_FUSES}\necho stand-in\n`),
      ]),
      { mode: 0o755 },
    );
    const electronVersion = pkg.devDependencies.electron ?? '';
    await fs.writeFile(path.join(standIn, 'version'), electronVersion);
    const { stdout } = await exec(
      process.execPath,
      [
        path.join(root, 'node_modules', 'electron-builder', 'cli.js'),
        '--config',
        'build/electron-builder.yml',
        '--linux',
        '--dir',
        `-c.electronDist=${standIn}`,
        `-c.electronVersion=${electronVersion}`,
        `-c.directories.output=${path.join(work, 'release')}`,
      ],
      { cwd: root, env: { ...process.env, ELECTRON_SKIP_BINARY_DOWNLOAD: '1' }, maxBuffer: 16 * 1024 * 1024 },
    );
    expect(stdout).not.toMatch(/cannot find path for dependency/);
    appDir = path.join(work, 'release', 'linux-unpacked');
    archive = path.join(appDir, 'resources', 'app.asar');
    listing = asar.listPackage(archive, { isPack: false }).map((entry) => entry.replace(/\\/g, '/'));
    const { size } = await fs.stat(archive);
    console.log(`packaged app: app.asar ${(size / 1e6).toFixed(1)} MB, ${listing.length} entries`);
  }, 240_000);

  afterAll(async () => {
    if (work) await fs.rm(work, { recursive: true, force: true });
  });

  it('every package the main bundle requires at run time loads from the packaged app', async () => {
    const extracted = path.join(work, 'extracted');
    asar.extractAll(archive, extracted);
    const mainSource = await fs.readFile(path.join(extracted, 'dist', 'main', 'main.cjs'), 'utf8');
    const required = packagesRequiredBy(mainSource);
    expect(required).toContain('@azure/msal-node-extensions');
    // Resolved as the packaged main would resolve them, in a process of its own (native addons).
    const probe = [
      "const { createRequire } = require('node:module');",
      `const load = createRequire(${JSON.stringify(path.join(extracted, 'dist', 'main', 'main.cjs'))});`,
      `for (const name of ${JSON.stringify(required)}) load(name);`,
      // The OS keychain binding msal-node-extensions uses on Linux and macOS.
      "load('keytar');",
      "console.log('loaded');",
    ].join('\n');
    const { stdout } = await exec(process.execPath, ['-e', probe]);
    expect(stdout.trim()).toBe('loaded');
  });

  it('native addons are unpacked next to the asar, keytar among them', () => {
    const addons = listing.filter((entry) => entry.endsWith('.node'));
    expect(addons).toContain('/node_modules/keytar/build/Release/keytar.node');
    for (const addon of addons) {
      expect(asar.statFile(archive, addon.slice(1)).unpacked, addon).toBe(true);
      expect(existsSync(path.join(`${archive}.unpacked`, addon)), addon).toBe(true);
    }
  });

  it('holds the main bundle, a one-file preload, the window and the tray icons, and nothing for development', () => {
    expect(listing).toEqual(
      expect.arrayContaining([
        '/package.json',
        '/dist/main/main.cjs',
        '/dist/renderer/index.html',
        '/assets/trayTemplate.png',
        '/assets/trayTemplate@2x.png',
      ]),
    );
    expect(listing.filter((entry) => entry.startsWith('/dist/preload/'))).toEqual([
      '/dist/preload/preload.cjs',
    ]);
    expect(listing.filter((entry) => /^\/dist\/(cli|bin|sea)\b/.test(entry))).toEqual([]);
    expect(listing.filter((entry) => entry.endsWith('.map') && entry.startsWith('/dist/'))).toEqual([]);
    const packaged = new Set(
      listing
        .map((entry) => /^\/node_modules\/((?:@[^/]+\/)?[^/]+)$/.exec(entry)?.[1])
        .filter((name): name is string => Boolean(name) && !name?.startsWith('@')),
    );
    expect([...packaged].filter((name) => name in pkg.devDependencies)).toEqual([]);
    // The broker runtime's native payload (20 MB per OS) is never used by pgentra.
    expect(listing.filter((entry) => /msal-node-runtime\/dist\/(linux|macos|windows)\//.test(entry))).toEqual(
      [],
    );
  });

  it('ships the standalone pgentra binary in resources/cli, and it runs', async () => {
    const resources = path.join(appDir, 'resources');
    const [command] = pgentraCommandFor({
      isPackaged: true,
      platform: 'linux',
      resourcesPath: resources,
      root: archive,
      nodePath: null,
      execPath: path.join(appDir, 'pgentra'),
    });
    expect(command).toBe(path.join(resources, 'cli', 'pgentra'));
    const { stdout } = await exec(command ?? '', ['--version'], { env: { PATH: '/usr/bin:/bin' } });
    expect(stdout.trim()).toBe(pkg.version);
    // It reaches the OS keychain through the keytar beside it: with no session bus here, libsecret
    // itself answers (a missing module would say "Cannot find module").
    const home = path.join(work, 'home');
    const accounts = await exec(command ?? '', ['accounts'], {
      env: { PATH: '/usr/bin:/bin', HOME: home, PGENTRA_HOME: path.join(home, 'pgentra') },
    }).catch((error: { code: number; stderr: string }) => error);
    expect(accounts.stderr).toContain('Secret Service');
    expect(accounts.stderr).toMatch(/D-Bus/);
    expect(accounts.stderr).not.toMatch(/Cannot find module/);
    for (const file of [
      'cli/assets/tls/azure-public.pem',
      'cli/node_modules/keytar/build/Release/keytar.node',
      'cli/node_modules/@azure/msal-node-extensions/package.json',
    ])
      expect(existsSync(path.join(resources, file)), file).toBe(true);
  });

  it('flips exactly the fuses build/fuses.cjs names', async () => {
    const wire = await getCurrentFuseWire(path.join(appDir, 'pgentra'));
    const wanted = wantedFuses('linux', {});
    for (const [name, value] of Object.entries(wanted)) {
      const option = FuseV1Options[name];
      expect(option, name).toBeDefined();
      expect(String.fromCharCode(wire[option ?? -1] ?? 0), name).toBe(value ? '1' : '0');
    }
    // RunAsNode off is the reason the app ships its own pgentra binary.
    expect(wanted.RunAsNode).toBe(false);
  });
});
