// `pgentra` as a user runs it, against the testbed: sign in (device code and browser), add
// Flexible-, Cosmos- and Single-Server-like clusters and a group login, sync pgpass, and real psql
// connects with no password prompt. Then the failure paths a user meets.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumLaunch } from '../../playwright.config.js';
import { savedCluster } from '../support/fakes/saved-cluster.js';
import { cliEnvironment, runCli, type CliResult } from '../support/testbed/cli.js';
import { conninfoOf, runPsql } from '../support/testbed/psql.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

const exec = promisify(execFile);

describe('pgentra CLI against the testbed', () => {
  let testbed: Testbed;
  let base: string;
  let env: Record<string, string>;
  const outputs: CliResult[] = [];
  let browser: Browser;

  const cli = async (...args: string[]) => {
    const result = await runCli(args, env);
    outputs.push(result);
    return result;
  };
  const psqlAs = (
    kind: 'flexible' | 'single' | 'cosmos',
    user: string,
    extraEnv: Record<string, string> = {},
  ) => {
    const gateway = testbed.facts.gateways[kind];
    return runPsql(
      conninfoOf({
        host: kind === 'single' ? 'localhost' : gateway.host,
        port: gateway.port,
        dbname: testbed.facts.database,
        user,
        sslmode: 'verify-full',
        sslrootcert: testbed.facts.caFile,
      }),
      'select current_user',
      { PGPASSFILE: env.PGPASSFILE ?? '', HOME: env.HOME ?? '', ...extraEnv },
    );
  };

  beforeAll(async () => {
    base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-cli-'));
    testbed = await startTestbed({ keyring: true });
    env = await cliEnvironment(testbed.facts, base);
    browser = await chromium.launch({
      ...chromiumLaunch,
      args: [...chromiumLaunch.args, '--ignore-certificate-errors'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await testbed?.stop();
    await fs.rm(base, { recursive: true, force: true });
  });

  it('signs in by device code', async () => {
    const result = await cli('login', '--device-code');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/enter the code [0-9A-F]{8}/);
    expect(result.stderr).toContain('Signed in as alice@contoso.com');
    expect(result.stdout).toBe('');
  });

  it('signs in a second account in the browser (--no-browser prints the URL a person opens)', async () => {
    testbed.entra.loginAs('bob@contoso.com');
    const login = runCli(['login', '--no-browser'], env);
    const [url] = await login.waitForStderr(/https:\/\/\S+\/oauth2\/v2\.0\/authorize\S+/);
    const page = await browser.newPage();
    await page.goto(url).catch(() => undefined);
    const result = await login;
    outputs.push(result);
    await page.close();
    testbed.entra.loginAs('alice@contoso.com');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain('Signed in as bob@contoso.com');
    const accounts = await cli('accounts');
    expect(accounts.stdout).toContain('alice@contoso.com');
    expect(accounts.stdout).toContain('bob@contoso.com');
  });

  it('adds clusters of every kind and a group login, then psql connects to each with no prompt', async () => {
    const g = testbed.facts.gateways;
    const add = (
      name: string,
      kind: string,
      at: { host: string; port: number },
      user: string,
      ...extra: string[]
    ) =>
      cli(
        'cluster',
        'add',
        name,
        '--host',
        at.host,
        '--port',
        String(at.port),
        '--kind',
        kind,
        '--user',
        user,
        ...extra,
        '--database',
        testbed.facts.database,
      );
    for (const [name, kind, at, user, ...extra] of [
      ['flex', 'flexible', g.flexible, 'alice@contoso.com'],
      ['cosmos', 'cosmos', g.cosmos, 'alice@contoso.com'],
      ['devs', 'flexible', g.flexible, 'pgentra devs', '--group', '--account', 'alice@contoso.com'],
    ] as const) {
      const added = await add(name, kind, at, user, ...extra);
      expect(added.code, `${name}: ${added.stderr}`).toBe(0);
    }
    const single = await add(
      'legacy',
      'single',
      { host: 'localhost', port: g.single.port },
      'bob@contoso.com',
      // localhost is not *.postgres.database.azure.com: it does not tell the server's name.
      '--server-name',
      'localhost',
    );
    expect(single.stderr).toContain('user bob@contoso.com@localhost');

    const sync = await cli('pgpass', 'sync');
    expect(sync.code, sync.stderr).toBe(0);
    expect((await fs.stat(env.PGPASSFILE ?? '')).mode & 0o777).toBe(0o600);

    for (const [kind, role] of [
      ['flexible', 'alice@contoso.com'],
      ['cosmos', 'alice@contoso.com'],
      ['flexible', 'pgentra devs'],
    ] as const) {
      expect(await psqlAs(kind, role), `${kind} as ${role}`).toMatchObject({ code: 0, stdout: role });
    }
    const legacy = await psqlAs('single', 'bob@contoso.com@localhost');
    expect(legacy, JSON.stringify(testbed.gateways.single.log)).toMatchObject({
      code: 0,
      stdout: 'bob@contoso.com',
    });

    const status = JSON.parse((await cli('status', '--json')).stdout) as {
      name: string;
      state: string;
      secondsLeft: number;
    }[];
    expect(status.map((row) => [row.name, row.state])).toEqual([
      ['flex', 'fresh'],
      ['cosmos', 'fresh'],
      ['devs', 'fresh'],
      ['legacy', 'fresh'],
    ]);
    expect(status.every((row) => row.secondsLeft > 3000)).toBe(true);
  });

  it("keeps the user's own pgpass lines byte for byte and puts its block first", async () => {
    const pgpass = env.PGPASSFILE ?? '';
    const foreign = '# my servers\r\nlocalhost:5432:*:me:my-secret\r\n*:*:*:*:catch-all-without-newline';
    const current = await fs.readFile(pgpass, 'utf8');
    await fs.writeFile(pgpass, current + foreign, { mode: 0o600 });
    expect((await cli('pgpass', 'sync')).code).toBe(0);
    const after = await fs.readFile(pgpass, 'utf8');
    expect(after.startsWith('# >>> pgentra')).toBe(true);
    expect(after.endsWith(foreign)).toBe(true);
    expect(await psqlAs('flexible', 'alice@contoso.com')).toMatchObject({ code: 0 });
    expect((await cli('pgpass', 'clean')).code).toBe(0);
    expect(await fs.readFile(pgpass, 'utf8')).toBe(foreign);
    expect((await cli('pgpass', 'sync')).code).toBe(0);
  });

  it('removing a cluster keeps the other clusters’ tokens in the pgpass file (this process had none of them)', async () => {
    const pgpass = env.PGPASSFILE ?? '';
    const g = testbed.facts.gateways.flexible;
    const tokenLines = (text: string) => text.split(/\r?\n/).filter((line) => /:eyJ/.test(line));
    const added = await cli(
      'cluster',
      'add',
      'scratch',
      '--host',
      g.host,
      '--port',
      String(g.port),
      '--kind',
      'flexible',
      '--user',
      'bob@contoso.com',
      '--database',
      testbed.facts.database,
    );
    expect(added.code, added.stderr).toBe(0);
    expect((await cli('pgpass', 'sync')).code).toBe(0);
    const before = tokenLines(await fs.readFile(pgpass, 'utf8'));
    expect(before.filter((line) => line.includes(':bob@contoso.com:'))).toHaveLength(1);

    expect((await cli('cluster', 'remove', 'scratch')).code).toBe(0);
    const after = tokenLines(await fs.readFile(pgpass, 'utf8'));
    expect(after).toEqual(before.filter((line) => !line.includes(':bob@contoso.com:')));
    expect(await psqlAs('flexible', 'alice@contoso.com')).toMatchObject({ code: 0 });
    expect(await psqlAs('cosmos', 'alice@contoso.com')).toMatchObject({ code: 0 });
  });

  it('prints only the token on stdout, by name or by host, port and user', async () => {
    const byName = await cli('token', 'flex', '--min-valid', '10m');
    expect(byName.code, byName.stderr).toBe(0);
    expect(byName.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    expect(byName.stderr).toBe('');
    const byTarget = await cli(
      'token',
      '--host',
      testbed.facts.gateways.flexible.host,
      '--port',
      String(testbed.facts.gateways.flexible.port),
      '--user',
      'alice@contoso.com',
    );
    expect(byTarget.stdout).toBe(byName.stdout);
    const unknown = await cli('token', 'nope');
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('no cluster named "nope"');
  });

  it('--min-valid longer than Entra issues fails with both numbers, and ten calls through the agent ask Entra at most once', async () => {
    const direct = await cli('token', 'flex', '--min-valid', '23h', '--no-agent');
    expect(direct.code).toBe(2);
    expect(direct.stdout).toBe('');
    expect(direct.stderr).toMatch(
      /Entra ID issues tokens valid for (\d+ minutes|1 h); a token valid for at least 23 h \(--min-valid\) cannot be had/,
    );

    const agent = runCli(['agent'], env);
    try {
      await agent.waitForStderr(/serving tokens/);
      await agent.waitForStderr(/pgpass: updated/);
      const before = testbed.entra.requests.filter((r) => r.endpoint === 'token').length;
      for (let i = 0; i < 10; i += 1) {
        const result = await cli('token', 'flex', '--min-valid', '23h');
        expect(result.code, result.stderr).toBe(2);
        expect(result.stdout).toBe('');
        expect(result.stderr).toContain('cannot be had');
      }
      const after = testbed.entra.requests.filter((r) => r.endpoint === 'token').length;
      expect(after - before).toBeLessThanOrEqual(1);
      // What a default request gets is still a token.
      expect((await cli('token', 'flex')).stdout).toMatch(/^eyJ/);
    } finally {
      agent.kill('SIGTERM');
      await agent;
    }
  });

  it('env prints libpq variables with PGPASSFILE, never the token, and psql works from them', async () => {
    const result = await cli('env', 'flex');
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`export PGPASSFILE='${env.PGPASSFILE}'`);
    expect(result.stdout).not.toMatch(/PGPASSWORD|eyJ/);
    const { stdout } = await exec(
      'sh',
      ['-c', `${result.stdout}\npsql -w -X -A -t -c 'select current_user'`],
      { env: { PATH: env.PATH, HOME: env.HOME } },
    );
    expect(stdout.trim()).toBe('alice@contoso.com');
  });

  it('doctor explains each cluster: claims, reachability, and a real login', async () => {
    // A stale PGPASSWORD in the shell would win over the passfile; doctor's psql must ignore it.
    const result = await runCli(['doctor', 'flex'], { ...env, PGPASSWORD: 'stale-password' });
    outputs.push(result);
    expect(result.code, result.stdout).toBe(0);
    expect(result.stdout).toContain(`token from tenant ${testbed.facts.tenantId} as the settings pin`);
    expect(result.stdout).toContain('token cache encrypted by linux-libsecret');
    expect(result.stdout).toMatch(/ok {4}sign-in alive: Entra ID issued (a new token just now|a token at)/);
    expect(result.stdout).toContain(
      'audience https://ossrdbms-aad.database.windows.net matches a flexible server',
    );
    expect(result.stdout).toContain('the server accepted the token: logged in as alice@contoso.com');
  });

  it('a revoked sign-in: `token` exits 3, then `status` without an agent, and doctor, say needs-sign-in although the cached token is valid; a new login makes it fresh', async () => {
    // Doctor takes a token Entra issued within the last 30 s as proof enough (it does not ask
    // again so soon): have the newest token dated a minute back, as if issued before then.
    testbed.entra.setClockSkewSec(-60);
    expect((await cli('token', 'flex', '--min-valid', '24h')).stderr).toContain('cannot be had');
    testbed.entra.setClockSkewSec(0);
    testbed.entra.revokeRefreshTokens('alice@contoso.com');
    // Ask for more validity than any cached token has, so pgentra must go to Entra.
    const result = await cli('token', 'flex', '--min-valid', '24h', '--no-agent');
    expect(result.code).toBe(3);
    expect(result.stderr).toMatch(/Sign-in needed.*AADSTS50173/);
    expect(result.stderr).toContain('pgentra login');
    expect(result.stdout).toBe('');

    // A new process, no agent: the shared cache still holds the revoked refresh token and a
    // valid access token, yet status reports what `token` found.
    const rowsOf = async () => {
      const status = await cli('status', '--json');
      expect(status.code, status.stderr).toBe(0);
      return JSON.parse(status.stdout) as { name: string; state: string; error: string | null }[];
    };
    const revoked = await rowsOf();
    expect(revoked.find((row) => row.name === 'flex')).toMatchObject({
      state: 'needs-sign-in',
      error: expect.stringMatching(/Sign-in needed.*AADSTS50173/) as unknown,
    });
    const table = await cli('status');
    expect(table.stdout).toMatch(/^flex +needs-sign-in +\d+ min .*AADSTS50173/m);

    const doctor = await cli('doctor', 'flex', '--no-connect');
    expect(doctor.code, doctor.stdout).toBe(3);
    expect(doctor.stdout).toMatch(
      /FAIL {2}the sign-in cannot get new tokens: Sign-in needed: AADSTS50173: .* \(last token Entra issued: .+ ago\)\n {8}→ Run `pgentra login`/,
    );
    expect(doctor.stdout).not.toContain('sign-in alive');

    const relogin = await cli('login', '--device-code');
    expect(relogin.code).toBe(0);
    expect((await rowsOf()).find((row) => row.name === 'flex')).toMatchObject({
      state: 'fresh',
      error: null,
    });
  });

  it('an unwritable pgpass directory leaves the old file byte-identical and says why', async () => {
    const pgpass = env.PGPASSFILE ?? '';
    const before = await fs.readFile(pgpass);
    await exec('chattr', ['+i', path.dirname(pgpass)]);
    try {
      // Makes pgentra fetch a fresh token (which sync then has to write); Entra cannot give the
      // 24 h asked for, and says so rather than printing a shorter one.
      const result = await cli('token', 'flex', '--min-valid', '24h');
      expect(result.stderr).toContain('cannot be had');
      expect(result.code).toBe(2);
      const sync = await cli('pgpass', 'sync');
      expect(sync.code).toBe(5);
      expect(sync.stderr).toContain(pgpass);
      expect(sync.stderr).toMatch(/not permitted|permission denied/);
      expect(sync.stderr).not.toContain('unexpected error');
    } finally {
      await exec('chattr', ['-i', path.dirname(pgpass)]);
    }
    expect((await fs.readFile(pgpass)).equals(before)).toBe(true);
  });

  it('a typo in one cluster of config.json loses nothing: the rest works, every command warns, and the fix is named', async () => {
    const home = path.join(base, 'typo-home');
    await fs.mkdir(home, { recursive: true });
    const good = savedCluster('good');
    const text = JSON.stringify(
      {
        version: 1,
        settings: { tenant: 'contoso.com' },
        clusters: [{ ...good, name: 'x', port: 'abc' }, good],
      },
      null,
      2,
    );
    await fs.writeFile(path.join(home, 'config.json'), text);
    const run = async (...args: string[]) => {
      const result = await runCli(args, { ...env, PGENTRA_HOME: home });
      outputs.push(result);
      return result;
    };
    const list = await run('cluster', 'list');
    expect(list.code, list.stderr).toBe(0);
    expect(list.stdout).toContain('good\tflexible');
    expect(list.stderr).toContain(
      'cluster "x" (clusters[0]) is invalid and ignored: clusters[0].port: the port is a number from 1 to 65535',
    );
    expect(list.stderr).toContain('`pgentra cluster remove x`');
    const token = await run('token', 'x', '--no-agent');
    expect(token.code).toBe(5);
    expect(token.stderr).toContain('cluster "x" in');
    expect(token.stderr).toContain('clusters[0].port');
    expect((await run('config', 'check')).code).toBe(5);
    expect(await fs.readFile(path.join(home, 'config.json'), 'utf8')).toBe(text);
    expect((await fs.readdir(home)).sort()).toEqual(['config.json']);

    const removed = await run('cluster', 'remove', 'x');
    expect(removed.code, removed.stderr).toBe(0);
    const check = await run('config', 'check');
    expect(check.code, check.stderr).toBe(0);
    expect(check.stderr).toBe('');
    const after = JSON.parse(await fs.readFile(path.join(home, 'config.json'), 'utf8')) as {
      clusters: unknown[];
      settings: { tenant: string };
    };
    expect(after.clusters).toEqual([good]);
    expect(after.settings.tenant).toBe('contoso.com');
  });

  it('a config.json that is not JSON stops every command with its line and column, and is left untouched', async () => {
    const home = path.join(base, 'broken-home');
    await fs.mkdir(home, { recursive: true });
    const text = '{\n  "version": 1,\n  "clusters": [\n}\n';
    await fs.writeFile(path.join(home, 'config.json'), text);
    for (const args of [['cluster', 'list'], ['status'], ['token', 'x', '--no-agent'], ['config', 'check']]) {
      const result = await runCli(args, { ...env, PGENTRA_HOME: home });
      outputs.push(result);
      expect(result.code, args.join(' ')).toBe(5);
      expect(result.stderr).toContain(
        `${path.join(home, 'config.json')} is not valid JSON at line 4, column 1`,
      );
      expect(result.stderr).not.toContain('No clusters yet');
    }
    expect(await fs.readFile(path.join(home, 'config.json'), 'utf8')).toBe(text);
    expect(await fs.readdir(home)).toEqual(['config.json']);
  });

  it('--sslrootcert names the root certificates a cluster is verified with', async () => {
    const g = testbed.facts.gateways.flexible;
    const addWithRoots = (file: string) =>
      cli(
        'cluster',
        'add',
        'ca',
        '--host',
        g.host,
        '--port',
        String(g.port),
        '--kind',
        'flexible',
        '--sslrootcert',
        file,
      );
    const missing = await addWithRoots(path.join(base, 'no-such.pem'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(`--sslrootcert: no file at ${path.join(base, 'no-such.pem')}`);

    const bundle = path.join(base, 'azure roots.pem');
    await fs.copyFile(testbed.facts.caFile, bundle);
    const add = await addWithRoots(bundle);
    expect(add.code, add.stderr).toBe(0);
    const printed = await cli('env', 'ca');
    expect(printed.stdout).toContain("PGSSLMODE='verify-full'");
    expect(printed.stdout).toContain(`PGSSLROOTCERT='${bundle}'`);
    expect((await cli('cluster', 'remove', 'ca')).code).toBe(0);
  });

  // Issue 12, finding 8: what the portal shows, pasted as --host, used to be refused as a host.
  it("--host takes the portal's connection strings: fields taken and said, options win, no password kept", async () => {
    const g = testbed.facts.gateways.flexible;
    const db = testbed.facts.database;
    const listed = async (name: string) =>
      (JSON.parse((await cli('cluster', 'list', '--json')).stdout) as Record<string, unknown>[]).find(
        (c) => c.name === name,
      );
    const psqlLine = `psql "host=${g.host} port=${g.port} dbname=${db} user=alice@contoso.com password=hunter2 sslmode=require"`;
    const fromPsql = await cli('cluster', 'add', 'pasted', '--kind', 'flexible', '--host', psqlLine);
    expect(fromPsql.code, fromPsql.stderr).toBe(0);
    expect(fromPsql.stderr).toContain(
      'pgentra: Took host, port, database and user from the pasted psql command. ' +
        'The password in it was not kept: your Entra token is the password.',
    );
    expect(await listed('pasted')).toMatchObject({
      host: g.host,
      port: g.port,
      database: db,
      user: 'alice@contoso.com',
    });
    expect(await fs.readFile(path.join(env.PGENTRA_HOME ?? '', 'config.json'), 'utf8')).not.toContain(
      'hunter2',
    );

    const jdbc = `jdbc:postgresql://${g.host}:${g.port}/other?user=bob@contoso.com&password={your_password}&sslmode=require`;
    const fromJdbc = await cli(
      'cluster',
      'add',
      'jdbc',
      '--kind',
      'flexible',
      '--host',
      jdbc,
      '--database',
      db,
    );
    expect(fromJdbc.code, fromJdbc.stderr).toBe(0);
    expect(fromJdbc.stderr).toContain('Took host, port and user from the pasted JDBC URL; kept --database.');
    expect(fromJdbc.stderr).not.toContain('password in it');
    expect(await listed('jdbc')).toMatchObject({ port: g.port, database: db, user: 'bob@contoso.com' });

    const garbage = await cli('cluster', 'add', 'bad', '--host', 'SELECT 1; DROP TABLE x');
    expect(garbage.code).toBe(2);
    expect(garbage.stderr).toContain('--host: not recognised as a host name or connection string');

    // Issue 12, finding 11: a Single Server by IP logged in as `bob@contoso.com@127`.
    const byIp = await cli(
      'cluster',
      'add',
      'ip',
      '--kind',
      'single',
      '--host',
      `${g.host}:${g.port}`,
      '--user',
      'bob@contoso.com',
    );
    expect(byIp.code).toBe(2);
    expect(byIp.stderr).toContain('--server-name');
    for (const name of ['pasted', 'jdbc']) expect((await cli('cluster', 'remove', name)).code).toBe(0);
  });

  it("a cluster in another cloud never borrows this cloud's account", async () => {
    const add = await cli('cluster', 'add', 'gov', '--host', 'db1.postgres.database.usgovcloudapi.net');
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain('cloud usgov');
    const token = await cli('token', 'gov');
    expect(token.code).toBe(3);
    expect(token.stderr).toContain(
      'No account is signed in to the usgov cloud, where gov is: run `pgentra login --cloud usgov`.',
    );
    expect(token.stdout).toBe('');
    expect((await cli('cluster', 'remove', 'gov')).code).toBe(0);
  });

  it("--tenant asks the server's own tenant for the token (guest access), and says so when Entra does not know it", async () => {
    const g = testbed.facts.gateways.flexible;
    const other = '0b1f0e5c-9c4e-4d8e-8f5a-2c3b4d5e6f70';
    const add = await cli(
      'cluster',
      'add',
      'guest',
      '--host',
      g.host,
      '--port',
      String(g.port),
      '--kind',
      'flexible',
      '--tenant',
      other,
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stderr).toContain(`tenant ${other}`);
    const before = testbed.entra.requests.length;
    const unknown = await cli('token', 'guest', '--min-valid', '24h');
    expect(unknown.code).not.toBe(0);
    expect(unknown.stderr).toMatch(
      new RegExp(`Entra ID refused the authority: localhost:\\d+: AADSTS\\d+: Tenant '${other}' not found`),
    );
    expect(testbed.entra.requests.slice(before).some((r) => r.tenant === other)).toBe(true);
    expect((await cli('cluster', 'remove', 'guest')).code).toBe(0);

    // A tenant Entra knows: the token comes from there, and psql logs in with it.
    const known = await cli(
      'cluster',
      'add',
      'guest',
      '--host',
      g.host,
      '--port',
      String(g.port),
      '--kind',
      'flexible',
      '--tenant',
      'organizations',
    );
    expect(known.code, known.stderr).toBe(0);
    const from = testbed.entra.requests.length;
    // Tokens longer than the 24 h asked for: pgentra must go to Entra for one, and can have it.
    testbed.entra.setTokenLifetime(25 * 3600);
    const token = await cli('token', 'guest', '--min-valid', '24h');
    testbed.entra.setTokenLifetime({ min: 3600, max: 5400 });
    expect(token.code, token.stderr).toBe(0);
    expect(
      testbed.entra.requests.slice(from).some((r) => r.endpoint === 'token' && r.tenant === 'organizations'),
    ).toBe(true);
    expect((await cli('cluster', 'remove', 'guest')).code).toBe(0);
  });

  it("signing out takes that account's tokens out of the pgpass file, and only those", async () => {
    const pgpass = env.PGPASSFILE ?? '';
    expect((await cli('pgpass', 'sync')).code).toBe(0);
    const before = await fs.readFile(pgpass, 'utf8');
    expect(before).toContain(':bob@contoso.com@localhost:eyJ');
    const out = await cli('logout', 'bob@contoso.com');
    expect(out.code, out.stderr).toBe(0);
    const after = await fs.readFile(pgpass, 'utf8');
    expect(after).not.toContain(':bob@contoso.com@localhost:');
    expect(after).toContain(':alice@contoso.com:eyJ');
    expect(await psqlAs('flexible', 'alice@contoso.com')).toMatchObject({ code: 0 });
    expect(await psqlAs('single', 'bob@contoso.com@localhost')).not.toMatchObject({ code: 0 });
  });

  it('every command has --help with an example', async () => {
    for (const command of [
      'login',
      'logout',
      'accounts',
      'cluster',
      'config',
      'status',
      'token',
      'env',
      'pgpass',
      'agent',
      'doctor',
      'psql',
      'pgadmin',
    ]) {
      const result = await cli(command, '--help');
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toMatch(/Usage: pgentra/);
      expect(result.stdout, command).toMatch(/Examples?:/);
    }
  });

  it('never printed a token on stderr or in an error (canary)', async () => {
    const pgpass = await fs.readFile(env.PGPASSFILE ?? '', 'utf8');
    const tokens = [...pgpass.matchAll(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g)].map((m) => m[0]);
    expect(tokens.length).toBeGreaterThan(0);
    for (const output of outputs) {
      for (const token of tokens) expect(output.stderr).not.toContain(token.slice(0, 40));
      expect(output.stderr).not.toMatch(/eyJ[\w-]{20,}\.[\w-]{20,}\./);
    }
  });
});
