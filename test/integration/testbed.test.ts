// The testbed as a whole: MSAL signs in against the fake Entra ID, the token goes into a 0600
// PGPASSFILE, and real psql logs in through the Azure-like gateway to real PostgreSQL.
import { spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PublicClientApplication, type AccountInfo } from '@azure/msal-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHttpsNetworkClient } from '../../electron/core/auth/network-client.js';
import { collect } from '../support/testbed/cli.js';
import { conninfoOf, runPsql, writePgpass } from '../support/testbed/psql.js';
import { RESOURCES, startTestbed, type Testbed, type TestbedFacts } from '../support/testbed/testbed.js';

describe('testbed: fake Entra + gateway + PostgreSQL', () => {
  let testbed: Testbed;
  let dir: string;
  let app: PublicClientApplication;
  let account: AccountInfo;

  const token = async (resource: string) =>
    (await app.acquireTokenSilent({ account, scopes: [`${resource}/.default`] })).accessToken;
  const connect = async (
    kind: 'flexible' | 'single' | 'cosmos',
    user: string,
    password: string,
    sql = 'select current_user',
  ) => {
    const gateway = testbed.facts.gateways[kind];
    const escape = (value: string) => value.replace(/[\\:]/g, (c) => `\\${c}`);
    const passfile = await writePgpass(
      dir,
      [gateway.host, gateway.port, '*', user, password].map((v) => escape(String(v))).join(':'),
    );
    return runPsql(
      conninfoOf({
        host: gateway.host,
        port: gateway.port,
        dbname: testbed.facts.database,
        user,
        sslmode: 'verify-full',
        sslrootcert: testbed.facts.caFile,
      }),
      sql,
      { PGPASSFILE: passfile },
    );
  };

  beforeAll(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-tb-'));
    testbed = await startTestbed({
      users: ['alice@contoso.com', 'bob@contoso.com', 'Zoë Ünïcode@contoso.com'],
    });
    app = new PublicClientApplication({
      auth: {
        clientId: testbed.facts.clientId,
        authority: testbed.facts.authority,
        knownAuthorities: [new URL(testbed.facts.authority).host],
      },
      system: {
        networkClient: createHttpsNetworkClient({ extraCa: [await fs.readFile(testbed.facts.caFile)] }),
      },
    });
    const result = await app.acquireTokenByDeviceCode({
      scopes: [`${RESOURCES.flexible}/.default`],
      deviceCodeCallback: () => undefined,
    });
    account = result!.account!;
  });
  afterAll(async () => {
    await testbed?.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('psql logs in to the Flexible-like gateway with the Entra token from a 0600 PGPASSFILE', async () => {
    const result = await connect('flexible', 'alice@contoso.com', await token(RESOURCES.flexible));
    expect(result).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });
  });

  it('the Cosmos-like gateway wants the Cosmos resource, and says so for a Flexible token', async () => {
    expect(await connect('cosmos', 'alice@contoso.com', await token(RESOURCES.cosmos))).toMatchObject({
      code: 0,
      stdout: 'alice@contoso.com',
    });
    const wrong = await connect('cosmos', 'alice@contoso.com', await token(RESOURCES.flexible));
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toContain('does not have a valid audience');
  });

  it('Single Server takes user@server, and a group logs in as the group for its members only', async () => {
    const pg = await token(RESOURCES.flexible);
    expect(
      await connect('single', `alice@contoso.com@${testbed.facts.gateways.single.serverName}`, pg),
    ).toMatchObject({ code: 0, stdout: 'alice@contoso.com' });
    expect(await connect('flexible', 'pgentra devs', pg)).toMatchObject({ code: 0, stdout: 'pgentra devs' });
  });

  it("refuses an expired token, another user's token and a token signed by someone else", async () => {
    const expired = await testbed.entra.mintAccessToken({
      upn: 'alice@contoso.com',
      resource: RESOURCES.flexible,
      issuedAt: Math.floor(Date.now() / 1000) - 7200,
      lifetimeSec: 3600,
    });
    expect((await connect('flexible', 'alice@contoso.com', expired)).stderr).toContain(
      'The access token has expired',
    );
    const bobs = await testbed.entra.mintAccessToken({
      upn: 'bob@contoso.com',
      resource: RESOURCES.flexible,
    });
    expect((await connect('flexible', 'alice@contoso.com', bobs)).stderr).toContain(
      'password authentication failed for user "alice@contoso.com"',
    );
    const [header, payload] = (await token(RESOURCES.flexible)).split('.');
    const forged = `${header}.${payload}.${Buffer.from('not the tenant signature').toString('base64url')}`;
    expect((await connect('flexible', 'alice@contoso.com', forged)).stderr).toMatch(/signature is invalid/);
  });

  it('creates users with any name PostgreSQL allows', async () => {
    const zoe = await testbed.entra.mintAccessToken({
      upn: 'Zoë Ünïcode@contoso.com',
      resource: RESOURCES.flexible,
    });
    expect(await connect('flexible', 'Zoë Ünïcode@contoso.com', zoe)).toMatchObject({
      code: 0,
      stdout: 'Zoë Ünïcode@contoso.com',
    });
  });
});

describe('`npm run testbed` from the command line', () => {
  const stateDir = path.join(os.tmpdir(), `pgentra-testbed-cli-${process.pid}`);
  const run = (args: string[]) =>
    collect(
      process.execPath,
      ['--import', 'tsx', path.resolve('test/support/testbed/testbed-cli.ts'), ...args],
      {
        ...process.env,
        PGENTRA_TESTBED_STATE: stateDir,
      },
    );
  /** A shell with only a PATH and a HOME of its own, as a person pastes lines into. */
  const sh = (script: string) =>
    collect('sh', ['-c', script], {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: path.join(stateDir, 'home'),
    });
  afterAll(async () => {
    await run(['down']);
    await fs.rm(stateDir, { recursive: true, force: true });
  });

  it('--help prints the usage on stdout and exits 0; an unknown command exits 2', async () => {
    const help = await run(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: npm run testbed -- <command>/);
    const unknown = await run(['upp']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('testbed: unknown command "upp"');
  });

  it('up prints export lines to paste, and the commands it suggests work in that shell as the README runs the CLI', async () => {
    const up = await run(['up']);
    try {
      expect(up.code, up.stderr).toBe(0);
      const lines = up.stdout.trim().split('\n');
      expect(lines.every((line) => line.startsWith('export '))).toBe(true);
      expect(up.stdout).toMatch(/^export PGENTRA_HOME=/m);
      expect(up.stdout).toMatch(/^export PGPASSFILE=/m);
      const suggested = up.stderr.split('\n').filter((line) => line.startsWith('  npm run -s pgentra -- '));
      expect(suggested).toHaveLength(2);
      const shell = await sh(`${up.stdout}\n${suggested.join(' &&\n')} &&\nnpm run -s pgentra -- token demo`);
      expect(shell.code, shell.stderr + shell.stdout).toBe(0);
      expect(shell.stdout).toMatch(/^eyJ[\w-]+\.[\w-]+\.[\w-]+\n$/);
    } finally {
      await run(['down']);
    }
  });

  it('up --json prints the facts, extra users and groups exist, faults and login-as are accepted, down stops it', async () => {
    const up = await run([
      'up',
      '--json',
      '--user',
      'carol: the DBA@contoso.com',
      '--group',
      'ops\\team*=carol: the DBA@contoso.com',
    ]);
    expect(up.code, up.stderr).toBe(0);
    const facts = JSON.parse(up.stdout) as TestbedFacts;
    expect(facts.users.map((u) => u.upn)).toContain('carol: the DBA@contoso.com');
    expect(facts.groups.map((g) => g.name)).toEqual(['ops\\team*']);
    expect(JSON.parse(await fs.readFile(path.join(facts.pgentraHome, 'config.json'), 'utf8'))).toMatchObject({
      settings: { cloud: 'testbed', clientId: facts.clientId },
    });
    expect(facts.env.DBUS_SESSION_BUS_ADDRESS).toBeTruthy();

    expect((await run(['login-as', 'carol: the DBA@contoso.com'])).code).toBe(0);
    expect((await run(['login-as', 'nobody@contoso.com'])).stderr).toContain('unknown user');
    expect((await run(['fault', 'token', 'http-429', '--retry-after', '3', '--count', '1'])).code).toBe(0);
    expect((await run(['fault', 'token', 'meltdown'])).code).not.toBe(0);
    expect((await run(['clear-faults'])).code).toBe(0);

    const down = await run(['down']);
    expect(down.stderr).toContain('testbed stopped');
    expect((await run(['status'])).stderr).toContain('no testbed is running');
  });
});

describe('`npm run demo`', () => {
  it(
    'prints CLI lines that work when pasted, run the way the README runs the CLI',
    { timeout: 180_000 },
    async () => {
      const demo = spawn(
        process.execPath,
        ['--import', 'tsx', path.resolve('test/support/preview/demo.ts')],
        {
          env: { ...process.env, PGENTRA_PREVIEW_PORT: '0' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let stdout = '';
      demo.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      const exited = new Promise((resolve) => demo.once('close', resolve));
      try {
        await new Promise<void>((resolve, reject) => {
          demo.stdout.on('data', () => stdout.includes('Press Ctrl-C') && resolve());
          demo.once('close', () => reject(new Error(`the demo stopped:\n${stdout}`)));
        });
        const block = stdout.slice(stdout.indexOf('paste these lines'));
        const exports = block.split('\n').filter((line) => line.startsWith('  export '));
        const command = block.split('\n').find((line) => line.startsWith('  npm run -s pgentra -- '));
        expect(exports.length).toBeGreaterThan(0);
        expect(command?.trim()).toBe('npm run -s pgentra -- status');
        expect(stdout).not.toContain('node bin/pgentra.cjs');
        const pasted = await collect('sh', ['-c', [...exports, command].join('\n')], {
          PATH: process.env.PATH ?? '/usr/bin:/bin',
          HOME: os.tmpdir(),
        });
        const out = pasted.stdout + pasted.stderr;
        const code = pasted.code;
        expect(code, out).toBe(0);
        expect(out).toMatch(/^orders-flex +fresh/m);
      } finally {
        demo.kill('SIGINT');
        await exited;
      }
    },
  );
});
