// Which cloud and server kind a host belongs to, and the built-in and custom clouds.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  accountInCloud,
  allClouds,
  BUILT_IN_CLOUDS,
  cloudResource,
  customCloudSchema,
  inferFromHost,
  resolveCloud,
  scopeFor,
  type CustomCloud,
} from '../../../electron/core/clouds.js';

const lab: CustomCloud = {
  name: 'lab',
  authorityHost: 'https://login.lab.example',
  resources: { flexible: 'https://pg.lab.example', single: 'https://pg.lab.example' },
  hostSuffixes: [{ suffix: '.pg.lab.example', kind: 'flexible' }],
};

describe('inferFromHost', () => {
  it.each([
    ['mydb.postgres.database.azure.com', { cloud: 'public', kind: 'flexible' }],
    ['c-mycluster.abc123def.postgres.cosmos.azure.com', { cloud: 'public', kind: 'cosmos' }],
    ['mydb.postgres.database.chinacloudapi.cn', { cloud: 'china', kind: 'flexible' }],
    ['mydb.postgres.database.usgovcloudapi.net', { cloud: 'usgov', kind: 'flexible' }],
    // What people paste: upper case, a trailing dot (a fully qualified name), spaces.
    ['  MyDB.Postgres.Database.Azure.COM. ', { cloud: 'public', kind: 'flexible' }],
  ])('%s → %o', (host, expected) => {
    expect(inferFromHost(host)).toEqual(expected);
  });

  it.each([
    'localhost',
    '127.0.0.1',
    'db.example.com',
    // The bare suffix is not a server.
    'postgres.database.azure.com',
    '.postgres.database.azure.com',
    // A look-alike domain must not be taken for Azure.
    'mydb.postgres.database.azure.com.evil.example',
    'mydbpostgres.database.azure.com',
  ])('%s → unknown', (host) => {
    expect(inferFromHost(host)).toBeNull();
  });

  it('knows the host suffixes of custom clouds', () => {
    expect(inferFromHost('x.pg.lab.example', [lab])).toEqual({ cloud: 'lab', kind: 'flexible' });
    expect(inferFromHost('x.pg.lab.example')).toBeNull();
  });
});

describe('resolveCloud', () => {
  it('finds built-in and custom clouds', () => {
    expect(resolveCloud('public').authorityHost).toBe('https://login.microsoftonline.com');
    expect(resolveCloud('china').authorityHost).toBe('https://login.chinacloudapi.cn');
    expect(resolveCloud('usgov').authorityHost).toBe('https://login.microsoftonline.us');
    expect(resolveCloud('lab', [lab]).resources.flexible).toBe('https://pg.lab.example');
  });

  it('an unknown cloud is an error listing the known ones', () => {
    expect(() => resolveCloud('mars', [lab])).toThrow(
      'unknown cloud "mars" (known: public, china, usgov, lab)',
    );
  });

  it('documents a Cosmos resource only for the public cloud', () => {
    expect(BUILT_IN_CLOUDS.filter((c) => c.resources.cosmos).map((c) => c.name)).toEqual(['public']);
  });

  it('a custom cloud without hostSuffixes gets an empty list', () => {
    const { hostSuffixes: _, ...bare } = lab;
    expect(allClouds([bare]).at(-1)?.hostSuffixes).toEqual([]);
  });
});

describe('customCloudSchema', () => {
  it('accepts a well-formed custom cloud', () => {
    expect(customCloudSchema.safeParse(lab).success).toBe(true);
  });

  it('requires https for the authority (MSAL refuses anything else)', () => {
    const result = customCloudSchema.safeParse({ ...lab, authorityHost: 'http://login.lab.example' });
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).toContain('https');
  });

  it('rejects names that are not lower-case slugs', () => {
    expect(customCloudSchema.safeParse({ ...lab, name: 'My Lab' }).success).toBe(false);
  });
});

describe('built-in clouds', () => {
  it.each([
    ['public', 'https://login.microsoftonline.com', 'https://ossrdbms-aad.database.windows.net'],
    ['china', 'https://login.chinacloudapi.cn', 'https://ossrdbms-aad.database.chinacloudapi.cn'],
    ['usgov', 'https://login.microsoftonline.us', 'https://ossrdbms-aad.database.usgovcloudapi.net'],
  ])('%s: authority %s, Flexible and Single resource %s', (name, authority, resource) => {
    const cloud = resolveCloud(name);
    expect(cloud.authorityHost).toBe(authority);
    expect(cloud.resources.flexible).toBe(resource);
    expect(cloud.resources.single).toBe(resource);
  });

  it('the server host suffixes of each cloud', () => {
    expect(Object.fromEntries(BUILT_IN_CLOUDS.map((c) => [c.name, c.hostSuffixes]))).toEqual({
      public: [
        { suffix: '.postgres.database.azure.com', kind: 'flexible' },
        { suffix: '.postgres.cosmos.azure.com', kind: 'cosmos' },
      ],
      china: [{ suffix: '.postgres.database.chinacloudapi.cn', kind: 'flexible' }],
      usgov: [{ suffix: '.postgres.database.usgovcloudapi.net', kind: 'flexible' }],
    });
  });

  it('the unknown-cloud error carries the field it is about', () => {
    expect(() => resolveCloud('mars')).toThrow(expect.objectContaining({ field: 'cloud' }));
  });
});

describe('cloudResource', () => {
  it('gives the Cosmos resource for the public cloud only', () => {
    expect(cloudResource(resolveCloud('public'), 'cosmos')).toEqual({
      ok: true,
      resource: 'https://token.postgres.cosmos.azure.com',
    });
  });

  it.each(['china', 'usgov'])('explains that %s has no documented Cosmos resource', (name) => {
    const result = cloudResource(resolveCloud(name), 'cosmos');
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.message).toContain(`for the ${name} cloud`);
      expect(result.message).toContain('only known for the public cloud');
      expect(result.message).toContain('resources.cosmos');
    }
  });
});

describe('scopeFor', () => {
  it('is the resource followed by /.default', () => {
    expect(scopeFor('https://ossrdbms-aad.database.windows.net')).toBe(
      'https://ossrdbms-aad.database.windows.net/.default',
    );
    expect(scopeFor('https://token.postgres.cosmos.azure.com')).toBe(
      'https://token.postgres.cosmos.azure.com/.default',
    );
  });

  it('keeps a trailing slash: a resource registered as "…/" needs "…//.default" (as Azure CLI does)', () => {
    expect(scopeFor('https://management.core.windows.net/')).toBe(
      'https://management.core.windows.net//.default',
    );
  });
});

describe('customCloudSchema: what a config.json may say', () => {
  const issuesOf = (input: unknown) => {
    const result = customCloudSchema.safeParse(input);
    expect(result.success).toBe(false);
    return (result.error?.issues ?? []).map((issue) => ({
      path: issue.path.join('.'),
      message: issue.message,
    }));
  };

  it('normalises the authority to an origin without a trailing slash', () => {
    expect(
      customCloudSchema.parse({ ...lab, authorityHost: 'https://login.lab.example:8443/' }).authorityHost,
    ).toBe('https://login.lab.example:8443');
  });

  it.each([
    'https://login.lab.example/tenant',
    'https://login.lab.example/?x=1',
    'https://user:pw@login.lab.example',
  ])('refuses an authority with more than an origin: %s', (authorityHost) => {
    expect(issuesOf({ ...lab, authorityHost })).toEqual([
      { path: 'authorityHost', message: expect.stringContaining('no path') },
    ]);
  });

  it('refuses something that is not a URL, naming authorityHost', () => {
    expect(issuesOf({ ...lab, authorityHost: 'login.lab.example' })[0]?.path).toBe('authorityHost');
  });

  it('accepts application ID URIs as resources, including a Cosmos one', () => {
    const cloud = customCloudSchema.parse({
      ...lab,
      resources: { flexible: 'api://pg-lab', single: 'api://pg-lab', cosmos: 'https://cosmos.lab.example' },
    });
    expect(cloud.resources.cosmos).toBe('https://cosmos.lab.example');
  });

  it('names the resource that is not a URI', () => {
    expect(issuesOf({ ...lab, resources: { flexible: 'pg lab', single: 'https://x' } })).toEqual([
      { path: 'resources.flexible', message: expect.stringContaining('resources.flexible') },
    ]);
  });

  it('knownAuthorities are host or host:port, never a URL', () => {
    expect(
      customCloudSchema.parse({ ...lab, knownAuthorities: ['localhost:8443', 'login.lab.example'] }),
    ).toBeTruthy();
    expect(issuesOf({ ...lab, knownAuthorities: ['https://login.lab.example'] })).toEqual([
      { path: 'knownAuthorities.0', message: expect.stringContaining('without https://') },
    ]);
  });

  it('host suffixes start with a dot and are stored in lower case', () => {
    const cloud = customCloudSchema.parse({
      ...lab,
      hostSuffixes: [{ suffix: '.PG.Lab.Example', kind: 'cosmos' }],
    });
    expect(cloud.hostSuffixes).toEqual([{ suffix: '.pg.lab.example', kind: 'cosmos' }]);
    expect(
      issuesOf({ ...lab, hostSuffixes: [{ suffix: 'pg.lab.example', kind: 'flexible' }] })[0]?.path,
    ).toBe('hostSuffixes.0.suffix');
    // A Single Server cannot be told from a Flexible one by its name.
    expect(issuesOf({ ...lab, hostSuffixes: [{ suffix: '.pg.lab.example', kind: 'single' }] })[0]?.path).toBe(
      'hostSuffixes.0.kind',
    );
  });

  it('an empty caFile is refused with a hint', () => {
    expect(issuesOf({ ...lab, caFile: '' })).toEqual([
      { path: 'caFile', message: expect.stringContaining('PEM') },
    ]);
  });
});

describe('inferFromHost properties', () => {
  const label = fc.stringMatching(/^[a-z0-9][a-z0-9-]{0,20}$/);

  it('any server name under a known suffix is recognised with that suffix’s cloud and kind', () => {
    const suffixes = BUILT_IN_CLOUDS.flatMap((cloud) =>
      cloud.hostSuffixes.map((s) => ({ cloud: cloud.name, ...s })),
    );
    fc.assert(
      fc.property(
        fc.array(label, { minLength: 1, maxLength: 3 }),
        fc.constantFrom(...suffixes),
        (labels, s) => {
          expect(inferFromHost(`${labels.join('.')}${s.suffix}`)).toEqual({ cloud: s.cloud, kind: s.kind });
        },
      ),
    );
  });

  it('a host that does not end with a known suffix is never taken for Azure', () => {
    fc.assert(
      fc.property(fc.array(label, { minLength: 1, maxLength: 5 }), (labels) => {
        const host = labels.join('.');
        const known = BUILT_IN_CLOUDS.some((c) => c.hostSuffixes.some((s) => host.endsWith(s.suffix)));
        if (!known) expect(inferFromHost(host)).toBeNull();
      }),
    );
  });
});

describe('accountInCloud', () => {
  const byName = (name: string) => resolveCloud(name);
  it("knows every host MSAL may record for a built-in cloud's accounts, and only that cloud's", () => {
    // login.windows.net is the public cloud's cache alias: what msal-node stores for its accounts.
    for (const host of [
      'login.windows.net',
      'LOGIN.MICROSOFTONLINE.COM',
      'login.microsoft.com',
      'sts.windows.net',
    ])
      expect(accountInCloud(host, byName('public'))).toBe(true);
    expect(accountInCloud('login.microsoftonline.us', byName('usgov'))).toBe(true);
    expect(accountInCloud('login.usgovcloudapi.net', byName('usgov'))).toBe(true);
    expect(accountInCloud('login.partner.microsoftonline.cn', byName('china'))).toBe(true);
    expect(accountInCloud('login.windows.net', byName('usgov'))).toBe(false);
    expect(accountInCloud('login.microsoftonline.us', byName('public'))).toBe(false);
    expect(accountInCloud('login.chinacloudapi.cn', byName('public'))).toBe(false);
  });

  it('a custom cloud owns its authority host with the port, and its known authorities', () => {
    const cloud = resolveCloud('corp', [
      customCloudSchema.parse({
        name: 'corp',
        authorityHost: 'https://login.corp.example:8443',
        resources: { flexible: 'https://pg.corp.example', single: 'https://pg.corp.example' },
        knownAuthorities: ['sts.corp.example'],
      }),
    ]);
    expect(accountInCloud('login.corp.example:8443', cloud)).toBe(true);
    expect(accountInCloud('sts.corp.example', cloud)).toBe(true);
    expect(accountInCloud('login.corp.example', cloud)).toBe(false);
    expect(accountInCloud('login.windows.net', cloud)).toBe(false);
  });
});
