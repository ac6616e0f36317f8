// Finding 1 of issue 11, as a user meets it: pgentra must never hand the token to a server it has
// not verified, nor to a host nobody vouched for. An impostor gateway (a real token-checking
// gateway with a certificate from a CA no Azure root knows) stands where the cluster points; the
// real psql is what would leak the token to it.
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TRUST_HOST_REACH } from '../../electron/core/clusters.js';
import { runCli, type CliResult } from '../support/testbed/cli.js';
import { startGateway, type Gateway } from '../support/testbed/gateway.js';
import { runPsql } from '../support/testbed/psql.js';
import { RESOURCES, startTestbed, testbedConfig, type Testbed } from '../support/testbed/testbed.js';
import { createTestCa, issueLeaf } from '../support/testbed/tls.js';

const shipped = path.resolve(import.meta.dirname, '..', '..', 'assets', 'tls', 'azure-public.pem');

/** The `export NAME='value'` lines of `pgentra env` as a map (the values have no quotes inside). */
function parseEnv(stdout: string): Record<string, string> {
  return Object.fromEntries(
    [...stdout.matchAll(/^export (\w+)='([^']*)'$/gm)].map((match) => [match[1] ?? '', match[2] ?? '']),
  );
}

describe('TLS and trusted hosts, with the real psql', () => {
  let testbed: Testbed;
  let impostor: Gateway;
  let base: string;
  let env: Record<string, string>;
  const outputs: CliResult[] = [];
  const cli = async (args: string[], extra: Record<string, string> = {}) => {
    const result = await runCli(args, { ...env, ...extra });
    outputs.push(result);
    return result;
  };

  beforeAll(async () => {
    testbed = await startTestbed({ keyring: true });
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-tls-'));
    const strangerCa = await createTestCa(path.join(base, 'stranger-ca'));
    const leaf = await issueLeaf(strangerCa, 'impostor');
    const { facts, entra, postgres } = testbed;
    impostor = await startGateway({
      upstream: postgres,
      kind: 'flexible',
      audience: RESOURCES.flexible,
      issuer: entra.issuer,
      tenantId: entra.tenantId,
      jwksUri: entra.jwksUri,
      caFile: facts.caFile,
      tls: { cert: leaf.cert, key: leaf.key },
    });
    // The testbed's cloud without its caFile: like a real cloud, whose servers pgentra must verify
    // with roots of its own. The fake Entra ID is trusted through NODE_EXTRA_CA_CERTS instead.
    const config = testbedConfig(facts);
    const [cloud] = config.settings.customClouds;
    if (cloud) delete (cloud as { caFile?: string }).caFile;
    const pgentraHome = path.join(base, 'pgentra-home');
    await fs.mkdir(pgentraHome, { mode: 0o700 });
    await fs.writeFile(path.join(pgentraHome, 'config.json'), JSON.stringify(config), { mode: 0o600 });
    const home = path.join(base, 'home');
    await fs.mkdir(home);
    await fs.mkdir(path.join(base, 'run'), { mode: 0o700 });
    env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: home,
      PGENTRA_HOME: pgentraHome,
      PGPASSFILE: path.join(home, 'pgpass'),
      XDG_RUNTIME_DIR: path.join(base, 'run'),
      NODE_EXTRA_CA_CERTS: facts.caFile,
      ...facts.env,
    };
    const login = await cli(['login', '--device-code']);
    expect(login.code, login.stderr).toBe(0);
  });

  afterAll(async () => {
    await impostor?.close();
    await testbed?.stop();
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  /** `cluster add` as the testbed's lines have it: host, port, database, user, --kind flexible. */
  const addCluster = async (name: string, host: string, port: number, extra: string[] = []) => {
    const add = await cli([
      ...['cluster', 'add', name, '--host', host, '--port', String(port)],
      ...['--database', testbed.facts.database, '--user', 'alice@contoso.com', '--kind', 'flexible'],
      ...extra,
    ]);
    expect(add.code, add.stderr).toBe(0);
    return add;
  };
  const addImpostor = (name: string, extra: string[] = []) =>
    addCluster(name, impostor.host, impostor.port, extra);

  it('`pgentra psql` refuses a server whose certificate no Azure root signed: the token never reaches it', async () => {
    await addImpostor('impostor');
    const psql = await cli(['psql', 'impostor', '--', '-w', '-c', 'select current_user']);
    expect(psql.code).not.toBe(0);
    expect(psql.stderr).toContain('certificate verify failed');
    expect(impostor.log).toEqual([]);
  });

  it('`pgentra env` sets verify-full with the shipped Azure roots, and psql run with it refuses the impostor', async () => {
    const printed = await cli(['env', 'impostor', '--shell', 'sh']);
    expect(printed.code, printed.stderr).toBe(0);
    const vars = parseEnv(printed.stdout);
    expect(vars).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: shipped });
    const psql = await runPsql('', 'select current_user', { ...vars, HOME: env.HOME ?? '' });
    expect(psql.code).not.toBe(0);
    expect(psql.stderr).toContain('certificate verify failed');
    expect(impostor.log).toEqual([]);
  });

  it('PGSSLROOTCERT=system is kept, and psql older than 16 is told why it cannot use it', async () => {
    const printed = await cli(['env', 'impostor'], { PGSSLROOTCERT: 'system' });
    expect(printed.code, printed.stderr).toBe(0);
    expect(parseEnv(printed.stdout)).toMatchObject({ PGSSLMODE: 'verify-full', PGSSLROOTCERT: 'system' });
    const psql = await cli(['psql', 'impostor', '--', '-c', 'select 1'], { PGSSLROOTCERT: 'system' });
    // This machine's psql is 15: pgentra says so instead of letting libpq look for a file "system".
    expect(psql.code).toBe(5);
    expect(psql.stderr).toContain('needs psql/libpq 16 or newer');
    expect(printed.stderr).toContain('needs psql/libpq 16 or newer');
    expect(impostor.log).toEqual([]);
  });

  it('the real server, verified with the roots given for the cluster, reached at a private address while its name is checked', async () => {
    const real = testbed.facts.gateways.flexible;
    await addCluster('private', 'localhost', real.port, [
      '--hostaddr',
      real.host,
      '--sslrootcert',
      testbed.facts.caFile,
    ]);
    const printed = parseEnv((await cli(['env', 'private'])).stdout);
    expect(printed).toMatchObject({ PGHOST: 'localhost', PGHOSTADDR: '127.0.0.1', PGSSLMODE: 'verify-full' });
    const psql = await cli(['psql', 'private', '--', '-w', '-A', '-t', '-c', 'select current_user']);
    expect(psql.code, psql.stderr).toBe(0);
    expect(psql.stdout.trim()).toBe('alice@contoso.com');
  });

  it('pgAdmin servers.json carries verify-full, the root certificates and the private address', async () => {
    const file = path.join(base, 'servers.json');
    const written = await cli(['pgadmin', 'private', '--write', file]);
    expect(written.code, written.stderr).toBe(0);
    const json = JSON.parse(await fs.readFile(file, 'utf8')) as {
      Servers: Record<
        string,
        { SSLMode: string; Host: string; ConnectionParameters: Record<string, unknown> }
      >;
    };
    expect(json.Servers['1']).toMatchObject({
      Host: 'localhost',
      SSLMode: 'verify-full',
      ConnectionParameters: {
        sslmode: 'verify-full',
        sslrootcert: testbed.facts.caFile,
        hostaddr: '127.0.0.1',
      },
    });
  });

  it('TLS require only on request, and then every face says the server is not verified', async () => {
    const add = await addImpostor('lax', ['--sslmode', 'require']);
    expect(add.stderr).toContain("the server's certificate is not checked");
    expect(parseEnv((await cli(['env', 'lax'])).stdout)).toMatchObject({ PGSSLMODE: 'require' });
    const status = await cli(['status']);
    expect(status.stderr).toContain('lax: TLS require: the server is not verified');
    const doctor = await cli(['doctor', 'lax', '--no-connect']);
    expect(doctor.stdout).toContain('warning: lax uses TLS "require"');
  });

  it.each(['myserver.postgres.database.azure.com.evil.example', '10.0.0.5'])(
    'a host outside the cloud (%s) is refused without --trust-host and accepted with it',
    async (host) => {
      const name = host.startsWith('10.') ? 'bare-ip' : 'lookalike';
      const args = [
        'cluster',
        'add',
        name,
        '--host',
        host,
        '--user',
        'alice@contoso.com',
        '--kind',
        'flexible',
      ];
      const refused = await cli(args);
      expect(refused.code).toBe(2);
      expect(refused.stderr).toContain(TRUST_HOST_REACH);
      expect(refused.stderr).toContain('--trust-host');
      expect((await cli(['cluster', 'list'])).stdout).not.toContain(name);
      const trusted = await cli([...args, '--trust-host']);
      expect(trusted.code, trusted.stderr).toBe(0);
      expect(trusted.stderr).toContain(TRUST_HOST_REACH);
    },
  );

  it('a cluster saved before the check gets no token until the user trusts its host', async () => {
    const configFile = path.join(env.PGENTRA_HOME ?? '', 'config.json');
    const config = JSON.parse(await fs.readFile(configFile, 'utf8')) as { clusters: unknown[] };
    config.clusters.push({
      name: 'legacy',
      host: '10.0.0.9',
      port: 5432,
      database: 'postgres',
      user: 'alice@contoso.com',
      group: false,
      kind: 'flexible',
      cloud: 'testbed',
    });
    await fs.writeFile(configFile, JSON.stringify(config), { mode: 0o600 });
    const refused = await cli(['token', 'legacy']);
    expect(refused.code).toBe(5);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toContain('pgentra cluster trust legacy');
    expect((await cli(['status'])).stdout).toMatch(
      /legacy .*"10\.0\.0\.9" is not a testbed cloud PostgreSQL host name/,
    );
    const trust = await cli(['cluster', 'trust', 'legacy']);
    expect(trust.code, trust.stderr).toBe(0);
    expect(trust.stderr).toContain(TRUST_HOST_REACH);
    const token = await cli(['token', 'legacy']);
    expect(token.code, token.stderr).toBe(0);
    expect(token.stdout).toMatch(/^eyJ/);
  });
});
