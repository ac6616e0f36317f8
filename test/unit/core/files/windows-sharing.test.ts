// Files another Windows program holds open for a moment (issue 17, items 16 and 19): an antivirus
// scanner, the search indexer or a reader that opened the file without FILE_SHARE_DELETE. Windows
// then refuses MoveFileEx and CreateFile with ERROR_ACCESS_DENIED / ERROR_SHARING_VIOLATION,
// which libuv reports as EPERM / EBUSY (src/win/error.c:158 and :86), for as long as the handle is
// open: usually milliseconds, sometimes seconds. The faults are injected into the in-memory file
// system; the platform is passed in.
import { describe, expect, it } from 'vitest';
import { acquireFileLock } from '../../../../electron/core/files/lock.js';
import { syncPgpass, type PgpassManagedEntry } from '../../../../electron/core/pgpass/index.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const DIR = '/Users/alice/AppData/Roaming/postgresql';
const FILE = `${DIR}/pgpass.conf`;
const LOCK = `${FILE}.pgentra-lock`;
const ALICE: PgpassManagedEntry = {
  host: 'mydb.postgres.database.azure.com',
  port: 5432,
  database: null,
  user: 'alice@contoso.com',
  password: 'token-alice-1',
};

function setup() {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(DIR, 0o700);
  fs.put(FILE, 'localhost:5432:*:postgres:mine\n');
  return { clock, fs };
}

/** Advances fake time until the promise settles. */
async function drive<T>(clock: FakeClock, promise: Promise<T>, limitMs = 60_000): Promise<T> {
  let settled = false;
  const tracked = promise.finally(() => (settled = true));
  tracked.catch(() => undefined);
  for (let t = 0; !settled && t < limitMs; t += 10) await clock.advance(10);
  return tracked;
}

describe('replacing pgpass.conf while another program holds it (item 16)', () => {
  for (const code of ['EPERM', 'EACCES', 'EBUSY']) {
    it(`Windows: retries a rename refused with ${code} until the holder lets go`, async () => {
      const { clock, fs } = setup();
      fs.fail({ op: 'rename', code, path: /pgpass\.conf\.pgentra-/, times: 6 });
      const report = await drive(
        clock,
        syncPgpass({ fs, path: FILE, entries: [ALICE], lock: { clock }, platform: 'win32' }),
      );
      expect(report.changed).toBe(true);
      expect(fs.peek(FILE)?.toString()).toContain('token-alice-1');
      expect(fs.peek(FILE)?.toString()).toContain('localhost:5432:*:postgres:mine');
      expect(fs.list(DIR).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    });
  }

  it('Windows: gives up after a few seconds, the file unchanged and no temp left behind', async () => {
    const { clock, fs } = setup();
    fs.fail({ op: 'rename', code: 'EBUSY', path: /pgpass\.conf\.pgentra-/, times: Infinity });
    await expect(
      drive(clock, syncPgpass({ fs, path: FILE, entries: [ALICE], lock: { clock }, platform: 'win32' })),
    ).rejects.toThrow(
      /the file is in use by another program \(replacing the file\); the previous file is unchanged/,
    );
    expect(fs.peek(FILE)?.toString()).toBe('localhost:5432:*:postgres:mine\n');
    expect(fs.list(DIR).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('Linux: a refused rename is a permission problem waiting does not fix, reported at once', async () => {
    const { clock, fs } = setup();
    fs.fail({ op: 'rename', code: 'EACCES', path: /pgpass\.conf\.pgentra-/ });
    await expect(
      syncPgpass({ fs, path: FILE, entries: [ALICE], lock: { clock }, platform: 'linux' }),
    ).rejects.toThrow(/permission denied \(replacing the file\)/);
  });
});

describe('a lock file still being deleted (item 19)', () => {
  it('Windows: EPERM on creating the lock is waited out like a held lock', async () => {
    const { clock, fs } = setup();
    fs.fail({ op: 'writeNewFile', code: 'EPERM', path: LOCK, times: 8 });
    const release = await drive(clock, acquireFileLock(fs, LOCK, { clock, platform: 'win32' }));
    expect(fs.exists(LOCK)).toBe(true);
    await release();
  });

  it('Windows: an EPERM that never clears ends in the lock timeout, not at once', async () => {
    const { clock, fs } = setup();
    fs.fail({ op: 'writeNewFile', code: 'EPERM', path: LOCK, times: Infinity });
    const started = clock.monotonic();
    await expect(
      drive(clock, acquireFileLock(fs, LOCK, { clock, platform: 'win32', timeoutMs: 2_000 })),
    ).rejects.toThrow(
      /cannot create the lock file .*operation not permitted for 2 s \(a program may be holding a deleted one open/,
    );
    expect(clock.monotonic() - started).toBeGreaterThanOrEqual(2_000);
  });

  it('Linux: EPERM on creating the lock is a real permission problem, reported at once', async () => {
    const { clock, fs } = setup();
    fs.fail({ op: 'writeNewFile', code: 'EPERM', path: LOCK });
    await expect(acquireFileLock(fs, LOCK, { clock, platform: 'linux' })).rejects.toThrow(
      /cannot create the lock file .*operation not permitted/,
    );
  });
});
