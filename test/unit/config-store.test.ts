// config.json as a user lives with it: absent on first run, hand-edited into invalid JSON or an
// invalid value, written by a newer pgentra, and updated by the tray and the CLI at the same time.
import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../electron/core/clusters.js';
import {
  CONFIG_VERSION,
  ConfigError,
  ConfigStore,
  defaultConfig,
  type Config,
} from '../../electron/core/config-store.js';
import { FakeClock } from '../support/fake-clock.js';
import { MemoryFileSystem } from '../support/memory-fs.js';

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

  it('a change that throws writes nothing', async () => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    const before = fs.peek(FILE);
    await expect(
      drive(
        clock,
        store.update(() => {
          throw new Error('user cancelled');
        }),
      ),
    ).rejects.toThrow('user cancelled');
    expect(fs.peek(FILE)).toEqual(before);
    expect(fs.list(DIR)).toEqual(['config.json']);
  });

  it('a change that makes the config invalid is rejected and writes nothing', async () => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    const before = fs.peek(FILE);
    await expect(
      drive(
        clock,
        store.update((c) => ({ ...c, clusters: [...c.clusters, cluster('prod')] })),
      ),
    ).rejects.toThrow(/duplicate cluster name/);
    expect(fs.peek(FILE)).toEqual(before);
  });

  it('a full disk during the write keeps the previous config intact', async () => {
    const { fs, store, clock } = setup();
    await drive(
      clock,
      store.update((c) => ({ ...c, clusters: [cluster('prod')] })),
    );
    const before = fs.peek(FILE);
    fs.fail({ op: 'writeNewFile', code: 'ENOSPC', path: /config\.json\..*tmp$/, partialBytes: 5 });
    await expect(
      drive(
        clock,
        store.update((c) => ({ ...c, clusters: [...c.clusters, cluster('dev')] })),
      ),
    ).rejects.toThrow(/disk is full/);
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
