// Finding servers in Azure, the checks before connecting, and "Allow my IP", as a user meets them:
// the built `pgentra` against the testbed's fake Azure Resource Manager (HTTPS, test CA, tokens
// from the fake Entra ID) and its gateways, which enforce what the fake ARM says (stopped,
// Entra authentication off, firewall), with the real psql proving each check.
import { promises as fs, readFileSync } from 'node:fs';
import https from 'node:https';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeFileSystem, systemClock } from '../../electron/core/node-ports.js';
import { Pgentra } from '../../electron/core/pgentra.js';
import { findTlsRootsDir } from '../../electron/core/tls-roots.js';
import { createHandlers, dispatch } from '../../electron/main/ipc/handlers.js';
import type { Channel } from '../../electron/shared/ipc-contract.js';
import { cliEnvironment, runCli, type CliResult } from '../support/testbed/cli.js';
import { SUBSCRIPTIONS } from '../support/testbed/fake-arm/world.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

const CAROL = 'carol@contoso.com';

describe('Azure discovery, pre-connect checks and the firewall', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const outputs: CliResult[] = [];
  const cli = async (...args: string[]) => {
    const result = await runCli(args, env);
    outputs.push(result);
    return result;
  };
  const psql = (cluster: string) => cli('psql', cluster, '--', '-w', '-A', '-t', '-c', 'select current_user');
  const server = (name: string) => testbed.arm.findServer(name);

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-azure-'));
    testbed = await startTestbed({ keyring: true, usersWithoutRole: [CAROL] });
    env = { ...(await cliEnvironment(testbed.facts, base)), PGSSLROOTCERT: testbed.facts.caFile };
    const login = await cli('login', '--device-code');
    expect(login.code, login.stderr).toBe(0);
  });

  afterAll(async () => {
    await testbed?.stop();
    if (base) await fs.rm(base, { recursive: true, force: true });
  });

  it('discover lists every kind of server across subscriptions and pages, with Entra, network and firewall', async () => {
    const listed = await cli('discover');
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toContain(
      '6 server(s) in 2 subscription(s) seen by alice@contoso.com (testbed cloud)',
    );
    const line = (name: string) => listed.stdout.split('\n').find((l) => l.startsWith(`${name}\t`)) ?? '';
    expect(line('pg-flex')).toMatch(
      /^pg-flex\tflexible\twesteurope\tPostgreSQL 16\tReady\t127\.0\.0\.1\tpublic\tentra only$/,
    );
    expect(line('pg-elastic')).toContain('elastic cluster, 4 nodes');
    expect(line('pg-reporting')).toContain('entra OFF');
    expect(line('localhost')).toMatch(/\tsingle\t.*PostgreSQL 11/);
    expect(line('pg-cosmos')).toMatch(/\tcosmos\t/);
    expect(line('pg-private')).toContain('private (vnet-dev)');
    expect(listed.stdout).toContain('Entra administrators: alice@contoso.com (user), pgentra devs (group)');
    expect(listed.stdout).toContain('firewall rules: office 203.0.113.0–203.0.113.255');
    // Three Flexible Servers in one subscription at two per page: the second page was followed.
    expect(
      testbed.arm.requests.some(
        (r) => r.path.includes('flexibleServers') && r.path.includes('%24skiptoken=2'),
      ),
    ).toBe(true);

    const json = await cli('discover', '--json', '--subscription', 'Contoso Development');
    expect(json.code, json.stderr).toBe(0);
    const parsed = JSON.parse(json.stdout) as { servers: { name: string; privateSubnet?: string }[] };
    expect(parsed.servers.map((s) => s.name)).toEqual(['pg-private']);
    expect(parsed.servers[0]?.privateSubnet).toContain('/virtualNetworks/vnet-dev/subnets/postgres');
  });

  it('waits out a 429 with its Retry-After and retries a 5xx: nothing is missing', async () => {
    testbed.arm.injectFault({ pathIncludes: '/serverGroupsv2?', status: 429, retryAfterSec: 1, times: 1 });
    testbed.arm.injectFault({ pathIncludes: '/servers?', status: 503, times: 1 });
    const before = testbed.arm.requests.length;
    const listed = await cli('discover', '--subscription', SUBSCRIPTIONS.prod);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).not.toContain('warning');
    expect(listed.stdout).toContain('pg-cosmos\tcosmos');
    expect(listed.stdout).toContain('localhost\tsingle');
    const statuses = testbed.arm.requests.slice(before).map((r) => r.status);
    expect(statuses).toContain(429);
    expect(statuses).toContain(503);
  });

  it('one subscription failing is reported and hides none of the others', async () => {
    testbed.arm.injectFault({
      pathIncludes: `/subscriptions/${SUBSCRIPTIONS.dev}/`,
      status: 500,
      times: 100,
    });
    const listed = await cli('discover');
    testbed.arm.clearFaults();
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stderr).toMatch(
      /warning: subscription Contoso Development: Flexible Servers: Azure answered HTTP 500/,
    );
    expect(listed.stdout).toContain('pg-flex\t');
    expect(listed.stdout).not.toContain('pg-private');
  });

  it('an account that sees no subscription is told what to ask for', async () => {
    const readers = testbed.arm.subscriptions.map((s) => s.readers);
    for (const subscription of testbed.arm.subscriptions) subscription.readers = [];
    const listed = await cli('discover');
    testbed.arm.subscriptions.forEach((s, i) => (s.readers = readers[i] ?? []));
    expect(listed.code).toBe(5);
    expect(listed.stderr).toContain('sees no Azure subscriptions');
    expect(listed.stderr).toContain('Reader role');
  });

  it('cluster add --from-azure fills in kind, host, cloud, database and user, and the token gets in', async () => {
    const { port } = testbed.facts.gateways.flexible;
    const added = await cli(
      'cluster',
      'add',
      'flex',
      '--from-azure',
      'pg-flex',
      '--port',
      String(port),
      '--database',
      testbed.facts.database,
    );
    expect(added.code, added.stderr).toBe(0);
    expect(added.stderr).toContain(`Found pg-flex in Azure (${testbed.facts.azureServers.flexible.id})`);
    expect(added.stderr).toContain('Added flex: flexible server 127.0.0.1');
    expect(added.stderr).toContain('user alice@contoso.com');
    const cosmos = await cli('cluster', 'add', '--from-azure', testbed.facts.azureServers.cosmos.id);
    expect(cosmos.code, cosmos.stderr).toBe(0);
    expect(cosmos.stderr).toContain(
      'Added pg-cosmos: cosmos server 127.0.0.1:5432, database citus, user alice@contoso.com',
    );
    const single = await cli(
      'cluster',
      'add',
      'legacy',
      '--from-azure',
      'localhost',
      '--port',
      String(testbed.facts.gateways.single.port),
      '--database',
      testbed.facts.database,
    );
    expect(single.code, single.stderr).toBe(0);
    expect(single.stderr).toContain('user alice@contoso.com@localhost');
    const list = JSON.parse((await cli('cluster', 'list', '--json')).stdout) as {
      name: string;
      azureResourceId?: string;
    }[];
    expect(list.find((c) => c.name === 'flex')?.azureResourceId).toBe(testbed.facts.azureServers.flexible.id);
    // The host rules of the cloud still apply: a host outside them needs --trust-host.
    const outside = await cli('cluster', 'add', 'reporting', '--from-azure', 'pg-reporting');
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--trust-host');

    expect((await cli('pgpass', 'sync')).code).toBe(0);
    const login = await psql('flex');
    expect(login.code, login.stderr).toBe(0);
    expect(login.stdout.trim()).toBe('alice@contoso.com');
    const legacy = await psql('legacy');
    expect(legacy.code, legacy.stderr).toBe(0);
  });

  it('doctor passes every Azure check when all is well', async () => {
    const doctor = await cli('doctor', 'flex');
    expect(doctor.stdout).toContain('ok    Azure: flexible server pg-flex (resource group rg-data)');
    expect(doctor.stdout).toContain('ok    pg-flex is Ready');
    expect(doctor.stdout).toContain('ok    Microsoft Entra authentication is enabled');
    expect(doctor.stdout).toContain(
      'ok    you (alice@contoso.com) are a Microsoft Entra administrator of pg-flex',
    );
    expect(doctor.stdout).toContain(
      'ok    your public IP 203.0.113.7 is allowed by firewall rule office (203.0.113.0–203.0.113.255)',
    );
    expect(doctor.code, doctor.stdout).toBe(0);
  });

  it('a stopped server: doctor says so and how to start it; the connection fails', async () => {
    server('pg-flex').state = 'Stopped';
    const doctor = await cli('doctor', 'flex');
    const login = await psql('flex');
    server('pg-flex').state = 'Ready';
    expect(doctor.code).toBe(6);
    expect(doctor.stdout).toContain('FAIL  pg-flex is stopped (Stopped): it takes no connections');
    expect(doctor.stdout).toContain(
      'run: az postgres flexible-server start --resource-group rg-data --name pg-flex',
    );
    expect(login.code).not.toBe(0);
  });

  it('Entra authentication off: doctor names the switch; the server refuses the token like Azure', async () => {
    server('pg-flex').entraAuth = false;
    const doctor = await cli('doctor', 'flex');
    const login = await psql('flex');
    server('pg-flex').entraAuth = true;
    expect(doctor.code).toBe(6);
    expect(doctor.stdout).toContain('FAIL  Microsoft Entra authentication is disabled on pg-flex');
    expect(doctor.stdout).toContain('--microsoft-entra-auth Enabled');
    expect(login.code).not.toBe(0);
    expect(login.stderr).toContain('password authentication failed for user "alice@contoso.com"');
    expect(testbed.gateways.flexible.log.at(-1)?.reason).toBe('entra-disabled');
  });

  it('a user who is no Entra administrator gets the exact SQL; once an administrator runs it, psql gets in', async () => {
    testbed.entra.loginAs(CAROL);
    const login = await cli('login', '--device-code');
    testbed.entra.loginAs('alice@contoso.com');
    expect(login.code, login.stderr).toBe(0);
    const { port } = testbed.facts.gateways.flexible;
    const add = await cli(
      'cluster',
      'add',
      'carol',
      '--from-azure',
      'pg-flex',
      '--account',
      CAROL,
      '--port',
      String(port),
      '--database',
      testbed.facts.database,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain(`user ${CAROL}`);
    const doctor = await cli('doctor', 'carol', '--no-connect');
    expect(doctor.stdout).not.toContain('Azure:'); // --no-connect: no network checks at all
    const checked = await cli('doctor', 'carol');
    expect(checked.stdout).toContain(
      `warning: ${CAROL} is not a Microsoft Entra administrator of pg-flex (they are: alice@contoso.com, pgentra devs)`,
    );
    const sql = /SQL: (.+)$/m.exec(checked.stdout)?.[1];
    expect(sql).toBe(`SELECT * FROM pgaadauth_create_principal('${CAROL}', false, false);`);
    await cli('pgpass', 'sync');
    expect((await psql('carol')).code).not.toBe(0);
    await testbed.postgres.query(sql ?? '');
    const after = await psql('carol');
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout.trim()).toBe(CAROL);
  });

  it('the client IP outside the firewall: doctor says so; allow-my-ip shows the rule, asks, adds it once, and remove takes it away', async () => {
    const office = server('pg-flex').firewallRules;
    server('pg-flex').firewallRules = [
      {
        name: 'AllowAllAzureServicesAndResourcesWithinAzureIps',
        startIpAddress: '0.0.0.0',
        endIpAddress: '0.0.0.0',
      },
    ];
    try {
      const doctor = await cli('doctor', 'flex');
      expect(doctor.code).toBe(6);
      expect(doctor.stdout).toContain(
        'FAIL  your public IP 203.0.113.7 is not allowed by any firewall rule of pg-flex (the 0.0.0.0 rule admits Azure services only)',
      );
      expect(doctor.stdout).toContain('run: pgentra firewall allow-my-ip flex');
      const refused = await psql('flex');
      expect(refused.stderr).toContain(
        'no pg_hba.conf entry for host "203.0.113.7", user "alice@contoso.com", database "appdb"',
      );

      // Nobody at a terminal to ask: nothing changes.
      const unconfirmed = await cli('firewall', 'allow-my-ip', 'flex');
      expect(unconfirmed.code).toBe(2);
      expect(unconfirmed.stderr).toContain(
        'New firewall rule: pgentra-alice-203-0-113-7, from 203.0.113.7 to 203.0.113.7',
      );
      expect(unconfirmed.stderr).toContain('nothing was changed: confirm with --yes');
      expect(server('pg-flex').firewallRules).toHaveLength(1);

      const allowed = await cli('firewall', 'allow-my-ip', 'flex', '--yes');
      expect(allowed.code, allowed.stderr).toBe(0);
      expect(allowed.stderr).toContain(
        'Added firewall rule pgentra-alice-203-0-113-7 (203.0.113.7) to pg-flex',
      );
      // The change went through ARM as a long-running operation, polled to its end.
      expect(testbed.arm.requests.some((r) => r.path.startsWith('/_testbed/operations/'))).toBe(true);
      expect(server('pg-flex').firewallRules.map((r) => r.name)).toContain('pgentra-alice-203-0-113-7');
      const again = await cli('firewall', 'allow-my-ip', 'flex', '--yes');
      expect(again.stderr).toContain(
        'is already allowed on pg-flex by rule pgentra-alice-203-0-113-7 (203.0.113.7); nothing changed',
      );
      const login = await psql('flex');
      expect(login.code, login.stderr).toBe(0);

      const removed = await cli('firewall', 'remove', 'flex', '--yes');
      expect(removed.code, removed.stderr).toBe(0);
      expect(removed.stderr).toContain('Removed firewall rule pgentra-alice-203-0-113-7 from pg-flex');
      expect(server('pg-flex').firewallRules.map((r) => r.name)).not.toContain('pgentra-alice-203-0-113-7');
      // An address that changed since: the rule added for the old one is named, not removed silently.
      server('pg-flex').firewallRules.push({
        name: 'pgentra-alice-198-51-100-4',
        startIpAddress: '198.51.100.4',
        endIpAddress: '198.51.100.4',
      });
      const gone = await cli('firewall', 'remove', 'flex', '--yes');
      expect(gone.stderr).toContain(
        'Rules allow-my-ip added for you earlier: pgentra-alice-198-51-100-4 (198.51.100.4)',
      );
      expect(server('pg-flex').firewallRules.map((r) => r.name)).toContain('pgentra-alice-198-51-100-4');
      expect(gone.stderr).toContain('has no firewall rule pgentra-alice-203-0-113-7; nothing changed');
      expect((await psql('flex')).code).not.toBe(0);
    } finally {
      server('pg-flex').firewallRules = office;
    }
  });

  it('Single Server without an Entra administrator and Cosmos DB for PostgreSQL with Entra off: their own fixes, and the server refuses', async () => {
    const { cosmos } = testbed.facts.gateways;
    const added = await cli(
      'cluster',
      'add',
      'citus',
      '--from-azure',
      'pg-cosmos',
      '--port',
      String(cosmos.port),
      '--database',
      testbed.facts.database,
    );
    expect(added.code, added.stderr).toBe(0);
    await cli('pgpass', 'sync');
    expect((await psql('citus')).code).toBe(0);
    const admins = server('localhost').admins;
    server('localhost').admins = [];
    server('pg-cosmos').entraAuth = false;
    try {
      const legacy = await cli('doctor', 'legacy');
      expect(legacy.stdout).toContain(
        'FAIL  localhost has no Microsoft Entra administrator, so it accepts no Entra tokens',
      );
      expect(legacy.stdout).toContain(
        'run: az postgres server ad-admin create --resource-group rg-data --server-name localhost',
      );
      expect((await psql('legacy')).stderr).toContain('password authentication failed');
      const citus = await cli('doctor', 'citus');
      expect(citus.stdout).toContain('FAIL  Microsoft Entra authentication is disabled on pg-cosmos');
      expect(citus.stdout).toContain('"PostgreSQL and Microsoft Entra ID authentication"');
      expect((await psql('citus')).stderr).toContain('password authentication failed');
    } finally {
      server('localhost').admins = admins;
      server('pg-cosmos').entraAuth = true;
    }
    expect((await psql('citus')).code).toBe(0);
  });

  it('private access: doctor names the network instead of blaming the firewall', async () => {
    server('pg-flex').publicAccess = false;
    server('pg-flex').delegatedSubnet =
      '/subscriptions/x/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-prod/subnets/pg';
    const doctor = await cli('doctor', 'flex');
    server('pg-flex').publicAccess = true;
    delete server('pg-flex').delegatedSubnet;
    expect(doctor.stdout).toContain(
      'warning: pg-flex has public access disabled: it is reachable only from the virtual network vnet-prod (subnet pg)',
    );
  });

  it('the window channels: discover, checks, add from Azure and a confirmed "Allow my IP", never a token', async () => {
    // libsecret connects to the session bus of this process: the testbed keyring's.
    Object.assign(process.env, testbed.facts.env);
    const core = await Pgentra.open({
      configDir: testbed.facts.pgentraHome,
      env: { ...env },
      fs: nodeFileSystem,
      clock: systemClock,
      browser: { open: async () => undefined },
      warn: () => undefined,
      tlsRootsDir: findTlsRootsDir(path.resolve(import.meta.dirname, '../../electron/core')),
    });
    const handlers = createHandlers({
      core,
      clipboard: { copySecret: async () => undefined, copyPlain: async () => undefined },
      now: () => Date.now(),
      openPsql: async () => undefined,
      openPgadmin: async () => '',
      installCli: async () => '',
      dialog: { openFile: async () => null, saveFile: async () => null },
      broadcastSnapshot: () => undefined,
      signInFinished: () => undefined,
      warnings: () => [],
    });
    const answers: unknown[] = [];
    const ask = async (channel: Channel, ...args: unknown[]) => {
      const answer = await dispatch(handlers, channel, args);
      answers.push(answer);
      return answer;
    };

    const found = await ask('azure:discover', { subscription: 'Contoso Production' });
    expect(found).toMatchObject({ ok: true, value: { account: 'alice@contoso.com', cloud: 'testbed' } });
    const servers = (found as { value: { servers: { name: string; elasticNodes: number | null }[] } }).value
      .servers;
    expect(servers.map((s) => s.name)).toEqual([
      'localhost',
      'pg-cosmos',
      'pg-elastic',
      'pg-flex',
      'pg-reporting',
    ]);
    expect(servers.find((s) => s.name === 'pg-elastic')?.elasticNodes).toBe(4);

    expect(await ask('azure:addCluster', { server: 'pg-cosmos', name: 'cosmos-ui' })).toMatchObject({
      ok: true,
      value: { name: 'cosmos-ui', kind: 'cosmos', database: 'citus', user: 'alice@contoso.com' },
    });
    expect(await ask('azure:addCluster', { server: '' })).toMatchObject({
      ok: false,
      code: 'invalid-argument',
    });

    const checks = await ask('azure:checks', 'flex');
    expect(checks).toMatchObject({ ok: true, value: { server: { name: 'pg-flex' } } });
    expect(
      (checks as { value: { results: { status: string }[] } }).value.results.map((r) => r.status),
    ).toEqual(['ok', 'ok', 'ok', 'ok']);

    const office = server('pg-flex').firewallRules;
    server('pg-flex').firewallRules = [];
    try {
      const plan = (await ask('azure:planAllowMyIp', 'flex')) as {
        ok: true;
        value: { confirmId: string; rule: { name: string } };
      };
      expect(plan.value).toMatchObject({
        ip: '203.0.113.7',
        rule: { name: 'pgentra-alice-203-0-113-7', start: '203.0.113.7', end: '203.0.113.7' },
        existing: null,
      });
      expect(server('pg-flex').firewallRules).toEqual([]);
      expect(await ask('azure:allowMyIp', 'f'.repeat(32))).toMatchObject({ ok: false });
      expect(await ask('azure:allowMyIp', 'not an id')).toMatchObject({
        ok: false,
        code: 'invalid-argument',
      });
      expect(await ask('azure:allowMyIp', plan.value.confirmId)).toMatchObject({
        ok: true,
        value: { server: 'pg-flex', rule: 'pgentra-alice-203-0-113-7' },
      });
      expect(server('pg-flex').firewallRules.map((r) => r.name)).toEqual(['pgentra-alice-203-0-113-7']);
      // Confirmed once: the same id does not change anything again.
      expect(await ask('azure:allowMyIp', plan.value.confirmId)).toMatchObject({ ok: false });
      expect(await ask('azure:removeFirewallRule', 'flex', 'pgentra-alice-203-0-113-7')).toMatchObject({
        ok: true,
        value: { removed: true },
      });
      expect(server('pg-flex').firewallRules).toEqual([]);
    } finally {
      server('pg-flex').firewallRules = office;
    }
    expect(JSON.stringify(answers)).not.toMatch(/eyJ[\w-]{20,}\./);
  });

  it('the testbed control a running stack takes (`npm run testbed -- azure …`) changes what the gateway enforces', async () => {
    const post = (body: unknown) =>
      new Promise<number>((resolve, reject) => {
        const request = https.request(
          `${testbed.facts.arm.endpoint}/_testbed/control`,
          {
            method: 'POST',
            ca: readFileSync(testbed.facts.caFile),
            headers: { 'content-type': 'application/json' },
          },
          (response) => {
            response.resume();
            resolve(response.statusCode ?? 0);
          },
        );
        request.on('error', reject);
        request.end(JSON.stringify(body));
      });
    expect(await post({ server: 'pg-flex', state: 'Stopped' })).toBe(200);
    expect(server('pg-flex').state).toBe('Stopped');
    expect((await psql('flex')).code).not.toBe(0);
    expect(await post({ server: 'pg-flex', state: 'Ready' })).toBe(200);
    expect((await psql('flex')).code).toBe(0);
    expect(await post({ clientIp: 'not an ip' })).toBe(400);
  });

  it('never prints a token', () => {
    for (const output of outputs) expect(`${output.stdout}${output.stderr}`).not.toMatch(/eyJ[\w-]{20,}\./);
  });
});
