// Which hosts get a token without the user vouching for them: only the cloud's own PostgreSQL
// host names. A token for one Azure server opens every server the account can reach, so a
// look-alike or a bare IP must not get one silently.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hostInCloud, resolveCloud, type CustomCloud } from '../../../electron/core/clouds.js';
import {
  assertHostTrusted,
  buildCluster,
  ClusterValidationError,
  TRUST_HOST_REACH,
} from '../../../electron/core/clusters.js';
import { isPgentraError } from '../../../electron/core/errors.js';

const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
const labels = fc.array(label, { minLength: 1, maxLength: 4 }).map((parts) => parts.join('.'));
const builtIn = fc.constantFrom(
  ...(['public', 'china', 'usgov'] as const).flatMap((name) =>
    resolveCloud(name).hostSuffixes.map(({ suffix }) => ({ cloud: resolveCloud(name), suffix })),
  ),
);
const randomCase = (text: string, flips: boolean[]) =>
  [...text].map((c, i) => (flips[i % flips.length] ? c.toUpperCase() : c)).join('');

describe('hostInCloud', () => {
  it('accepts any labels before one of the cloud suffixes, in any case, with or without the trailing dot', () => {
    fc.assert(
      fc.property(
        labels,
        builtIn,
        fc.array(fc.boolean(), { minLength: 1 }),
        fc.boolean(),
        (prefix, { cloud, suffix }, flips, dot) => {
          const host = randomCase(`${prefix}${suffix}`, flips) + (dot ? '.' : '');
          expect(hostInCloud(host, cloud)).toBe(true);
        },
      ),
    );
  });

  it('refuses the suffix with anything appended (look-alikes such as x.postgres.database.azure.com.evil.example)', () => {
    fc.assert(
      fc.property(labels, builtIn, labels, (prefix, { cloud, suffix }, tail) => {
        expect(hostInCloud(`${prefix}${suffix}.${tail}`, cloud)).toBe(false);
        expect(hostInCloud(`${prefix}${suffix}${tail}`, cloud)).toBe(false);
      }),
    );
  });

  it('refuses the bare suffix, a name merely ending like it, IP addresses and another cloud’s hosts', () => {
    const pub = resolveCloud('public');
    for (const host of [
      'postgres.database.azure.com',
      'evilpostgres.database.azure.com',
      '10.0.0.5',
      '[::1]',
      'localhost',
      'x.postgres.database.chinacloudapi.cn',
      'db.internal.example',
    ])
      expect(hostInCloud(host, pub), host).toBe(false);
  });

  it("a custom cloud's exact hosts and suffixes count, nothing else", () => {
    const lab: CustomCloud = {
      name: 'lab',
      authorityHost: 'https://login.lab.example',
      resources: { flexible: 'https://pg.lab.example', single: 'https://pg.lab.example' },
      hostSuffixes: [{ suffix: '.pg.lab.example', kind: 'flexible' }],
      hosts: ['127.0.0.1'],
    };
    const cloud = resolveCloud('lab', [lab]);
    expect(hostInCloud('a.pg.lab.example', cloud)).toBe(true);
    expect(hostInCloud('127.0.0.1', cloud)).toBe(true);
    expect(hostInCloud('127.0.0.2', cloud)).toBe(false);
    expect(hostInCloud('a.postgres.database.azure.com', cloud)).toBe(false);
  });
});

describe('adding a cluster', () => {
  const add = (host: string, extra: { trustHost?: boolean } = {}) =>
    buildCluster(
      { name: 'p', host, user: 'alice@contoso.com', kind: 'flexible', ...extra },
      { defaultCloud: 'public', customClouds: [] },
    );

  it.each(['myserver.postgres.database.azure.com.evil.example', '10.0.0.5', 'db.corp.example'])(
    'refuses %s without --trust-host, saying what the token would open',
    (host) => {
      let error: unknown;
      try {
        add(host);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ClusterValidationError);
      expect((error as ClusterValidationError).field).toBe('host');
      expect((error as Error).message).toContain(TRUST_HOST_REACH);
      expect((error as Error).message).toContain('--trust-host');
    },
  );

  it('accepts the same hosts with --trust-host, and remembers the trust', () => {
    expect(add('10.0.0.5', { trustHost: true })).toMatchObject({ host: '10.0.0.5', trustHost: true });
  });

  it('an Azure host needs no trust, and none is recorded', () => {
    expect(add('myserver.postgres.database.azure.com').trustHost).toBeUndefined();
  });
});

describe('a saved cluster whose host is not trusted (a config written before the check)', () => {
  const cloud = resolveCloud('public');

  it('gets no token: the error names the host, the reach and the command that trusts it', () => {
    let error: unknown;
    try {
      assertHostTrusted({ name: 'legacy', host: '10.0.0.5' }, cloud);
    } catch (caught) {
      error = caught;
    }
    expect(isPgentraError(error) && error.code).toBe('host-untrusted');
    expect((error as Error).message).toContain('"10.0.0.5"');
    expect((error as Error).message).toContain(TRUST_HOST_REACH);
    expect((error as Error).message).toContain('pgentra cluster trust legacy');
  });

  it('is served once trusted', () => {
    expect(() =>
      assertHostTrusted({ name: 'legacy', host: '10.0.0.5', trustHost: true }, cloud),
    ).not.toThrow();
  });
});
