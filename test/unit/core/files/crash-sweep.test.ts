// Kill the writer at every step of a write (security.md, robustness test 13): for the pgpass file,
// the service file and config.json, the traced write is replayed once per crash point — before
// each file-system call, and inside each file creation after a number of bytes — and the next
// process must find the file exactly as it was or exactly as intended (never torn, the user's
// lines unchanged), then finish the write and leave no temporary file behind.
// `npm test` sweeps a fixed sample (~1,000 points in all); `npm run sweep` sweeps every byte.
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigStore, type Config } from '../../../../electron/core/config-store.js';
import { isTempFileFor } from '../../../../electron/core/files/atomic-write.js';
import type { LockOptions } from '../../../../electron/core/files/lock.js';
import { syncServiceFile } from '../../../../electron/core/pg-service/sync.js';
import { BLOCK_END, BLOCK_START, syncPgpass } from '../../../../electron/core/pgpass/index.js';
import type { FileSystem } from '../../../../electron/core/ports.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { crashPoints, CrashingFileSystem, type CrashPoint } from '../../../support/fakes/crashing-fs.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';
import { savedCluster } from '../../../support/fakes/saved-cluster.js';

const FULL = process.env.PGENTRA_SWEEP === 'full';
/** Crash points per file in `npm test`; the full sweep takes every byte of every write. */
const SAMPLE_PER_FILE = 340;
const HOME = '/home/alice';
const token = (n: number) => `eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.${String(n).repeat(2400)}.sig`;

interface Scenario {
  file: string;
  /** The disk before the write: the user's own lines around an older pgentra state. */
  before: (disk: MemoryFileSystem) => void;
  write: (fs: FileSystem, clock: FakeClock, lock: Partial<LockOptions>) => Promise<unknown>;
}

const SCENARIOS: Record<string, Scenario> = {
  pgpass: {
    file: `${HOME}/.pgpass`,
    before: (disk) =>
      disk.put(
        `${HOME}/.pgpass`,
        `${BLOCK_START}\nprod.example:5432:*:alice@contoso.com:${token(1)}\n${BLOCK_END}\n# mine\r\n*:*:*:me:pw\xff`,
      ),
    write: (fs, clock, lock) =>
      syncPgpass({
        fs,
        path: `${HOME}/.pgpass`,
        platform: 'linux',
        lock: { clock, ...lock },
        entries: [
          { host: 'prod.example', port: 5432, database: null, user: 'alice@contoso.com', password: token(2) },
          { host: 'dev.example', port: 6432, database: null, user: 'bob@contoso.com', password: token(3) },
        ],
      }),
  },
  'pg_service.conf': {
    file: `${HOME}/.pg_service.conf`,
    before: (disk) =>
      disk.put(
        `${HOME}/.pg_service.conf`,
        `# my services\n[local]\nhost=/tmp\n\n${BLOCK_START}\n[prod]\nhost=old.example\n${BLOCK_END}\n[zoë]\r\nport=1`,
        0o644,
      ),
    write: (fs, clock, lock) =>
      syncServiceFile({
        fs,
        path: `${HOME}/.pg_service.conf`,
        platform: 'linux',
        lock: { clock, ...lock },
        services: ['prod', 'dev', 'analytics'].map((name) => ({
          name,
          settings: {
            host: `${name}.postgres.database.azure.com`,
            port: '5432',
            dbname: 'appdb',
            user: 'alice@contoso.com',
            sslmode: 'verify-full',
            sslrootcert: `${HOME}/.postgresql/root.crt`,
            passfile: `${HOME}/.pgpass`,
          },
        })),
      }),
  },
  'config.json': {
    file: `${HOME}/.config/pgentra/config.json`,
    before: (disk) =>
      disk.put(
        `${HOME}/.config/pgentra/config.json`,
        JSON.stringify({ version: 1, clusters: [savedCluster('prod')] }, null, 2) + '\n',
      ),
    write: (fs, clock, lock) =>
      new ConfigStore({ fs, dir: `${HOME}/.config/pgentra`, clock, lock }).update((config): Config => ({
        ...config,
        clusters: [savedCluster('prod'), savedCluster('dev')],
      })),
  },
};

/** Evenly spread byte counts in [0, size), always including the first and last. */
function spread(size: number, count: number): number[] {
  if (FULL || count >= size) return Array.from({ length: size }, (_, i) => i);
  if (count <= 1) return [0];
  return [...new Set(Array.from({ length: count }, (_, i) => Math.round((i * (size - 1)) / (count - 1))))];
}

function fresh(scenario: Scenario) {
  const clock = new FakeClock();
  const disk = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(HOME, 0o700);
  scenario.before(disk);
  return { clock, disk };
}

/** Lets every microtask of a dead writer run out; what is still pending waits on a timer forever. */
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

async function sweep(scenario: Scenario) {
  const traced = fresh(scenario);
  const old = traced.disk.peek(scenario.file) as Buffer;
  const tracer = new CrashingFileSystem(traced.disk);
  await scenario.write(tracer, traced.clock, {});
  const intended = traced.disk.peek(scenario.file) as Buffer;
  expect(intended.equals(old)).toBe(false);

  // The sample budget goes to the small writes (lock files) in full first, the rest to the big one.
  const share = new Map<number, number>();
  const writes = tracer.trace
    .map((call, index) => ({ index, size: call.size ?? 0 }))
    .filter(({ index }) => tracer.trace[index]?.op === 'writeNewFile')
    .sort((a, b) => a.size - b.size);
  let budget = SAMPLE_PER_FILE - tracer.trace.length;
  writes.forEach(({ index, size }, i) => {
    const count = Math.min(size, Math.floor(budget / (writes.length - i)));
    share.set(index, count);
    budget -= count;
  });
  const points = crashPoints(tracer.trace, (size, call) => spread(size, share.get(call) ?? 1));
  const outcomes = { old: 0, new: 0 };
  const dir = path.posix.dirname(scenario.file);
  for (const point of points) {
    const { clock, disk } = fresh(scenario);
    void scenario.write(new CrashingFileSystem(disk, point), clock, {}).catch(() => undefined);
    await settle();
    const found = disk.peek(scenario.file);
    const where = `crash at call ${point.call} (${tracer.trace[point.call]?.op} ${tracer.trace[point.call]?.path})${
      point.partialBytes === undefined ? '' : ` after ${point.partialBytes} bytes`
    }`;
    const isOld = found?.equals(old) ?? false;
    const isNew = found?.equals(intended) ?? false;
    expect(isOld || isNew, `${where}: the file is neither the old nor the new content`).toBe(true);
    outcomes[isNew ? 'new' : 'old'] += 1;
    if (isNew) expect(disk.modeOf(scenario.file), where).toBe(0o600);

    // The next process: the dead one's lock is old and its pid gone; it finishes the write.
    clock.jumpWall(120_000);
    await recover(scenario, disk, clock, point);
    expect(disk.peek(scenario.file)?.equals(intended), `${where}: the next write did not finish`).toBe(true);
    const leftovers = disk
      .list(dir)
      .filter((name) => isTempFileFor(scenario.file, name) || /lock|\.break$/.test(name));
    expect(leftovers, `${where}: left behind after the next write`).toEqual([]);
  }
  const everyByte = tracer.trace.reduce((sum, call) => sum + 1 + (call.size ?? 0), 0);
  return { points: points.length, everyByte, calls: tracer.trace.length, ...outcomes };
}

async function recover(scenario: Scenario, disk: MemoryFileSystem, clock: FakeClock, point: CrashPoint) {
  const run = scenario.write(disk, clock, { isProcessAlive: () => false });
  for (let i = 0; i < 5; i += 1) {
    await settle();
    await clock.advance(1_000);
  }
  await run.catch((error: unknown) => {
    throw new Error(`recovery after crash at call ${point.call} failed: ${String(error)}`);
  });
}

describe(`crash sweep (${FULL ? 'full: every byte' : `~${SAMPLE_PER_FILE} points per file`})`, () => {
  for (const [name, scenario] of Object.entries(SCENARIOS)) {
    it(`${name}: after a crash at any point the file is the old or the new one, and the next write completes`, async () => {
      const started = performance.now();
      const result = await sweep(scenario);
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(
        `crash sweep ${name}: ${result.points} points over ${result.calls} calls (${result.old} old, ${result.new} new) in ${seconds} s`,
      );
      expect(result.points).toBe(FULL ? result.everyByte : SAMPLE_PER_FILE);
      expect(result.old).toBeGreaterThan(0);
      expect(result.new).toBeGreaterThan(0);
    }, 600_000);
  }
});
