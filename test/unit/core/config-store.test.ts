// config.json as a user lives with it: absent on first run, hand-edited into invalid JSON or an
// invalid value, written by a newer pgentra, and updated by the tray and the CLI at the same time.
import { promises as nodeFs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../../electron/core/clusters.js';
import { resolveConfigDir as resolveConfigDirPositional } from '../../../electron/core/config-dir.js';
import {
  CONFIG_VERSION,
  ConfigError,
  ConfigStore,
  defaultConfig,
  resolveConfigDir,
  type Config,
} from '../../../electron/core/config-store.js';
import { nodeFileSystem, systemClock } from '../../../electron/core/node-ports.js';
import { AZURE_CLI_CLIENT_ID } from '../../../electron/shared/settings.js';
import { FakeClock } from '../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../support/fakes/memory-fs.js';

const DIR = '/home/alice/.config/pgentra';
const FILE = `${DIR}/config.json`;
// FakeClock starts at 2026-11-22T12:00:00Z.
const QUARANTINE = `${FILE}.corrupt-2026-11-22T12-00-00-000Z`;

const cluster = (name: string, overrides: Partial<Cluster> = {}): Cluster => ({
  name,
  host: `${name}.postgres.database.azure.com`,
  port: 5432,
  database: 'postgres',
  user: 'alice@contoso.com',
  group: false,
  kind: 'flexible',
  cloud: 'public',
  ...overrides,
});

function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() });
  const store = new ConfigStore({ fs, dir: DIR, clock });
  return { clock, fs, store };
}

async function configError(promise: Promise<unknown>): Promise<ConfigError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(ConfigError);
  return error as ConfigError;
}

/** Runs fake time forward until the promise settles (lock waits use the clock). */
async function drive<T>(clock: FakeClock, promise: Promise<T>): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined);
  for (let t = 0; !settled && t < 60_000; t += 5) await clock.advance(5);
  return tracked;
}

describe('ConfigStore.load', () => {
  it('a missing file gives the defaults and creates nothing', async () => {
    const { fs, store } = setup();
    const config = await store.load();
    expect(config).toEqual(defaultConfig());
    expect(config.version).toBe(CONFIG_VERSION);
    expect(config.clusters).toEqual([]);
    expect(config.settings.clientId).toBe('04b07795-8ddb-461a-bbee-02f9e1bf7b46');
    expect(config.settings.pgpass.enabled).toBe(true);
    expect(fs.exists(DIR)).toBe(false);
  });

  it('fills in defaults for settings a hand-written file leaves out', async () => {
    const { fs, store } = setup();
    fs.put(FILE, JSON.stringify({ version: 1, clusters: [cluster('prod')] }));
    const config = await store.load();
    expect(config.clusters).toEqual([cluster('prod')]);
    expect(config.settings.refreshMarginSec).toBe(900);
  });

  it('accepts a file an editor saved with a UTF-8 BOM', async () => {
    const { fs, store } = setup();
    fs.put(FILE, `\uFEFF${JSON.stringify({ version: 1, clusters: [cluster('prod')] })}`);
    expect((await store.load()).clusters).toHaveLength(1);
  });

  it.each([
    ['truncated JSON', '{"version": 1, "clusters": ['],
    ['an empty file', ''],
    ['a trailing comma', '{"version": 1,}'],
  ])(
    '%s is moved to config.json.corrupt-<time>, byte for byte, and the error names that path',
    async (_, text) => {
      const { fs, store } = setup();
      fs.put(FILE, text);
      const error = await configError(store.load());
      expect(error.quarantinedTo).toBe(QUARANTINE);
      expect(error.message).toContain(QUARANTINE);
      expect(error.message).toContain('is not valid JSON');
      expect(fs.exists(FILE)).toBe(false);
      expect(fs.peek(QUARANTINE)?.toString()).toBe(text);
      // Next start: defaults, not the same error again.
      expect(await store.load()).toEqual(defaultConfig());
    },
  );

  it('invalid UTF-8 bytes that break the JSON are quarantined too', async () => {
    const { fs, store } = setup();
    const bytes = Buffer.from([0x7b, 0xff, 0xfe, 0x7d]);
    fs.put(FILE, bytes);
    const error = await configError(store.load());
    expect(fs.peek(error.quarantinedTo ?? '')).toEqual(bytes);
  });

  it('a cluster with port "abc" is quarantined and the error names the field clusters[0].port', async () => {
    const { fs, store } = setup();
    const text = JSON.stringify({ version: 1, clusters: [{ ...cluster('prod'), port: 'abc' }] });
    fs.put(FILE, text);
    const error = await configError(store.load());
    expect(error.message).toContain('clusters[0].port');
    expect(error.message).toContain(QUARANTINE);
    expect(fs.peek(QUARANTINE)?.toString()).toBe(text);
    expect(fs.exists(FILE)).toBe(false);
  });

  it('names nested setting fields and the index of the bad cluster', async () => {
    const { fs, store } = setup();
    fs.put(
      FILE,
      JSON.stringify({
        version: 1,
        settings: { refreshMarginSec: 5 },
        clusters: [cluster('a'), { ...cluster('b'), kind: 'hyperscale' }],
      }),
    );
    const error = await configError(store.load());
    expect(error.message).toContain('settings.refreshMarginSec');
    expect(error.message).toContain('clusters[1].kind');
  });

  it('two clusters with the same name are reported at the second one', async () => {
    const { fs, store } = setup();
    fs.put(FILE, JSON.stringify({ version: 1, clusters: [cluster('prod'), cluster('prod')] }));
    const error = await configError(store.load());
    expect(error.message).toMatch(/clusters\[1\]\.name: duplicate cluster name "prod"/);
  });

  it('a top-level non-object (null, an array) is quarantined, not a crash', async () => {
    for (const text of ['null', '[]', '42']) {
      const { fs, store } = setup();
      fs.put(FILE, text);
      const error = await configError(store.load());
      expect(error.quarantinedTo).toBe(QUARANTINE);
    }
  });

  it('a file from a newer pgentra is refused, explained, and NOT moved', async () => {
    const { fs, store } = setup();
    const text = JSON.stringify({ version: 2, clusters: [{ name: 'x', futureField: true }] });
    fs.put(FILE, text);
    const error = await configError(store.load());
    expect(error.message).toContain('newer pgentra');
    expect(error.message).toContain('version 2');
    expect(error.quarantinedTo).toBeUndefined();
    expect(fs.peek(FILE)?.toString()).toBe(text);
    expect(fs.list(DIR)).toEqual(['config.json']);
  });

  it('a corrupt file that cannot be moved aside stays put and the error says so', async () => {
    const { fs, store } = setup();
    fs.put(FILE, '{oops');
    fs.fail({ op: 'rename', code: 'EACCES' });
    const error = await configError(store.load());
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('could not be moved aside');
    expect(error.message).toContain('permission denied');
    expect(error.quarantinedTo).toBeUndefined();
    expect(fs.peek(FILE)?.toString()).toBe('{oops');
  });

  it('an unreadable file is reported with its path and the reason, and not moved', async () => {
    const { fs, store } = setup();
    fs.put(FILE, JSON.stringify({ version: 1 }), 0o000);
    const error = await configError(store.load());
    expect(error.message).toBe(`cannot read ${FILE}: permission denied`);
    expect(fs.exists(FILE)).toBe(true);
  });
});

describe('ConfigStore.update', () => {
  it('creates the directory (0700) and the file (0600) and round-trips the config', async () => {
    const { fs, store, clock } = setup();
    const next = await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    expect(next.clusters).toEqual([cluster('prod')]);
    expect(fs.modeOf(DIR)).toBe(0o700);
    expect(fs.modeOf(FILE)).toBe(0o600);
    expect(await store.load()).toEqual(next);
    expect(fs.list(DIR)).toEqual(['config.json']);
  });

  it.each<{
    name: string;
    fault?: Parameters<MemoryFileSystem['fail']>[0];
    change: (c: Config) => Config;
    error: string | RegExp;
  }>([
    {
      name: 'a change that throws writes nothing',
      change: () => {
        throw new Error('user cancelled');
      },
      error: 'user cancelled',
    },
    {
      name: 'a change that makes the config invalid is rejected and writes nothing',
      change: (c) => ({ ...c, clusters: [...c.clusters, cluster('prod')] }),
      error: /duplicate cluster name/,
    },
    {
      name: 'a full disk during the write keeps the previous config intact',
      fault: { op: 'writeNewFile', code: 'ENOSPC', path: /config\.json\..*tmp$/, partialBytes: 5 },
      change: (c) => ({ ...c, clusters: [...c.clusters, cluster('dev')] }),
      error: /disk is full/,
    },
  ])('$name', async ({ fault, change, error }) => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    const before = fs.peek(FILE);
    if (fault) fs.fail(fault);
    await expect(drive(clock, store.update(change))).rejects.toThrow(error);
    expect(fs.peek(FILE)).toEqual(before);
    expect(fs.list(DIR)).toEqual(['config.json']);
  });

  it('concurrent updates from two ConfigStore instances (tray and CLI) lose neither change', async () => {
    const { fs, clock } = setup();
    const tray = new ConfigStore({ fs, dir: DIR, clock });
    const cli = new ConfigStore({ fs, dir: DIR, clock });
    const add =
      (name: string) =>
      (c: Config): Config => ({ ...c, clusters: [...c.clusters, cluster(name)] });
    await drive(clock, Promise.all([tray.update(add('from-tray')), cli.update(add('from-cli'))]));
    const names = (await tray.load()).clusters.map((c) => c.name).sort();
    expect(names).toEqual(['from-cli', 'from-tray']);
  });

  it('eight concurrent updates from different instances all land', async () => {
    const { fs, clock } = setup();
    const names = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    await drive(
      clock,
      Promise.all(
        names.map((name) =>
          new ConfigStore({ fs, dir: DIR, clock }).update((c) => ({
            ...c,
            clusters: [...c.clusters, cluster(name)],
          })),
        ),
      ),
    );
    const store = new ConfigStore({ fs, dir: DIR, clock });
    expect((await store.load()).clusters.map((c) => c.name).sort()).toEqual(names);
  });

  it('update on a corrupt file quarantines it instead of overwriting it', async () => {
    const { fs, store, clock } = setup();
    fs.put(FILE, '{"version": 1, "clusters": [');
    const error = await configError(
      drive(
        clock,
        store.update((c) => c),
      ),
    );
    expect(fs.peek(error.quarantinedTo ?? '')?.toString()).toBe('{"version": 1, "clusters": [');
  });

  it('update on a newer file refuses and leaves it alone', async () => {
    const { fs, store, clock } = setup();
    fs.put(FILE, JSON.stringify({ version: 99 }));
    await configError(
      drive(
        clock,
        store.update((c) => c),
      ),
    );
    expect(fs.peek(FILE)?.toString()).toBe(JSON.stringify({ version: 99 }));
  });
});

describe('resolveConfigDir', () => {
  const homedir = '/home/alice';

  it('PGENTRA_HOME wins on every platform', () => {
    for (const platform of ['linux', 'darwin', 'win32'] as const)
      expect(resolveConfigDir({ env: { PGENTRA_HOME: '/srv/pgentra' }, platform, homedir })).toBe(
        '/srv/pgentra',
      );
  });

  it.each([
    ['darwin', {}, '/home/alice/Library/Application Support/pgentra'],
    ['linux', {}, '/home/alice/.config/pgentra'],
    ['linux', { XDG_CONFIG_HOME: '/xdg' }, '/xdg/pgentra'],
    // The XDG spec says to ignore a relative XDG_CONFIG_HOME.
    ['linux', { XDG_CONFIG_HOME: 'relative/xdg' }, '/home/alice/.config/pgentra'],
    ['freebsd', {}, '/home/alice/.config/pgentra'],
  ] as const)('%s with %o → %s', (platform, env, expected) => {
    expect(resolveConfigDir({ env, platform, homedir })).toBe(expected);
  });

  it('Windows: under %APPDATA%', () => {
    const dir = resolveConfigDir({
      env: { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' },
      platform: 'win32',
      homedir,
    });
    expect(dir.startsWith('C:\\Users\\alice\\AppData\\Roaming')).toBe(true);
    expect(dir.endsWith('pgentra')).toBe(true);
  });

  it('agrees with config-dir.ts (what the CLI fast path uses), so tray and CLI find the same file', () => {
    for (const env of [{}, { XDG_CONFIG_HOME: '/x' }, { PGENTRA_HOME: '/p' }])
      for (const platform of ['linux', 'darwin'] as const)
        expect(resolveConfigDir({ env, platform, homedir })).toBe(
          resolveConfigDirPositional(env, platform, homedir),
        );
  });
});

describe('defaults', () => {
  it('every setting the brief names has its default', () => {
    expect(defaultConfig()).toEqual({
      version: 1,
      settings: {
        clientId: AZURE_CLI_CLIENT_ID,
        tenant: 'organizations',
        cloud: 'public',
        refreshMarginSec: 900,
        pgpass: { enabled: true },
        clipboardClearSec: 30,
        terminal: [],
        startAtLogin: false,
        allowPlaintextCache: false,
        customClouds: [],
      },
      clusters: [],
    });
  });
});

describe('ConfigError says what and where', () => {
  it('an invalid file: reason "invalid", the fields, the file and the quarantine path', async () => {
    const { fs, store } = setup();
    fs.put(
      FILE,
      JSON.stringify({
        version: 1,
        settings: { clipboardClearSec: 1 },
        clusters: [{ ...cluster('p'), port: 'abc' }],
      }),
    );
    const error = await configError(store.load());
    expect(error.reason).toBe('invalid');
    expect(error.file).toBe(FILE);
    expect(error.fields).toEqual(['settings.clipboardClearSec', 'clusters[0].port']);
    expect(error.message).toContain(
      'settings.clipboardClearSec: the clipboard is cleared after at least 5 seconds',
    );
    expect(error.message).toContain('clusters[0].port: the port is a number from 1 to 65535');
    expect(error.quarantinedTo).toBe(QUARANTINE);
  });

  it('not JSON: reason "invalid-json", no fields', async () => {
    const { fs, store } = setup();
    fs.put(FILE, '{');
    const error = await configError(store.load());
    expect(error).toMatchObject({ reason: 'invalid-json', fields: [], quarantinedTo: QUARANTINE });
  });

  it('newer: reason "newer-version", nothing moved', async () => {
    const { fs, store } = setup();
    fs.put(FILE, JSON.stringify({ version: 7 }));
    const error = await configError(store.load());
    expect(error).toMatchObject({ reason: 'newer-version', quarantinedTo: undefined });
    expect(error.message).toContain('left unchanged');
  });

  it('unreadable: code "unreadable"', async () => {
    const { fs, store } = setup();
    fs.put(FILE, '{}', 0o000);
    expect((await configError(store.load())).reason).toBe('unreadable');
  });

  it('a version that is not a number, or missing, is invalid (quarantined), not "newer"', async () => {
    for (const version of ['2', null, 0]) {
      const { fs, store } = setup();
      fs.put(FILE, JSON.stringify({ version }));
      const error = await configError(store.load());
      expect(error.reason).toBe('invalid');
      expect(error.fields).toEqual(['version']);
    }
  });

  it('lists at most three problems in the message but every field in `fields`', async () => {
    const { fs, store } = setup();
    fs.put(
      FILE,
      JSON.stringify({
        version: 1,
        clusters: [1, 2, 3, 4, 5].map((n) => ({ ...cluster(`c${n}`), port: -n })),
      }),
    );
    const error = await configError(store.load());
    expect(error.fields).toHaveLength(5);
    expect(error.message).toContain('and 2 more');
  });
});

describe('fields that depend on each other', () => {
  const lab = {
    name: 'lab',
    authorityHost: 'https://login.lab.example',
    resources: { flexible: 'https://pg.lab.example', single: 'https://pg.lab.example' },
  };

  it.each([
    [
      'a cluster in a cloud nobody defined',
      { clusters: [{ ...cluster('p'), cloud: 'lab' }] },
      'clusters[0].cloud',
      'unknown cloud "lab" (known: public, china, usgov)',
    ],
    [
      'a default cloud nobody defined',
      { settings: { cloud: 'mars' } },
      'settings.cloud',
      'unknown cloud "mars"',
    ],
    [
      'a custom cloud that shadows a built-in one',
      { settings: { customClouds: [{ ...lab, name: 'public' }] } },
      'settings.customClouds[0].name',
      '"public" is a built-in cloud',
    ],
    [
      'two custom clouds with one name',
      { settings: { customClouds: [lab, lab] } },
      'settings.customClouds[1].name',
      'duplicate cloud name "lab"',
    ],
    [
      'a Cosmos cluster in China',
      { clusters: [{ ...cluster('p'), kind: 'cosmos', cloud: 'china' }] },
      'clusters[0].kind',
      'Microsoft documents no Cosmos DB for PostgreSQL resource for the china cloud',
    ],
    [
      'a Cosmos cluster in a custom cloud without a Cosmos resource',
      { settings: { customClouds: [lab] }, clusters: [{ ...cluster('p'), kind: 'cosmos', cloud: 'lab' }] },
      'clusters[0].kind',
      'the custom cloud "lab" has no resources.cosmos',
    ],
    [
      'an http authority',
      { settings: { customClouds: [{ ...lab, authorityHost: 'http://login.lab.example' }] } },
      'settings.customClouds[0].authorityHost',
      'authorityHost must use https',
    ],
  ])('%s is reported at its field', async (_, body, field, words) => {
    const { fs, store } = setup();
    fs.put(FILE, JSON.stringify({ version: 1, ...body }));
    const error = await configError(store.load());
    expect(error.fields).toContain(field);
    expect(error.message).toContain(`${field}: ${words}`);
  });

  it('a cluster in a custom cloud that exists is fine, and the cloud is saved normalised', async () => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({
        ...c,
        settings: { ...c.settings, customClouds: [{ ...lab, authorityHost: 'https://login.lab.example/' }] },
        clusters: [{ ...cluster('p'), cloud: 'lab' }],
      })),
    );
    const saved = JSON.parse(fs.peek(FILE)?.toString() ?? '{}') as Config;
    expect(saved.settings.customClouds[0]?.authorityHost).toBe('https://login.lab.example');
    expect((await store.load()).clusters[0]?.cloud).toBe('lab');
  });
});

describe('quarantine is careful', () => {
  it('a second quarantine in the same millisecond does not replace the first', async () => {
    const { fs, store } = setup();
    fs.put(FILE, 'first');
    await configError(store.load());
    fs.put(FILE, 'second');
    const error = await configError(store.load());
    expect(error.quarantinedTo).toBe(`${QUARANTINE}-2`);
    expect(fs.peek(QUARANTINE)?.toString()).toBe('first');
    expect(fs.peek(`${QUARANTINE}-2`)?.toString()).toBe('second');
  });

  it('a file another process fixed between our read and our lock is loaded, not moved', async () => {
    const { fs, store } = setup();
    fs.put(FILE, '{"version": 1, "clu');
    const good = JSON.stringify({ version: 1, clusters: [cluster('fixed')] });
    fs.gate = (op, file) => {
      // The moment we go for the lock, the other writer has just finished.
      if (op === 'writeNewFile' && file.endsWith('config.json.lock')) {
        fs.gate = undefined;
        fs.put(FILE, good);
      }
    };
    expect((await store.load()).clusters.map((c) => c.name)).toEqual(['fixed']);
    expect(fs.list(DIR)).toEqual(['config.json']);
  });

  it('when the lock cannot be taken the corrupt file stays and the error says why', async () => {
    const { fs, store } = setup();
    fs.put(FILE, '{oops');
    fs.fail({ op: 'writeNewFile', code: 'EROFS', path: /config\.json\.lock$/ });
    const error = await configError(store.load());
    expect(error.reason).toBe('invalid-json');
    expect(error.quarantinedTo).toBeUndefined();
    expect(error.message).toContain('could not be moved aside');
    expect(error.message).toContain('read-only');
    expect(fs.peek(FILE)?.toString()).toBe('{oops');
  });

  it('waits for a lock another process holds before moving the file', async () => {
    const { fs, store, clock } = setup();
    fs.put(FILE, '{oops');
    fs.put(`${FILE}.lock`, JSON.stringify({ pid: 1, host: 'other-host', since: clock.now() }));
    let settled = false;
    const loading = store.load().finally(() => (settled = true));
    loading.catch(() => undefined);
    await clock.advance(200);
    expect(settled).toBe(false);
    expect(fs.peek(FILE)?.toString()).toBe('{oops');
    // The other process finishes.
    await fs.unlink(`${FILE}.lock`);
    const error = await configError(drive(clock, loading));
    expect(fs.peek(error.quarantinedTo ?? '')?.toString()).toBe('{oops');
    expect(fs.exists(FILE)).toBe(false);
  });
});

describe('update: a change that would break the file', () => {
  it('is a ConfigError "invalid-change" naming the field, and nothing is written', async () => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    const before = fs.peek(FILE);
    const error = await configError(
      drive(
        clock,
        store.update((c) => ({ ...c, settings: { ...c.settings, refreshMarginSec: 10 } })),
      ),
    );
    expect(error.reason).toBe('invalid-change');
    expect(error.fields).toEqual(['settings.refreshMarginSec']);
    expect(error.message).toContain('settings.refreshMarginSec: at least 1 minute');
    expect(error.quarantinedTo).toBeUndefined();
    expect(fs.peek(FILE)).toEqual(before);
  });

  it('accepts an async change', async () => {
    const { store, clock } = setup();
    const next = await drive(
      clock,
      store.update(async (c) => ({ ...c, clusters: [cluster('async')] })),
    );
    expect(next.clusters.map((c) => c.name)).toEqual(['async']);
  });
});

describe('on a real file system', () => {
  it('saves 0600, quarantines a corrupt file next to it, and leaves no lock behind', async () => {
    const dir = await nodeFs.mkdtemp(path.join(os.tmpdir(), 'pgentra-config-'));
    try {
      const home = path.join(dir, 'home');
      const store = new ConfigStore({ fs: nodeFileSystem, dir: home, clock: systemClock });
      await store.update((c) => ({ ...c, clusters: [cluster('prod')] }));
      if (process.platform !== 'win32') {
        expect((await nodeFs.stat(store.file)).mode & 0o777).toBe(0o600);
        expect((await nodeFs.stat(home)).mode & 0o777).toBe(0o700);
      }
      expect((await store.load()).clusters.map((c) => c.name)).toEqual(['prod']);

      await nodeFs.writeFile(store.file, '{"version": 1, "clusters": [');
      const error = await configError(store.load());
      expect(error.quarantinedTo).toMatch(/config\.json\.corrupt-\d{4}-\d\d-\d\dT\d\d-\d\d-\d\d-\d{3}Z$/);
      expect(await nodeFs.readFile(error.quarantinedTo ?? '', 'utf8')).toBe('{"version": 1, "clusters": [');
      expect(await store.load()).toEqual(defaultConfig());
      expect((await nodeFs.readdir(home)).sort()).toEqual([path.basename(error.quarantinedTo ?? '')]);
    } finally {
      await nodeFs.rm(dir, { recursive: true, force: true });
    }
  });
});
