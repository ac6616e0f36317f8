// The pgpass file pgentra writes, read by the real libpq: psql -w connects to a probe that asks
// for a cleartext password and records what libpq sends. No password is given any other way (no
// PGPASSWORD, no password in the conninfo), so what the probe sees came from the file.
// Every password here is a fake, distinct per user.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSystem, systemClock } from '../../electron/core/node-ports.js';
import {
  cleanPgpass,
  lookupPassword,
  syncPgpass,
  type PgpassManagedEntry,
} from '../../electron/core/pgpass/index.js';
import {
  startPasswordProbe,
  type CapturedLogin,
  type PasswordProbe,
} from '../support/testbed/password-probe.js';

const HOST = '127.0.0.1';
const DATABASE = 'appdb';

const TRICKY_USERS = [
  'alice@contoso.com',
  'ann smith@contoso.com',
  'ops:team',
  'back\\slash',
  'trail\\',
  '*',
  'star*',
  "o'brien@contoso.com",
  'say "hi"',
  'zoë@contoso.com',
  'データ 分析:\\*\'"',
  'alice@contoso.com@myserver',
  '#hash',
  '  spaced  ',
  'tab\there',
];

let probe: PasswordProbe;
let dir: string;
let runs = 0;

beforeAll(async () => {
  probe = await startPasswordProbe();
  dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'pgentra-libpq-'));
});

afterAll(async () => {
  await probe?.close();
  if (dir) await fsp.rm(dir, { recursive: true, force: true });
});

/** A conninfo value, quoted the way libpq's conninfo parser expects. */
const quote = (value: string) => `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

interface PsqlRun {
  exitCode: number;
  stderr: string;
  /** What the probe recorded for this run's connection (undefined: libpq never got that far). */
  login: CapturedLogin | undefined;
}

/** psql -w against the probe as `user`, reading passwords only from `passfile`. */
function psql(user: string, passfile: string, database = DATABASE): Promise<PsqlRun> {
  runs += 1;
  const app = `pgentra-test-${runs}`;
  const conninfo = [
    `host=${HOST}`,
    `port=${probe.port}`,
    `dbname=${quote(database)}`,
    `user=${quote(user)}`,
    'sslmode=disable',
    'gssencmode=disable',
    'connect_timeout=10',
    `application_name=${app}`,
  ].join(' ');
  return new Promise((resolve) => {
    execFile(
      'psql',
      ['-w', '-X', '-q', '-c', 'select 1', '-d', conninfo],
      // A clean environment: no PGPASSWORD, PGUSER, service files or ~/.pgpass of the machine.
      {
        env: { PATH: process.env.PATH, HOME: dir, PGPASSFILE: passfile, LC_ALL: 'C', LANG: 'C' },
        timeout: 20_000,
      },
      (error, _stdout, stderr) => {
        const logins = probe.loginsFor(app);
        resolve({
          exitCode: typeof error?.code === 'number' ? error.code : error ? -1 : 0,
          stderr,
          login: logins[0],
        });
      },
    );
  });
}

const fakePassword = (i: number) => `fake-${i}-${randomBytes(6).toString('base64url')}`;

async function writeUserFile(file: string, content: string | Buffer, mode = 0o600): Promise<void> {
  await fsp.writeFile(file, content);
  await fsp.chmod(file, mode);
}

const entry = (user: string, password: string): PgpassManagedEntry => ({
  host: HOST,
  port: probe.port,
  database: null,
  user,
  password,
});

describe('libpq reads the pgpass file pgentra writes', () => {
  it('sends exactly the stored password for each tricky user name, past a wildcard and CRLF user lines', async () => {
    const file = path.join(dir, 'tricky.pgpass');
    const foreign =
      '# my own entries\r\n' +
      `${HOST}:${probe.port}:*:alice@contoso.com:stale-foreign-alice\r\n` +
      '\r\n' +
      '   # not a comment to libpq (indented)\r\n' +
      '*:*:*:*:wildcard-foreign\r\n';
    await writeUserFile(file, foreign);
    const entries = TRICKY_USERS.map((user, i) => entry(user, fakePassword(i)));
    // A token-sized password (a real Entra token is 1.5-3 KB), with characters that need escaping.
    entries.push(entry('long@contoso.com', `eyJ${'x'.repeat(4000)}:\\.end`));
    const report = await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries,
      lock: { clock: systemClock },
    });
    expect(report.changed).toBe(true);
    const written = await fsp.readFile(file);
    expect(written.subarray(written.length - foreign.length).toString()).toBe(foreign);

    const results = await Promise.all(entries.map((e) => psql(e.user, file)));
    results.forEach((result, i) => {
      const e = entries[i] as PgpassManagedEntry;
      expect(result.login?.user, `user ${JSON.stringify(e.user)}`).toBe(e.user);
      expect(result.login?.password, `password for ${JSON.stringify(e.user)}`).toBe(e.password);
      expect(result.stderr).toContain(`password retrieved from file "${file}"`);
      // And pgentra's own model of libpq agrees.
      expect(
        lookupPassword(written, { host: HOST, port: probe.port, database: DATABASE, user: e.user }),
      ).toBe(e.password);
    });
  });

  it('our line wins over a foreign line the user wrote earlier for the same user; after clean, theirs is back', async () => {
    const file = path.join(dir, 'shadow.pgpass');
    await writeUserFile(file, `${HOST}:${probe.port}:*:bob@contoso.com:bobs-own-old-password\n`);
    await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries: [entry('bob@contoso.com', 'fake-token-bob')],
      lock: { clock: systemClock },
    });
    expect((await psql('bob@contoso.com', file)).login?.password).toBe('fake-token-bob');
    await cleanPgpass({ fs: nodeFileSystem, path: file, lock: { clock: systemClock } });
    expect((await psql('bob@contoso.com', file)).login?.password).toBe('bobs-own-old-password');
  });

  it('a user not in our block gets the user’s own wildcard line, so foreign lines after the block still work', async () => {
    const file = path.join(dir, 'wild.pgpass');
    await writeUserFile(file, '*:*:*:*:wildcard-foreign\n');
    await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries: [entry('carol@contoso.com', 'fake-token-carol')],
      lock: { clock: systemClock },
    });
    expect((await psql('dave@contoso.com', file)).login?.password).toBe('wildcard-foreign');
    expect((await psql('carol@contoso.com', file)).login?.password).toBe('fake-token-carol');
  });

  it('any database on the server finds the token (\\c otherdb)', async () => {
    const file = path.join(dir, 'anydb.pgpass');
    await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries: [entry('erin@contoso.com', 'fake-token-erin')],
      lock: { clock: systemClock },
    });
    expect((await psql('erin@contoso.com', file, 'postgres')).login?.password).toBe('fake-token-erin');
    expect((await psql('erin@contoso.com', file, 'other db:with*odd\\name')).login?.password).toBe(
      'fake-token-erin',
    );
  });

  it('libpq ignores a 0644 pgpass file (no password sent); pgentra’s sync fixes the mode and it works', async () => {
    const file = path.join(dir, 'wide.pgpass');
    await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries: [entry('frank@contoso.com', 'fake-token-frank')],
      lock: { clock: systemClock },
    });
    await fsp.chmod(file, 0o644);
    const ignored = await psql('frank@contoso.com', file);
    expect(ignored.login).toBeDefined();
    expect(ignored.login?.password).toBeUndefined();
    expect(ignored.stderr).toContain(`password file "${file}" has group or world access`);
    expect(ignored.stderr).toContain('no password supplied');
    expect(ignored.exitCode).not.toBe(0);

    const report = await syncPgpass({
      fs: nodeFileSystem,
      path: file,
      entries: [entry('frank@contoso.com', 'fake-token-frank')],
      lock: { clock: systemClock },
    });
    expect(report).toMatchObject({ changed: false, fixedMode: true });
    expect((await fsp.stat(file)).mode & 0o777).toBe(0o600);
    expect((await psql('frank@contoso.com', file)).login?.password).toBe('fake-token-frank');
  });
});

describe('libpq’s read loop, byte for byte (what pgentra’s model claims about it)', () => {
  it('a NUL byte ends the line for libpq, which then continues with the next physical line', async () => {
    const file = path.join(dir, 'nul.pgpass');
    const bytes = Buffer.concat([
      Buffer.from(`${HOST}:${probe.port}:*:`),
      Buffer.from([0]),
      Buffer.from('ignored-after-nul\nnul-user:joined-password\n'),
    ]);
    await writeUserFile(file, bytes);
    const target = { host: HOST, port: probe.port, database: DATABASE, user: 'nul-user' };
    expect(lookupPassword(bytes, target)).toBe('joined-password');
    expect((await psql('nul-user', file)).login?.password).toBe('joined-password');
  });

  it('a last line without newline that exactly fills libpq’s buffer (255, 511 … bytes) is dropped', async () => {
    for (const total of [254, 255, 256, 511, 512]) {
      const file = path.join(dir, `edge-${total}.pgpass`);
      const prefix = `${HOST}:${probe.port}:*:edge:`;
      const line = prefix + 'p'.repeat(total - prefix.length);
      await writeUserFile(file, line);
      const target = { host: HOST, port: probe.port, database: DATABASE, user: 'edge' };
      const expected = total === 255 || total === 511 ? undefined : line.slice(prefix.length);
      expect(lookupPassword(line, target) ?? undefined, `model, ${total} bytes`).toBe(expected);
      expect((await psql('edge', file)).login?.password, `libpq, ${total} bytes`).toBe(expected);
    }
  });

  it('agrees with pgentra’s model on generated files (differential)', async () => {
    const users = ['u', 'u:x', '*', 'u\\', 'é'];
    const field = (values: string[]) => fc.constantFrom(...values);
    const lineArb = fc.oneof(
      fc
        .tuple(
          field([HOST, '*', '\\*', 'localhost', '127.0.0.1\\', `${HOST}x`]),
          field([String(probe?.port ?? 0), '*', '5432', '']),
          field([DATABASE, '*', 'other', `${DATABASE}\\:`]),
          field(['u', 'u\\:x', '\\*', '*', 'u\\\\', 'é', 'u ']),
          fc.stringMatching(/^[a-z:\\\r]{0,8}$/),
          fc.constantFrom('\n', '\r\n', '\r\r\n', '\0junk\n', ''),
          fc.constantFrom('', '#', ' ', '\uFEFF'),
        )
        .map(([h, p, d, u, pw, eol, lead]) => `${lead}${h}:${p}:${d}:${u}:pw-${pw}${eol}`),
      fc.constantFrom('# comment\n', '\n', '\r\n', 'garbage\n', '*:*:*\n'),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(lineArb, { maxLength: 6 }),
        fc.constantFrom(...users),
        async (lines, user) => {
          const text = lines.join('');
          const file = path.join(dir, 'differential.pgpass');
          await writeUserFile(file, text);
          const modelled = lookupPassword(text, { host: HOST, port: probe.port, database: DATABASE, user });
          const sent = (await psql(user, file)).login?.password;
          // libpq treats an empty password from the file as none at all.
          expect(sent, JSON.stringify({ text, user })).toBe(
            modelled === '' || modelled === null ? undefined : modelled,
          );
        },
      ),
      { numRuns: Number(process.env.PGENTRA_DIFF_RUNS ?? 60) },
    );
  });
});
