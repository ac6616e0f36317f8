// syncPgpass / cleanPgpass on a file system that fails the way real ones do, and where libpq
// looks for the file on each OS.
import { describe, expect, it } from 'vitest';
import {
  BLOCK_END,
  BLOCK_START,
  cleanPgpass,
  lookupPassword,
  PgpassFileError,
  resolvePgpassPath,
  syncPgpass,
  type PgpassManagedEntry,
  type PgpassReport,
} from '../../../../electron/core/pgpass/index.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const HOME = '/home/alice';
const FILE = `${HOME}/.pgpass`;
const HOST = 'mydb.postgres.database.azure.com';
const USER_LINES = '# my own\r\nlocalhost:5432:*:postgres:local-pw\r\n\r\n*:*:*:*:wildcard';
const entry = (user: string, password: string): PgpassManagedEntry => ({
  host: HOST,
  port: 5432,
  database: null,
  user,
  password,
});
const ALICE = entry('alice@contoso.com', 'token-alice-1');

function setup(content?: string | Buffer, mode = 0o600) {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(HOME, 0o700);
  if (content !== undefined) fs.put(FILE, content, mode);
  const sync = (entries: readonly PgpassManagedEntry[], path = FILE) =>
    syncPgpass({ fs, path, entries, lock: { clock }, platform: 'linux' });
  const clean = (path = FILE) => cleanPgpass({ fs, path, lock: { clock }, platform: 'linux' });
  return { clock, fs, sync, clean };
}

const aliceTarget = { host: HOST, port: 5432, database: 'postgres', user: 'alice@contoso.com' };

async function fileError(promise: Promise<PgpassReport>): Promise<Error> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(Error);
  return error as Error;
}

const writes = (fs: MemoryFileSystem) =>
  fs.calls.filter((c) => (c.op === 'writeNewFile' || c.op === 'rename') && !c.path.endsWith('-lock'));

describe('syncPgpass', () => {
  it('creates a missing file with mode 0600 holding just our block', async () => {
    const { fs, sync } = setup();
    const report = await sync([ALICE]);
    expect(report).toMatchObject({ path: FILE, changed: true, created: true, fixedMode: false, entries: 1 });
    expect(fs.modeOf(FILE)).toBe(0o600);
    expect(fs.peek(FILE)?.toString()).toBe(
      `${BLOCK_START}\n${HOST}:5432:*:alice@contoso.com:token-alice-1\n${BLOCK_END}\n`,
    );
    expect(fs.list(HOME)).toEqual(['.pgpass']);
  });

  it('creates a missing directory (Windows %APPDATA%\\postgresql) with mode 0700', async () => {
    const { fs, sync } = setup();
    await sync([ALICE], `${HOME}/.config/postgresql/pgpass.conf`);
    expect(fs.modeOf(`${HOME}/.config/postgresql`)).toBe(0o700);
    expect(fs.modeOf(`${HOME}/.config/postgresql/pgpass.conf`)).toBe(0o600);
  });

  it('puts our block before the user’s lines and keeps those byte for byte', async () => {
    const { fs, sync } = setup(USER_LINES);
    await sync([ALICE]);
    const after = fs.peek(FILE)?.toString() ?? '';
    expect(after.startsWith(`${BLOCK_START}\r\n`)).toBe(true);
    expect(after.endsWith(USER_LINES)).toBe(true);
    // libpq's view: our token for alice despite the user's wildcard line; others still get theirs.
    expect(lookupPassword(after, aliceTarget)).toBe('token-alice-1');
    expect(lookupPassword(after, { ...aliceTarget, user: 'bob' })).toBe('wildcard');
  });

  it('is idempotent: a second sync with the same entries reports changed=false and writes nothing', async () => {
    const { fs, sync } = setup(USER_LINES);
    await sync([ALICE]);
    const first = fs.peek(FILE);
    const callsBefore = writes(fs).length;
    const report = await sync([ALICE]);
    expect(report.changed).toBe(false);
    expect(report.fixedMode).toBe(false);
    expect(fs.peek(FILE)).toEqual(first);
    expect(writes(fs).length).toBe(callsBefore);
  });

  it('keepExisting: lines the predicate accepts stay after the new ones, unless a new entry replaces them', async () => {
    const { fs, sync } = setup(USER_LINES);
    const bob = entry('bob@contoso.com', 'token-bob-1');
    const carol = entry('carol@contoso.com', 'token-carol-1');
    await sync([ALICE, bob, carol]);
    const keepBobAndAlice = (e: { user: string }) => e.user !== 'carol@contoso.com';
    await syncPgpass({
      fs,
      path: FILE,
      entries: [{ ...ALICE, password: 'token-alice-2' }],
      keepExisting: keepBobAndAlice,
      lock: { clock: new FakeClock() },
      platform: 'linux',
    });
    const text = fs.peek(FILE)?.toString() ?? '';
    expect(text.startsWith(`${BLOCK_START}\r\n${HOST}:5432:*:alice@contoso.com:token-alice-2\r\n`)).toBe(
      true,
    );
    expect(text).toContain(`${HOST}:5432:*:bob@contoso.com:token-bob-1\r\n${BLOCK_END}\r\n${USER_LINES}`);
    expect(text).not.toContain('token-alice-1');
    expect(text).not.toContain('carol');
  });

  it('a new token replaces the old one; the old one is gone from the file', async () => {
    const { fs, sync } = setup(USER_LINES);
    await sync([ALICE]);
    const report = await sync([entry('alice@contoso.com', 'token-alice-2')]);
    expect(report.changed).toBe(true);
    const after = fs.peek(FILE)?.toString() ?? '';
    expect(after).not.toContain('token-alice-1');
    expect(lookupPassword(after, aliceTarget)).toBe('token-alice-2');
  });

  it('fixes a 0644 file to 0600 (libpq ignores it otherwise) and reports fixedMode', async () => {
    const { fs, sync } = setup(USER_LINES, 0o644);
    const report = await sync([ALICE]);
    expect(report.fixedMode).toBe(true);
    expect(report.previousMode).toBe(0o644);
    expect(fs.modeOf(FILE)).toBe(0o600);
  });

  it('fixes the mode even when the content is already up to date', async () => {
    const { fs, sync } = setup(USER_LINES);
    await sync([ALICE]);
    fs.setMode(FILE, 0o640);
    const before = fs.peek(FILE);
    const report = await sync([ALICE]);
    expect(report).toMatchObject({ changed: false, fixedMode: true });
    expect(fs.modeOf(FILE)).toBe(0o600);
    expect(fs.peek(FILE)).toEqual(before);
  });

  it('reports a block it moved back to the top and duplicated blocks it collapsed', async () => {
    const stale = `${BLOCK_START}\nh:1:*:u:old\n${BLOCK_END}\n`;
    const { fs, sync } = setup(`mine:1:2:3:4\n${stale}between\n${stale}`);
    const report = await sync([ALICE]);
    expect(report).toMatchObject({ blocksFound: 2, blockMoved: true });
    expect(fs.peek(FILE)?.toString()).toBe(
      `${BLOCK_START}\n${HOST}:5432:*:alice@contoso.com:token-alice-1\n${BLOCK_END}\nmine:1:2:3:4\nbetween\n`,
    );
  });

  it('an orphan start marker: the file is left byte-identical and the error names the file and line', async () => {
    const before = `mine:1:2:3:4\r\n${BLOCK_START}\r\nh:1:*:u:old\r\n`;
    const { fs, sync } = setup(before);
    const error = await fileError(sync([ALICE]));
    expect(error).toBeInstanceOf(PgpassFileError);
    expect(error.message).toContain(FILE);
    expect(error.message).toContain('line 2');
    expect(fs.peek(FILE)?.toString()).toBe(before);
    expect(writes(fs)).toEqual([]);
  });

  it('removes a temp file a crashed writer left behind, and nothing else', async () => {
    const { fs, sync } = setup(USER_LINES);
    fs.put(`${HOME}/.pgpass.notes`, 'not ours');
    // A writer dies after writing its temp file: the rename never happens, the cleanup neither.
    fs.fail({ op: 'rename', code: 'EIO' }).fail({ op: 'unlink', code: 'EIO', path: /\.tmp$/ });
    await fileError(sync([ALICE]));
    expect(fs.list(HOME)).toHaveLength(3);
    await sync([ALICE]);
    expect(fs.list(HOME)).toEqual(['.pgpass', '.pgpass.notes']);
  });

  it('an editor saving the file while we write: its edit is kept, not overwritten', async () => {
    const { fs, sync } = setup(USER_LINES);
    let edited = false;
    fs.gate = (op, p) => {
      // Right after our first read, the user's editor saves a new line.
      if (op === 'writeNewFile' && p.endsWith('.tmp') && !edited) {
        edited = true;
        fs.put(FILE, `${USER_LINES}\nnew:5432:*:me:added-in-vim\n`);
      }
    };
    const report = await sync([ALICE]);
    expect(report.changed).toBe(true);
    const after = fs.peek(FILE)?.toString() ?? '';
    expect(after).toContain('added-in-vim');
    expect(lookupPassword(after, aliceTarget)).toBe('token-alice-1');
    expect(fs.list(HOME)).toEqual(['.pgpass']);
  });

  it('two concurrent syncs (tray and CLI) leave one valid block and every user line', async () => {
    const { fs, clock } = setup(USER_LINES);
    const a = syncPgpass({ fs, path: FILE, entries: [ALICE], lock: { clock, pid: 1 }, platform: 'linux' });
    const b = syncPgpass({
      fs,
      path: FILE,
      entries: [entry('alice@contoso.com', 'token-alice-2')],
      lock: { clock, pid: 2 },
      platform: 'linux',
    });
    let done = false;
    const both = Promise.all([a, b]).finally(() => (done = true));
    for (let i = 0; i < 1000 && !done; i += 1) await clock.advance(10);
    await both;
    const after = fs.peek(FILE)?.toString() ?? '';
    expect(after.match(/pgentra managed block/g)).toHaveLength(2);
    expect(after.endsWith(USER_LINES)).toBe(true);
    expect(['token-alice-1', 'token-alice-2']).toContain(lookupPassword(after, aliceTarget));
  });

  describe('a file that cannot be written stays byte-identical and the error names it', () => {
    it.each([
      [
        'ENOSPC while writing',
        { op: 'writeNewFile', code: 'ENOSPC', partialBytes: 7, path: /\.tmp$/ },
        'disk is full',
      ],
      ['EACCES on rename', { op: 'rename', code: 'EACCES' }, 'permission denied'],
      ['EROFS', { op: 'writeNewFile', code: 'EROFS', path: /\.tmp$/ }, 'read-only'],
    ] as const)('%s', async (_, fault, reason) => {
      const { fs, sync } = setup(USER_LINES, 0o644);
      fs.fail(fault);
      const error = await fileError(sync([ALICE]));
      expect(error.message).toContain(FILE);
      expect(error.message).toContain(reason);
      expect(fs.peek(FILE)?.toString()).toBe(USER_LINES);
      expect(fs.modeOf(FILE)).toBe(0o644);
      expect(fs.list(HOME)).toEqual(['.pgpass']);
    });

    it('an unwritable directory (0500, a normal user)', async () => {
      const { fs, sync } = setup(USER_LINES);
      fs.setMode(HOME, 0o500);
      const error = await fileError(sync([ALICE]));
      expect(error.message).toContain(FILE);
      expect(error.message).toContain('permission denied');
      expect(fs.peek(FILE)?.toString()).toBe(USER_LINES);
      expect(fs.list(HOME)).toEqual(['.pgpass']);
    });

    it('an unreadable file is not replaced with one that lost the user’s lines', async () => {
      const { fs, sync } = setup(USER_LINES, 0o200);
      const error = await fileError(sync([ALICE]));
      expect(error.message).toContain(FILE);
      expect(fs.setMode(FILE, 0o600).peek(FILE)?.toString()).toBe(USER_LINES);
    });
  });

  it('refuses a symlink at the pgpass path, naming it, and leaves link and target alone', async () => {
    const { fs, sync } = setup();
    fs.put(`${HOME}/real-pgpass`, USER_LINES);
    fs.symlink(`${HOME}/real-pgpass`, FILE);
    const error = await fileError(sync([ALICE]));
    expect(error.message).toContain(`${FILE} is a symbolic link`);
    expect(fs.peek(`${HOME}/real-pgpass`)?.toString()).toBe(USER_LINES);
    expect((await fs.lstat(FILE))?.isSymbolicLink).toBe(true);
  });

  it('refuses a directory at the pgpass path, naming it', async () => {
    const { fs, sync } = setup();
    fs.mkdirp(FILE);
    const error = await fileError(sync([ALICE]));
    expect(error.message).toContain(`${FILE} is not a regular file`);
  });
});

describe('cleanPgpass', () => {
  it('removes our block and nothing else', async () => {
    const { fs, sync, clean } = setup(USER_LINES);
    await sync([ALICE, entry('bob@contoso.com', 'token-bob')]);
    const report = await clean();
    expect(report.changed).toBe(true);
    expect(fs.peek(FILE)?.toString()).toBe(USER_LINES);
    expect(fs.modeOf(FILE)).toBe(0o600);
  });

  it('a file without our block is not touched, even with wide permissions', async () => {
    const { fs, clean } = setup(USER_LINES, 0o644);
    const report = await clean();
    expect(report).toMatchObject({ changed: false, fixedMode: false, blocksFound: 0 });
    expect(fs.modeOf(FILE)).toBe(0o644);
    expect(writes(fs)).toEqual([]);
  });

  it('no file: nothing to do, nothing created', async () => {
    const { fs, clean } = setup();
    expect((await clean()).changed).toBe(false);
    expect(fs.exists(FILE)).toBe(false);
  });

  it('a directory that does not exist: nothing to clean, nothing created, no error', async () => {
    const { fs, clean } = setup();
    const report = await clean(`${HOME}/AppData/Roaming/postgresql/pgpass.conf`);
    expect(report.changed).toBe(false);
    expect(fs.exists(`${HOME}/AppData`)).toBe(false);
  });

  it('a file that held only our block ends up empty, not deleted', async () => {
    const { fs, sync, clean } = setup();
    await sync([ALICE]);
    await clean();
    expect(fs.peek(FILE)?.length).toBe(0);
  });

  it('removes a block an editor saved with a BOM in front, so no token is left behind', async () => {
    const { fs, clean } = setup(`\uFEFF${BLOCK_START}\nh:1:*:u:old-token\n${BLOCK_END}\nmine\n`);
    await clean();
    expect(fs.peek(FILE)?.toString()).toBe('mine\n');
  });
});

describe('resolvePgpassPath', () => {
  it('Linux and macOS default to ~/.pgpass', () => {
    for (const platform of ['linux', 'darwin'] as const)
      expect(resolvePgpassPath({ env: {}, homedir: '/home/alice', platform })).toBe('/home/alice/.pgpass');
  });

  it('Windows defaults to %APPDATA%\\postgresql\\pgpass.conf', () => {
    expect(
      resolvePgpassPath({
        env: { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' },
        homedir: 'C:\\Users\\alice',
        platform: 'win32',
      }),
    ).toBe('C:\\Users\\alice\\AppData\\Roaming\\postgresql\\pgpass.conf');
  });

  it('Windows without APPDATA falls back to the roaming folder under the profile', () => {
    expect(resolvePgpassPath({ env: {}, homedir: 'C:\\Users\\alice', platform: 'win32' })).toBe(
      'C:\\Users\\alice\\AppData\\Roaming\\postgresql\\pgpass.conf',
    );
  });

  it('PGPASSFILE beats the default, on every OS', () => {
    expect(
      resolvePgpassPath({ env: { PGPASSFILE: '/srv/pg/pass' }, homedir: '/home/alice', platform: 'linux' }),
    ).toBe('/srv/pg/pass');
    expect(
      resolvePgpassPath({
        env: { PGPASSFILE: '/Users/alice/pg.pass' },
        homedir: '/Users/alice',
        platform: 'darwin',
      }),
    ).toBe('/Users/alice/pg.pass');
    expect(
      resolvePgpassPath({
        env: { PGPASSFILE: 'D:\\secrets\\pgpass.conf', APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' },
        homedir: 'C:\\Users\\alice',
        platform: 'win32',
      }),
    ).toBe('D:\\secrets\\pgpass.conf');
  });

  it('the setting beats PGPASSFILE, and "~" in it means the home directory', () => {
    const env = { PGPASSFILE: '/srv/pg/pass' };
    expect(
      resolvePgpassPath({ setting: '/etc/pg/mine', env, homedir: '/home/alice', platform: 'linux' }),
    ).toBe('/etc/pg/mine');
    expect(
      resolvePgpassPath({ setting: '~/.pgpass-work', env, homedir: '/home/alice', platform: 'linux' }),
    ).toBe('/home/alice/.pgpass-work');
    expect(
      resolvePgpassPath({
        setting: '~\\pgpass.conf',
        env: { PGPASSFILE: 'D:\\x' },
        homedir: 'C:\\Users\\alice',
        platform: 'win32',
      }),
    ).toBe('C:\\Users\\alice\\pgpass.conf');
  });

  it('"~user" is not the home directory; a relative path is taken from the home directory', () => {
    expect(resolvePgpassPath({ setting: '~bob/x', env: {}, homedir: '/home/alice', platform: 'linux' })).toBe(
      '/home/alice/~bob/x',
    );
    expect(
      resolvePgpassPath({ setting: 'pg/pass', env: {}, homedir: '/home/alice', platform: 'linux' }),
    ).toBe('/home/alice/pg/pass');
  });

  it('an empty PGPASSFILE or setting counts as unset, as in libpq', () => {
    expect(
      resolvePgpassPath({ setting: '', env: { PGPASSFILE: '' }, homedir: '/home/alice', platform: 'linux' }),
    ).toBe('/home/alice/.pgpass');
  });
});
