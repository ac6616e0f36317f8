// The service file pgentra writes, used by the real psql against the testbed: `service=NAME` alone
// (no host, user or password anywhere else) reaches the Azure-like gateway with verify-full TLS
// and the token from the pgpass file; the user's own services stay theirs, byte for byte.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/testbed/cli.js';
import { runPsql } from '../support/testbed/psql.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

describe('psql "service=NAME" with the service file pgentra keeps', () => {
  let testbed: Testbed;
  let base: string;
  let home: string;
  let env: Record<string, string>;
  const serviceFile = () => path.join(home, '.pg_service.conf');
  // Only what a client sets itself: the service name. No PGPASSFILE, PGSSLMODE, PGHOST or PGUSER.
  const psqlService = (service: string) =>
    runPsql(`service=${service}`, 'select current_user', { HOME: home, PGSERVICEFILE: serviceFile() });

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-service-'));
    testbed = await startTestbed({ keyring: true });
    home = path.join(base, 'home');
    await fs.mkdir(path.join(base, 'run'), { recursive: true, mode: 0o700 });
    await fs.mkdir(home, { recursive: true });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      PGENTRA_HOME: testbed.facts.pgentraHome,
      PGPASSFILE: path.join(home, 'tokens.pgpass'),
      PGSERVICEFILE: serviceFile(),
      XDG_RUNTIME_DIR: path.join(base, 'run'),
      ...testbed.facts.env,
    };
    const login = await runCli(['login', '--device-code'], env);
    expect(login.code, login.stderr).toBe(0);
  }, 120_000);
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  const MINE = '# my services\n[mine]\nhost=/tmp\nport=5999\n\n[taken]\nhost=my-own-host\n';

  it('adding a cluster writes its service; psql connects with service=NAME alone', async () => {
    await fs.writeFile(serviceFile(), MINE, { mode: 0o644 });
    const g = testbed.facts.gateway;
    const add = await runCli(
      [
        'cluster',
        'add',
        'flex',
        '--host',
        g.host,
        '--port',
        String(g.port),
        '--database',
        testbed.facts.database,
        '--kind',
        'flexible',
        '--user',
        'alice@contoso.com',
      ],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    const text = await fs.readFile(serviceFile(), 'utf8');
    expect(text.endsWith(MINE)).toBe(true);
    expect(text).toContain('[flex]\n');
    expect(text).toContain('sslmode=verify-full\n');
    expect(text).toContain(`sslrootcert=${testbed.facts.caFile}\n`);
    expect(text).not.toMatch(/eyJ/);
    expect((await fs.stat(serviceFile())).mode & 0o777).toBe(0o600);

    const sync = await runCli(['pgpass', 'sync'], env);
    expect(sync.code, sync.stderr).toBe(0);
    const psql = await psqlService('flex');
    expect(psql.stderr).toBe('');
    expect(psql.stdout).toBe('alice@contoso.com');
    expect(psql.code).toBe(0);
  }, 120_000);

  it('the service makes psql verify the server: with other root certificates it refuses to connect', async () => {
    const other = path.join(base, 'other-ca.pem');
    await fs.writeFile(
      other,
      (await fs.readFile('/etc/ssl/certs/ca-certificates.crt', 'utf8').catch(() => '')) || 'x',
    );
    const text = await fs.readFile(serviceFile(), 'utf8');
    const forged = path.join(base, 'forged.conf');
    await fs.writeFile(forged, text.replace(`sslrootcert=${testbed.facts.caFile}`, `sslrootcert=${other}`), {
      mode: 0o600,
    });
    const psql = await runPsql('service=flex', 'select 1', { HOME: home, PGSERVICEFILE: forged });
    expect(psql.code).not.toBe(0);
    expect(psql.stderr).toMatch(/certificate verify failed|SSL error|root certificate/i);
  });

  it("a cluster named like the user's own service is reported (exit 5) and the user's service still wins", async () => {
    const g = testbed.facts.gateway;
    const add = await runCli(
      ['cluster', 'add', 'taken', '--host', g.host, '--port', String(g.port), '--kind', 'flexible'],
      env,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('already has your own service "taken"');
    const sync = await runCli(['service', 'sync'], env);
    expect(sync.code).toBe(5);
    expect(sync.stderr).toContain(`taken: ${serviceFile()} already has your own service "taken"`);
    expect((await fs.readFile(serviceFile(), 'utf8')).endsWith(MINE)).toBe(true);
  });

  it('service path names the file; clean gives back exactly the user file; removing a cluster drops its service', async () => {
    expect((await runCli(['service', 'path'], env)).stdout.trim()).toBe(serviceFile());
    expect((await runCli(['cluster', 'remove', 'flex'], env)).code).toBe(0);
    expect(await fs.readFile(serviceFile(), 'utf8')).not.toContain('[flex]');
    const clean = await runCli(['service', 'clean'], env);
    expect(clean.code, clean.stderr).toBe(0);
    expect(await fs.readFile(serviceFile(), 'utf8')).toBe(MINE);
  });
});
