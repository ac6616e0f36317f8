// Which cloud and server kind a host belongs to, and the built-in and custom clouds.
import { describe, expect, it } from 'vitest';
import {
  allClouds,
  BUILT_IN_CLOUDS,
  customCloudSchema,
  inferFromHost,
  resolveCloud,
  type CustomCloud,
} from '../../electron/core/clouds.js';

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
