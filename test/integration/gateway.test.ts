// The Azure-like gateway against real clients: psql (reading the token from a 0600 pgpass, as
// pgentra's users will) and node-postgres, in front of a real PostgreSQL 15.
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { createLocalJWKSet, exportJWK, generateKeyPair, SignJWT } from 'jose';
import type { CryptoKey, JWTVerifyGetKey } from 'jose';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { startGateway, type Gateway, type GatewayOptions } from '../support/testbed/gateway.js';
import { startPostgres, type PostgresServer } from '../support/testbed/postgres.js';
import { createTestCa, issueLeaf, type TestCa } from '../support/testbed/tls.js';

const TENANT = '3f0e1c2a-5b6d-4e7f-8a9b-0c1d2e3f4a5b';
const ISSUER = `https://sts.windows.net/${TENANT}/`;
const OSSRDBMS = 'https://ossrdbms-aad.database.windows.net';
const COSMOS = 'https://token.postgres.cosmos.azure.com';
const ALICE = 'alice@contoso.com';
const BOB = 'bob@contoso.com';
const GROUP = 'Data Readers';
const GROUP_ID = randomUUID();
const SERVER_NAME = 'contoso-single';
const DATABASE = 'appdb';
const KID = 'testbed-key-1';
// Everything libpq's pgpass and conninfo syntax must escape, plus what SQL identifiers must quote.
const ODD_NAMES = [
  'ann smith@contoso.com',
  'ops:team',
  'back\\slash',
  'star*',
  "o'brien@contoso.com",
  'say "hi"',
  'zoë@contoso.com',
  'データ 分析:\\*\'"',
];

let dir: string;
let ca: TestCa;
let postgres: PostgresServer;
let signingKey: CryptoKey;
let otherKey: CryptoKey;
let keys: JWTVerifyGetKey;
let jwksServer: https.Server | undefined;
const gateways: Gateway[] = [];
let flexible: Gateway;
let single: Gateway;
let cosmos: Gateway;
let secure: Gateway;
let remote: Gateway;
const issuedTokens: string[] = [];

interface TokenOptions {
  claims?: Record<string, unknown>;
  key?: CryptoKey;
  kid?: string;
  /** Seconds relative to now. */
  expiresIn?: number;
}

async function token({ claims = {}, key, kid = KID, expiresIn = 3600 }: TokenOptions = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  // Shaped like an Entra v1 access token for Azure Database for PostgreSQL.
  const jwt = await new SignJWT({
    aud: OSSRDBMS,
    iss: ISSUER,
    tid: TENANT,
    oid: randomUUID(),
    upn: ALICE,
    unique_name: ALICE,
    name: 'Alice',
    scp: 'user_impersonation',
    ver: '1.0',
    ...claims,
  })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
    .setIssuedAt(now - 60)
    .setNotBefore(now - 60)
    .setExpirationTime(now + expiresIn)
    .sign(key ?? signingKey);
  issuedTokens.push(jwt);
  return jwt;
}

interface PsqlRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

interface PsqlTarget {
  port: number;
  user: string;
  password: string;
  host?: string;
  database?: string;
  /** Extra conninfo, e.g. `sslmode=verify-full sslrootcert=…`. */
  conninfo?: Record<string, string>;
  commands?: string[];
}

/** pgpass fields escape `\` and `:` with a backslash. */
const pgpassField = (value: string) => value.replace(/[\\:]/g, (char) => `\\${char}`);
/** conninfo values in single quotes escape `\` and `'` with a backslash. */
const conninfoValue = (value: string) => `'${value.replace(/[\\']/g, (char) => `\\${char}`)}'`;

let pgpassCounter = 0;

async function psql(target: PsqlTarget): Promise<PsqlRun> {
  const host = target.host ?? '127.0.0.1';
  const database = target.database ?? DATABASE;
  const passfile = path.join(dir, `pgpass-${++pgpassCounter}`);
  const line = [host, String(target.port), database, target.user, target.password].map(pgpassField).join(':');
  await fs.writeFile(passfile, `${line}\n`, { mode: 0o600 });
  const conninfo = Object.entries({
    host,
    port: String(target.port),
    dbname: database,
    user: target.user,
    ...target.conninfo,
  })
    .map(([key, value]) => `${key}=${conninfoValue(value)}`)
    .join(' ');
  const commands = (target.commands ?? ['select current_user']).flatMap((command) => ['-c', command]);
  return new Promise((resolve, reject) => {
    // No PGPASSWORD and no password in argv: libpq must find the token in the passfile.
    const child = spawn('psql', ['-X', '-w', '-A', '-t', '-v', 'ON_ERROR_STOP=1', ...commands, conninfo], {
      env: {
        PATH: process.env.PATH,
        HOME: dir,
        PGPASSFILE: passfile,
        PGCLIENTENCODING: 'UTF8',
        PGCONNECT_TIMEOUT: '10',
        LC_ALL: 'C.UTF-8',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 30_000,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout: stdout.trim(), stderr }));
  });
}

async function gateway(options: Partial<GatewayOptions> = {}): Promise<Gateway> {
  const started = await startGateway({
    upstream: postgres,
    kind: 'flexible',
    audience: OSSRDBMS,
    issuer: ISSUER,
    tenantId: TENANT,
    jwks: keys,
    groups: { [GROUP]: GROUP_ID },
    ...options,
  });
  gateways.push(started);
  return started;
}

/** Serves the signing key as a JWKS over HTTPS with a leaf from the test CA, like Entra's discovery keys. */
async function serveJwks(jwks: unknown): Promise<URL> {
  const leaf = await issueLeaf(ca, 'jwks');
  const server = https.createServer({ cert: leaf.cert, key: leaf.key }, (_request, response) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(jwks));
  });
  jwksServer = server;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('no JWKS address');
  return new URL(`https://localhost:${address.port}/discovery/keys`);
}

beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-gateway-'));
  ca = await createTestCa(path.join(dir, 'ca'));
  postgres = await startPostgres({ dir: await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-pg-')) });
  for (const role of [ALICE, BOB, GROUP, ...ODD_NAMES]) await postgres.createRole(role);
  await postgres.createDatabase(DATABASE);

  const pair = await generateKeyPair('RS256', { extractable: true });
  signingKey = pair.privateKey;
  otherKey = (await generateKeyPair('RS256')).privateKey;
  const jwks = { keys: [{ ...(await exportJWK(pair.publicKey)), kid: KID, alg: 'RS256', use: 'sig' }] };
  keys = createLocalJWKSet(jwks);

  const gatewayCert = await issueLeaf(ca, 'gateway');
  [flexible, single, cosmos, secure, remote] = await Promise.all([
    gateway(),
    gateway({ kind: 'single', serverName: SERVER_NAME }),
    gateway({ kind: 'cosmos', audience: COSMOS }),
    gateway({ tls: { cert: gatewayCert.cert, key: gatewayCert.key } }),
    serveJwks(jwks).then((url) => gateway({ jwks: { url, caFile: ca.caFile } })),
  ]);
});

afterAll(async () => {
  await Promise.all(gateways.map((started) => started.close()));
  await new Promise((resolve) => (jwksServer ? jwksServer.close(resolve) : resolve(undefined)));
  await postgres?.stop();
  await fs.rm(dir, { recursive: true, force: true });
  if (postgres) await fs.rm(path.dirname(postgres.dataDir), { recursive: true, force: true });
});

describe('gateway: Entra token as the password, like Azure Database for PostgreSQL', () => {
  it('lets a valid token in as its UPN, read by psql from a 0600 pgpass', async () => {
    const run = await psql({ port: flexible.port, user: ALICE, password: await token() });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(ALICE);
    expect(run.code).toBe(0);
    expect(flexible.log.at(-1)).toEqual({ user: ALICE, outcome: 'accepted', reason: 'ok' });
  });

  const rejections = [
    {
      name: 'a token signed by another key',
      make: () => token({ key: otherKey }),
      message: /FATAL: {2}The access token signature is invalid/,
      reason: 'signature',
    },
    {
      name: 'a token signed with a key the tenant does not publish',
      make: () => token({ kid: 'rotated-away' }),
      message: /signed with a key the tenant does not publish/,
      reason: 'signing-key',
    },
    {
      name: 'an expired token',
      make: () => token({ expiresIn: -120 }),
      message: /FATAL: {2}The access token has expired\. Please acquire a new token and retry\./,
      reason: 'expired',
    },
    {
      name: 'a token for another resource',
      make: () => token({ claims: { aud: 'https://management.core.windows.net/' } }),
      message:
        /does not have a valid audience claim\. Please acquire a new token for the resource "https:\/\/ossrdbms-aad\.database\.windows\.net"/,
      reason: 'audience',
    },
    {
      name: 'a token from another issuer',
      make: () => token({ claims: { iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000000/' } }),
      message: new RegExp(
        `not issued by this server's Microsoft Entra tenant \\(expected issuer "${ISSUER}"\\)`,
      ),
      reason: 'issuer',
    },
    {
      name: 'a token from another tenant',
      make: () => token({ claims: { tid: '00000000-0000-0000-0000-000000000000' } }),
      message: /belongs to another Microsoft Entra tenant/,
      reason: 'tenant',
    },
    {
      name: 'a token issued to someone else',
      make: () => token({ claims: { upn: BOB, unique_name: BOB } }),
      message:
        /password authentication failed for user "alice@contoso\.com"\nDETAIL: {2}The access token was issued to "bob@contoso\.com"/,
      reason: 'user-mismatch',
    },
    {
      name: 'a password that is not a token',
      make: async () => 'correct horse battery staple',
      message: /The access token has invalid format/,
      reason: 'token-format',
    },
  ] as const;

  it.each(rejections)('refuses $name with a clear FATAL', async ({ make, message, reason }) => {
    const password = await make();
    const run = await psql({ port: flexible.port, user: ALICE, password });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
    expect(run.stderr).not.toContain(password);
    expect(flexible.log.at(-1)).toEqual({ user: ALICE, outcome: 'rejected', reason });
  });

  it('judges expiry by its own clock with only a few seconds of leeway', async () => {
    let skewMs = 0;
    const skewed = await gateway({ now: () => Date.now() + skewMs });
    const shortLived = await token({ expiresIn: 30 });
    skewMs = 32_000;
    const withinLeeway = await psql({ port: skewed.port, user: ALICE, password: shortLived });
    expect(withinLeeway.stdout).toBe(ALICE);
    skewMs = 40_000;
    const tooLate = await psql({ port: skewed.port, user: ALICE, password: shortLived });
    expect(tooLate.stderr).toMatch(/The access token has expired/);
    expect(skewed.log.map((entry) => entry.reason)).toEqual(['ok', 'expired']);
  });

  it('passes PostgreSQL’s own refusals through when the token is fine but the target is not', async () => {
    const carol = 'carol@contoso.com';
    const noRole = await psql({
      port: flexible.port,
      user: carol,
      password: await token({ claims: { upn: carol, unique_name: carol } }),
    });
    expect(noRole.stderr).toMatch(/FATAL: {2}role "carol@contoso\.com" does not exist/);
    expect(flexible.log.at(-1)).toEqual({ user: carol, outcome: 'rejected', reason: 'upstream' });

    const noDatabase = await psql({
      port: flexible.port,
      user: ALICE,
      password: await token(),
      database: 'nope',
    });
    expect(noDatabase.stderr).toMatch(/FATAL: {2}database "nope" does not exist/);
    expect(flexible.log.at(-1)).toEqual({ user: ALICE, outcome: 'rejected', reason: 'upstream' });
  });

  it('logs a group in as the group role when the token lists the group id, and refuses non-members', async () => {
    const member = await token({ claims: { groups: [randomUUID(), GROUP_ID] } });
    const run = await psql({
      port: flexible.port,
      user: GROUP,
      password: member,
      commands: ["select current_user || '|' || session_user"],
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(`${GROUP}|${GROUP}`);

    const outsider = await token({ claims: { groups: [randomUUID()] } });
    const refused = await psql({ port: flexible.port, user: GROUP, password: outsider });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/password authentication failed for user "Data Readers"/);
    expect(refused.stderr).toMatch(/not for a member of the Microsoft Entra group "Data Readers"/);
    expect(flexible.log.at(-1)).toEqual({ user: GROUP, outcome: 'rejected', reason: 'not-group-member' });
  });

  it('takes Single Server names as <user>@<server> and refuses the bare name with Azure’s message', async () => {
    const alice = await token();
    const run = await psql({ port: single.port, user: `${ALICE}@${SERVER_NAME}`, password: alice });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(ALICE);

    const group = await psql({
      port: single.port,
      user: `${GROUP}@${SERVER_NAME}`,
      password: await token({ claims: { groups: [GROUP_ID] } }),
    });
    expect(group.stdout).toBe(GROUP);

    for (const user of [ALICE, `${ALICE}@another-server`]) {
      const refused = await psql({ port: single.port, user, password: alice });
      expect(refused.code).toBe(2);
      expect(refused.stderr).toMatch(
        /Invalid Username specified\. Please check the Username and retry connection\. The Username should be in <username@hostname> format\./,
      );
      expect(single.log.at(-1)).toEqual({ user, outcome: 'rejected', reason: 'username-format' });
    }
  });

  it('checks the Cosmos DB for PostgreSQL audience on a cosmos server', async () => {
    const run = await psql({
      port: cosmos.port,
      user: ALICE,
      password: await token({ claims: { aud: COSMOS } }),
    });
    expect(run.stdout).toBe(ALICE);

    const refused = await psql({ port: cosmos.port, user: ALICE, password: await token() });
    expect(refused.stderr).toMatch(
      /Please acquire a new token for the resource "https:\/\/token\.postgres\.cosmos\.azure\.com"/,
    );
  });

  it.each(ODD_NAMES)(
    'logs in a role named %j (pgpass and conninfo escaping, quoted identifiers)',
    async (name) => {
      const password = await token({ claims: { upn: name, unique_name: name } });
      const run = await psql({ port: flexible.port, user: name, password });
      expect(run.stderr).toBe('');
      expect(run.stdout).toBe(name);
    },
  );

  it('speaks TLS to psql with sslmode=verify-full and refuses plaintext like Azure', async () => {
    const password = await token();
    const run = await psql({
      port: secure.port,
      host: 'localhost',
      user: ALICE,
      password,
      conninfo: { sslmode: 'verify-full', sslrootcert: ca.caFile },
      commands: ['select current_user', '\\conninfo'],
    });
    expect(run.stderr).toBe('');
    expect(run.stdout).toContain(ALICE);
    expect(run.stdout).toMatch(/SSL connection \(protocol: TLSv1\.[23]/);

    const strangerCa = await createTestCa(path.join(dir, 'stranger-ca'));
    const untrusted = await psql({
      port: secure.port,
      host: 'localhost',
      user: ALICE,
      password,
      conninfo: { sslmode: 'verify-full', sslrootcert: strangerCa.caFile },
    });
    expect(untrusted.code).toBe(2);
    expect(untrusted.stderr).toMatch(/certificate verify failed/);

    const plaintext = await psql({
      port: secure.port,
      user: ALICE,
      password,
      conninfo: { sslmode: 'disable' },
    });
    expect(plaintext.code).toBe(2);
    expect(plaintext.stderr).toMatch(/SSL connection is required\. Please specify SSL options and retry\./);
  });

  it('verifies against a JWKS fetched over HTTPS from a server with a test-CA certificate', async () => {
    const run = await psql({ port: remote.port, user: ALICE, password: await token() });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe(ALICE);
    const forged = await psql({ port: remote.port, user: ALICE, password: await token({ key: otherKey }) });
    expect(forged.stderr).toMatch(/signature is invalid/);
  });

  it('carries node-postgres extended-protocol queries and forwards cancel requests', async () => {
    const client = new pg.Client({
      host: flexible.host,
      port: flexible.port,
      user: ALICE,
      password: await token(),
      database: DATABASE,
    });
    await client.connect();
    try {
      const result = await client.query<{ n: number; who: string }>({
        name: 'add-one',
        text: 'select $1::int + 1 as n, current_user as who',
        values: [41],
      });
      expect(result.rows).toEqual([{ n: 42, who: ALICE }]);
      const again = await client.query<{ n: number }>({
        name: 'add-one',
        text: 'select $1::int + 1 as n, current_user as who',
        values: [1],
      });
      expect(again.rows[0]?.n).toBe(2);

      // pg keeps BackendKeyData on the client object without typing it.
      const key = z.object({ processID: z.number(), secretKey: z.number() }).parse(client);
      const sleeping = client.query('select pg_sleep(30)');
      const outcome = sleeping.then(
        () => 'finished',
        (error: unknown) => z.object({ code: z.string() }).parse(error).code,
      );
      await new Promise((resolve) => setTimeout(resolve, 200));
      const cancel = Buffer.alloc(16);
      cancel.writeInt32BE(16, 0);
      cancel.writeInt32BE(80877102, 4);
      cancel.writeInt32BE(key.processID, 8);
      cancel.writeInt32BE(key.secretKey, 12);
      await new Promise<void>((resolve, reject) => {
        const socket = net.connect(flexible.port, '127.0.0.1', () => socket.end(cancel));
        socket.on('close', () => resolve());
        socket.on('error', reject);
      });
      expect(await outcome).toBe('57014');
      const after = await client.query<{ ok: number }>('select 1 as ok');
      expect(after.rows).toEqual([{ ok: 1 }]);
    } finally {
      await client.end();
    }
  });

  it('survives junk, half-open clients and resets, and never logs token text', async () => {
    const poke = (bytes: Buffer, how: 'end' | 'reset') =>
      new Promise<void>((resolve) => {
        const socket = net.connect(flexible.port, '127.0.0.1', () => {
          socket.write(bytes);
          if (how === 'end') socket.end();
          else setTimeout(() => socket.resetAndDestroy(), 50);
        });
        socket.on('error', () => undefined);
        socket.on('close', () => resolve());
        socket.resume();
      });
    await poke(Buffer.from('GET / HTTP/1.1\r\n\r\n'), 'end');
    await poke(Buffer.from([0, 0, 0, 40, 0, 3, 0, 0, 0x75, 0x73]), 'reset');
    await poke(Buffer.from([0, 0, 0, 8, 4, 0xd2, 0x16, 0x2f]), 'reset');

    const run = await psql({ port: flexible.port, user: ALICE, password: await token() });
    expect(run.stdout).toBe(ALICE);

    const logs = JSON.stringify(gateways.map((started) => started.log));
    expect(issuedTokens.length).toBeGreaterThan(10);
    for (const issued of issuedTokens) expect(logs).not.toContain(issued.split('.')[2]);
  });

  it('close() ends open sessions and stops listening', async () => {
    const doomed = await gateway();
    const client = new pg.Client({
      host: doomed.host,
      port: doomed.port,
      user: ALICE,
      password: await token(),
      database: DATABASE,
    });
    await client.connect();
    const ended = new Promise<void>((resolve) => client.once('end', resolve));
    client.on('error', () => undefined);
    await doomed.close();
    await ended;
    await expect(
      new Promise((resolve, reject) => {
        const socket = net.connect(doomed.port, '127.0.0.1', () => resolve('connected'));
        socket.on('error', (error) => reject(error));
      }),
    ).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('postgres launcher', () => {
  it('stop() is idempotent and leaves no postmaster behind', async () => {
    const base = await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-pg-stop-'));
    const server = await startPostgres({ dir: base });
    try {
      expect(existsSync(path.join(server.dataDir, 'postmaster.pid'))).toBe(true);
      const rows = await server.query<{ fsync: string }>('show fsync');
      expect(rows).toEqual([{ fsync: 'off' }]);
      const stat = await fs.stat(path.join(base, 'superuser.password'));
      expect(stat.mode & 0o777).toBe(0o600);
      await Promise.all([server.stop(), server.stop()]);
      await server.stop();
      expect(existsSync(path.join(server.dataDir, 'postmaster.pid'))).toBe(false);
      await expect(
        new Promise((resolve, reject) => {
          const socket = net.connect(server.port, '127.0.0.1', () => resolve('connected'));
          socket.on('error', reject);
        }),
      ).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      await server.stop();
      await fs.rm(base, { recursive: true, force: true });
    }
  });
});
