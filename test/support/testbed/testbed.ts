// The offline Azure: fake Entra ID (HTTPS, test CA), a real PostgreSQL 15, one Azure-like
// token-checking gateway per server kind, and a real unlocked gnome-keyring. Tests start it
// in-process; `npm run testbed -- up` runs the same code in a background daemon; `npm run demo`
// points pgentra at it.
import { createHash, randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startFakeEntra, type FakeEntra } from './fake-entra/index.js';
import { ARM_RESOURCE, startFakeArm, type FakeArm } from './fake-arm/index.js';
import { defaultAzure, TESTBED_SERVERS } from './fake-arm/world.js';
import { keyResolver, startGateway, type Gateway } from './gateway.js';
import { startKeyringSession, type KeyringSession } from './keyring-session.js';
import { startPostgres, type PostgresServer } from './postgres.js';
import { createTestCa, issueLeaf } from './tls.js';

export const RESOURCES = {
  flexible: 'https://ossrdbms-aad.database.windows.net',
  cosmos: 'https://token.postgres.cosmos.azure.com',
} as const;

// Single Server user names end in @<first label of the host>; the testbed serves it on localhost.
export const SINGLE_SERVER_NAME = 'localhost';
export const DEFAULT_USERS = ['alice@contoso.com', 'bob@contoso.com'];
export const DEFAULT_GROUPS = [{ name: 'pgentra devs', members: ['alice@contoso.com'] }];
export const DATABASE = 'appdb';

export type GatewayKind = 'flexible' | 'single' | 'cosmos';

export interface TestbedOptions {
  /** Defaults to a fresh temp dir, removed on stop. */
  dir?: string;
  users?: string[];
  groups?: { name: string; members: string[] }[];
  tokenLifetimeSec?: number | { min: number; max: number };
  /** Start a private gnome-keyring session (needed by the real OS-keychain cache path). */
  keyring?: boolean;
  deviceCodeAutoApproveAfterPolls?: number;
  /**
   * Users Entra knows but the database does not: no role until an administrator runs
   * `pgaadauth_create_principal` (the testbed's stand-in for Azure's, in the postgres database).
   */
  usersWithoutRole?: string[];
}

export interface TestbedFacts {
  authority: string;
  authorityHost: string;
  tenantId: string;
  clientId: string;
  caFile: string;
  /** The Flexible-like gateway: what most tests and the demo use. */
  gateway: { host: string; port: number };
  gateways: Record<GatewayKind, { host: string; port: number; resource: string; serverName?: string }>;
  database: string;
  users: { upn: string; oid: string }[];
  groups: { name: string; id: string; members: string[] }[];
  /** The fake Azure Resource Manager: its endpoint, token audience and the client IP it models. */
  arm: { endpoint: string; resource: string; clientIp: string; publicIpUrl: string };
  /** The fake ARM server each gateway stands for (`pgentra cluster add --from-azure NAME`). */
  azureServers: Record<GatewayKind, { name: string; id: string }>;
  /** A config dir with a custom cloud pointing at this stack, for PGENTRA_HOME. */
  pgentraHome: string;
  /** Extra environment a pgentra process needs here (the keyring's session bus). */
  env: Record<string, string>;
  controlUrl: string;
}

export interface Testbed {
  facts: TestbedFacts;
  entra: FakeEntra;
  postgres: PostgresServer;
  gateways: Record<GatewayKind, Gateway>;
  arm: FakeArm;
  keyring?: KeyringSession;
  dir: string;
  stop(): Promise<void>;
}

/** The config.json the testbed hands to pgentra: a custom cloud named "testbed". */
export function testbedConfig(facts: Omit<TestbedFacts, 'pgentraHome' | 'env'>) {
  return {
    version: 1,
    settings: {
      clientId: facts.clientId,
      tenant: facts.tenantId,
      cloud: 'testbed',
      customClouds: [
        {
          name: 'testbed',
          authorityHost: facts.authorityHost,
          knownAuthorities: [new URL(facts.authorityHost).host],
          resources: { flexible: RESOURCES.flexible, single: RESOURCES.flexible, cosmos: RESOURCES.cosmos },
          caFile: facts.caFile,
          // The gateways listen on loopback; naming them here is what lets tokens go there without --trust-host.
          hosts: ['127.0.0.1', 'localhost'],
          arm: { endpoint: facts.arm.endpoint, resource: facts.arm.resource },
          publicIpUrl: facts.arm.publicIpUrl,
        },
      ],
    },
    clusters: [],
  };
}

export async function startTestbed(options: TestbedOptions = {}): Promise<Testbed> {
  const ownsDir = !options.dir;
  const dir = options.dir ?? (await fs.mkdtemp(path.join(os.tmpdir(), 'pgentra-testbed-')));
  // When we run as root, PostgreSQL runs as the `postgres` user and must be able to traverse
  // into its data directory below this one (search permission only, no listing).
  await fs.chmod(dir, 0o711);
  const cleanups: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
    if (ownsDir) await fs.rm(dir, { recursive: true, force: true });
  };
  try {
    const users = [...new Set(options.users ?? DEFAULT_USERS)];
    const groups =
      options.groups ?? DEFAULT_GROUPS.filter((group) => group.members.every((m) => users.includes(m)));
    const ca = await createTestCa(path.join(dir, 'ca'));

    const entra = await startFakeEntra({
      dir: path.join(dir, 'entra'),
      ca,
      users: [...users, ...(options.usersWithoutRole ?? [])].map((upn) => ({ upn })),
      groups,
      tokenLifetimeSec: options.tokenLifetimeSec,
      deviceCodeAutoApproveAfterPolls: options.deviceCodeAutoApproveAfterPolls,
    });
    cleanups.push(() => entra.close());

    const postgres = await startPostgres({ dir: path.join(dir, 'pg') });
    cleanups.push(() => postgres.stop());
    const roles = [...users, ...groups.map((group) => group.name)];
    for (const role of roles) await postgres.createRole(role);
    await postgres.createDatabase(DATABASE);
    // Azure's pgaadauth_create_principal makes a role Entra tokens log in as; here the gateway
    // logs in upstream with a password derived from the role name and a secret of this testbed.
    const principalSalt = randomBytes(16).toString('hex');
    const principalSecret = (role: string) =>
      createHash('sha256').update(`${principalSalt}:${role}`).digest('hex');
    await postgres.query(
      `CREATE FUNCTION pgaadauth_create_principal(name text, is_admin boolean, is_mfa boolean) RETURNS text
       LANGUAGE plpgsql AS $$
       BEGIN
         EXECUTE format('CREATE ROLE %I LOGIN PASSWORD %L', name, encode(sha256(convert_to('${principalSalt}:' || name, 'UTF8')), 'hex'));
         RETURN format('Created role for "%s"', name);
       END $$`,
    );
    const roleSecret = (role: string) => {
      try {
        return postgres.roleSecret(role);
      } catch {
        return principalSecret(role);
      }
    };

    const armCert = await issueLeaf(ca, 'arm');
    const world = defaultAzure(entra);
    const arm = await startFakeArm({
      tls: { cert: armCert.cert, key: armCert.key },
      issuer: entra.issuer,
      tenantId: entra.tenantId,
      keys: keyResolver({ jwksUri: entra.jwksUri, caFile: ca.caFile }),
      ...world,
    });
    cleanups.push(() => arm.close());

    const gatewayCert = await issueLeaf(ca, 'gateway');
    const groupIds = Object.fromEntries(entra.groups.map((group) => [group.name, group.id]));
    const gateways = {} as Record<GatewayKind, Gateway>;
    for (const kind of ['flexible', 'single', 'cosmos'] as const) {
      gateways[kind] = await startGateway({
        upstream: postgres,
        kind,
        serverName: kind === 'single' ? SINGLE_SERVER_NAME : undefined,
        audience: kind === 'cosmos' ? RESOURCES.cosmos : RESOURCES.flexible,
        issuer: entra.issuer,
        tenantId: entra.tenantId,
        jwksUri: entra.jwksUri,
        caFile: ca.caFile,
        groups: groupIds,
        roleSecret,
        tls: { cert: gatewayCert.cert, key: gatewayCert.key },
        admission: arm.admissionFor(TESTBED_SERVERS[kind]),
      });
      const gateway = gateways[kind];
      cleanups.push(() => gateway.close());
    }

    let keyring: KeyringSession | undefined;
    if (options.keyring) {
      keyring = await startKeyringSession(dir);
      const session = keyring;
      cleanups.push(() => session.close());
    }

    const base = {
      authority: entra.authority,
      authorityHost: new URL(entra.authority).origin,
      tenantId: entra.tenantId,
      clientId: entra.clientId,
      caFile: ca.caFile,
      gateway: { host: gateways.flexible.host, port: gateways.flexible.port },
      gateways: {
        flexible: {
          host: gateways.flexible.host,
          port: gateways.flexible.port,
          resource: RESOURCES.flexible,
        },
        single: {
          host: gateways.single.host,
          port: gateways.single.port,
          resource: RESOURCES.flexible,
          serverName: SINGLE_SERVER_NAME,
        },
        cosmos: { host: gateways.cosmos.host, port: gateways.cosmos.port, resource: RESOURCES.cosmos },
      },
      database: DATABASE,
      users: entra.users.map((user) => ({ upn: user.upn, oid: user.oid })),
      groups: entra.groups.map((group) => ({ name: group.name, id: group.id, members: group.members })),
      controlUrl: `${new URL(entra.authority).origin}/_testbed/control`,
      arm: {
        endpoint: arm.origin,
        resource: ARM_RESOURCE,
        clientIp: arm.clientIp,
        publicIpUrl: `${arm.origin}/_testbed/myip`,
      },
      azureServers: Object.fromEntries(
        (['flexible', 'single', 'cosmos'] as const).map((kind) => [
          kind,
          { name: TESTBED_SERVERS[kind], id: arm.serverIdOf(TESTBED_SERVERS[kind]) },
        ]),
      ) as TestbedFacts['azureServers'],
    };
    const pgentraHome = path.join(dir, 'pgentra-home');
    await fs.mkdir(pgentraHome, { recursive: true, mode: 0o700 });
    await fs.writeFile(
      path.join(pgentraHome, 'config.json'),
      JSON.stringify(testbedConfig(base), null, 2) + '\n',
      { mode: 0o600 },
    );
    const facts: TestbedFacts = { ...base, pgentraHome, env: { ...keyring?.env } };
    return { facts, entra, postgres, gateways, arm, keyring, dir, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
