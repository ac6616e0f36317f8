// The service-file block on a file system that behaves like Linux: a user's own groups, comments
// and odd bytes stay byte for byte, a name the user already uses is reported rather than
// shadowed, and what libpq would read back (lookupService, checked against real psql in
// test/integration/pg-service-libpq.test.ts) is exactly the cluster's settings.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  lookupService,
  sectionLines,
  ServiceEntryError,
  type ServiceDefinition,
} from '../../../../electron/core/pg-service/format.js';
import {
  cleanServiceFile,
  resolveServiceFilePath,
  SERVICE_BLOCK_START,
  syncServiceFile,
} from '../../../../electron/core/pg-service/sync.js';
import { BLOCK_END } from '../../../../electron/core/pgpass/index.js';
import { FakeClock } from '../../../support/fakes/fake-clock.js';
import { MemoryFileSystem } from '../../../support/fakes/memory-fs.js';

const HOME = '/home/alice';
const FILE = `${HOME}/.pg_service.conf`;
const prod: ServiceDefinition = {
  name: 'prod',
  settings: {
    host: 'prod.postgres.database.azure.com',
    port: '5432',
    dbname: 'app db',
    user: 'DB Admins',
    sslmode: 'verify-full',
    sslrootcert: '/home/alice/.postgresql/azure roots.pem',
    passfile: '/home/alice/.pgpass',
  },
};
const dev: ServiceDefinition = {
  name: 'dev',
  settings: { host: 'dev.example', port: '6432', user: 'a@b.c' },
};

function setup(content?: string | Buffer, mode = 0o644) {
  const clock = new FakeClock();
  const fs = new MemoryFileSystem({ now: () => clock.now() }).mkdirp(HOME, 0o700);
  if (content !== undefined) fs.put(FILE, content, mode);
  const sync = (services: ServiceDefinition[]) =>
    syncServiceFile({ fs, path: FILE, services, lock: { clock }, platform: 'linux' });
  const clean = () => cleanServiceFile({ fs, path: FILE, lock: { clock }, platform: 'linux' });
  return { fs, sync, clean };
}

describe('syncServiceFile', () => {
  it('writes one group per cluster, 0600, that libpq reads back as the cluster settings', async () => {
    const { fs, sync } = setup();
    const report = await sync([prod, dev]);
    expect(report).toMatchObject({ changed: true, created: true, entries: 2, problems: [] });
    const bytes = fs.peek(FILE) as Buffer;
    expect(fs.modeOf(FILE)).toBe(0o600);
    expect(bytes.toString().startsWith(`${SERVICE_BLOCK_START}\n[prod]\nhost=`)).toBe(true);
    expect(bytes.toString()).toContain('pgentra service clean');
    expect(lookupService(bytes, 'prod')).toEqual(prod.settings);
    expect(lookupService(bytes, 'dev')).toEqual(dev.settings);
    expect((await sync([prod, dev])).changed).toBe(false);
  });

  it("keeps the user's groups and comments byte for byte, and clean gives back the exact file", async () => {
    const mine = '# mine\r\n[local]\r\nhost=/tmp\r\n  \r\n[zoë]\xff\r\nport=1';
    const { fs, sync, clean } = setup(Buffer.from(mine, 'latin1'));
    await sync([prod]);
    const after = fs.peek(FILE) as Buffer;
    expect(after.subarray(after.length - mine.length).toString('latin1')).toBe(mine);
    expect(after.toString('latin1')).toContain(`${BLOCK_END}\r\n`);
    expect(lookupService(after, 'local')).toEqual({ host: '/tmp' });
    await clean();
    expect((fs.peek(FILE) as Buffer).toString('latin1')).toBe(mine);
  });

  it("a cluster named like the user's own service is left out and reported; theirs still wins", async () => {
    const mine = '[other]\nhost=x\n  [prod]  trailing\nhost=my-own-prod\n';
    const { fs, sync } = setup(mine);
    const report = await sync([prod, dev]);
    expect(report.entries).toBe(1);
    expect(report.problems.map((p) => [p.service, p.error.code])).toEqual([['prod', 'service-name-taken']]);
    expect(report.problems[0]?.error.message).toContain(
      `${FILE} already has your own service "prod" (line 3)`,
    );
    const bytes = fs.peek(FILE) as Buffer;
    expect(lookupService(bytes, 'prod')).toEqual({ host: 'my-own-prod' });
    expect(lookupService(bytes, 'dev')).toEqual(dev.settings);
  });

  it('refuses a file with a setting above its first group (it would join our last service), unchanged', async () => {
    const mine = '# top\nhost=stray\n[mine]\nport=1\n';
    const { fs, sync } = setup(mine);
    await expect(sync([prod])).rejects.toMatchObject({
      code: 'service-file',
      message: expect.stringContaining('line 2'),
    });
    expect(fs.peek(FILE)?.toString()).toBe(mine);
  });

  it('a value libpq cannot hold leaves that cluster out with the reason, the others are written', async () => {
    const { fs, sync } = setup();
    const bad = { name: 'bad', settings: { host: 'h', user: 'trailing ' } };
    const report = await sync([bad, dev]);
    expect(report.problems.map((p) => p.error.code)).toEqual(['service-entry']);
    expect(lookupService(fs.peek(FILE) as Buffer, 'bad')).toBeNull();
    expect(lookupService(fs.peek(FILE) as Buffer, 'dev')).toEqual(dev.settings);
  });

  it('a cluster removed from the list leaves the file; no clusters: no block at all', async () => {
    const { fs, sync } = setup('[mine]\nport=1\n');
    await sync([prod, dev]);
    await sync([dev]);
    expect(lookupService(fs.peek(FILE) as Buffer, 'prod')).toBeNull();
    await sync([]);
    expect(fs.peek(FILE)?.toString()).toBe('[mine]\nport=1\n');
  });

  it('refuses a symlink at the path, naming it (service-file)', async () => {
    const { fs, sync } = setup();
    fs.put('/etc/target', 'x').symlink('/etc/target', FILE);
    await expect(sync([prod])).rejects.toMatchObject({ code: 'service-file' });
    expect(fs.peek('/etc/target')?.toString()).toBe('x');
  });
});

describe('the service file format', () => {
  it('sectionLines refuses line breaks, NUL and trailing whitespace, and odd names', () => {
    for (const user of ['a\nb', 'a\rb', 'a\0b', 'a\t', 'a '])
      expect(() => sectionLines({ name: 'x', settings: { user } })).toThrow(ServiceEntryError);
    for (const name of ['', 'a]b', 'a b', 'x'.repeat(65)])
      expect(() => sectionLines({ name, settings: {} })).toThrow(ServiceEntryError);
  });

  it('any value it accepts, libpq reads back exactly, after any foreign groups', () => {
    const value = fc.string({ unit: 'binary', maxLength: 40 });
    fc.assert(
      fc.property(fc.record({ host: value, user: value, dbname: value }), (settings) => {
        let lines: string[];
        try {
          lines = sectionLines({ name: 'svc', settings });
        } catch (error) {
          expect(error).toBeInstanceOf(ServiceEntryError);
          return;
        }
        const file = Buffer.from(`[other]\nhost=o\n${lines.join('\n')}\n[svc]\nhost=never\n`, 'latin1');
        const expected = Object.fromEntries(
          Object.entries(settings)
            .filter(([, v]) => v !== '')
            .map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('latin1')]),
        );
        expect(lookupService(file, 'svc')).toEqual(expected);
      }),
      { numRuns: 500 },
    );
  });

  it('foreign bytes survive sync and clean for any file pgentra agrees to change', async () => {
    const line = fc.oneof(
      fc.constantFrom('[prod]', '[a]', '# c', '', '  ', 'host=x', '\xef\xbb\xbf[b]', 'port=1', '\r'),
      fc.string({ unit: 'binary', maxLength: 12 }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(line, { maxLength: 8 }),
        fc.constantFrom('\n', '\r\n'),
        async (lines, eol) => {
          const mine = Buffer.from(lines.join(eol), 'latin1');
          const { fs, sync, clean } = setup(mine);
          const outcome = await sync([prod, dev]).catch((error: { code: string }) => error.code);
          if (outcome === 'service-file' || outcome === 'service-entry') {
            expect(fs.peek(FILE)?.equals(mine)).toBe(true);
            return;
          }
          if (typeof outcome === 'string') throw new Error(outcome);
          const after = fs.peek(FILE) as Buffer;
          expect(after.subarray(after.length - mine.length).equals(mine)).toBe(true);
          await clean();
          expect(fs.peek(FILE)?.equals(mine)).toBe(true);
        },
      ),
      { numRuns: 1000 },
    );
  });
});

describe('resolveServiceFilePath', () => {
  it('PGSERVICEFILE, else ~/.pg_service.conf, else on Windows %APPDATA%\\postgresql\\.pg_service.conf', () => {
    const linux = { homedir: HOME, platform: 'linux' as const };
    expect(resolveServiceFilePath({ ...linux, env: {} })).toBe(FILE);
    expect(resolveServiceFilePath({ ...linux, env: { PGSERVICEFILE: 'svc.conf' } })).toBe(`${HOME}/svc.conf`);
    expect(resolveServiceFilePath({ ...linux, env: { PGSERVICEFILE: '' } })).toBe(FILE);
    expect(
      resolveServiceFilePath({
        homedir: 'C:\\Users\\alice',
        platform: 'win32',
        env: { APPDATA: 'C:\\Users\\alice\\AppData\\Roaming' },
      }),
    ).toBe('C:\\Users\\alice\\AppData\\Roaming\\postgresql\\.pg_service.conf');
  });
});
