import { describe, expect, it } from 'vitest';
import { ClusterCatalog } from '../../../electron/core/cluster-catalog.js';
import { resolveCloud } from '../../../electron/core/clouds.js';
import { defaultConfig, type Config } from '../../../electron/core/config-store.js';

const HOST = 'prod.postgres.database.azure.com';

function catalogWith(clusters: Config['clusters'] = []) {
  let config: Config = { ...defaultConfig(), clusters };
  const configuration = {
    get config() {
      return config;
    },
    get settings() {
      return config.settings;
    },
    cloud: (name?: string) => resolveCloud(name ?? config.settings.cloud, config.settings.customClouds),
    cloudsInUse: () => new Set([config.settings.cloud]),
    problems: [],
    file: '/home/alice/.config/pgentra/config.json',
    update: async (change: (current: Config) => Config) => (config = change(config)),
  };
  const accounts = [
    { id: 'a.t', username: 'alice@contoso.com', tenantId: 't', environment: 'login.microsoftonline.com' },
  ];
  return new ClusterCatalog({ configuration, signedInAccounts: async () => accounts });
}

describe('ClusterCatalog.preview', () => {
  it('names a duplicate when adding, but not the cluster being edited', async () => {
    const catalog = catalogWith();
    await catalog.add({ name: 'prod', host: HOST });
    const form = { name: 'prod', host: HOST, user: 'alice@contoso.com' };
    expect(catalog.preview(form).problems).toEqual([
      { field: 'name', message: 'a cluster named "prod" already exists' },
    ]);
    expect(catalog.preview(form, 'prod').problems).toEqual([]);
    // Editing another cluster under this name is still a clash.
    expect(catalog.preview(form, 'staging').problems.map((p) => p.field)).toEqual(['name']);
  });

  it.each([
    [{ host: HOST }, { kind: 'flexible', cloud: 'public' }],
    [{ host: 'c-x.abc.postgres.cosmos.azure.com' }, { kind: 'cosmos', cloud: 'public' }],
    [{ host: 'db.example.org' }, { kind: null }],
  ])('infers what the host tells: %o', (form, expected) => {
    expect(catalogWith().preview(form)).toMatchObject(expected);
  });

  it('shows the login user a Single Server needs, and a group without a user name as a problem', () => {
    const catalog = catalogWith();
    expect(
      catalog.preview({
        name: 'old',
        host: 'old.postgres.database.azure.com',
        kind: 'single',
        user: 'alice@contoso.com',
      }).loginUser,
    ).toBe('alice@contoso.com@old');
    expect(catalog.preview({ name: 'g', host: HOST, group: true }).problems).toContainEqual({
      field: 'user',
      message: 'a group login needs the Entra group name as the user',
    });
  });
});

describe('ClusterCatalog changes', () => {
  it('adds with the signed-in account as the user, refuses a duplicate, keeps CLI-only fields on update', async () => {
    const catalog = catalogWith();
    const added = await catalog.add({
      name: 'prod',
      host: HOST,
      sslRootCert: '/etc/ca.pem',
      tenant: 'organizations',
    });
    expect(added).toMatchObject({ user: 'alice@contoso.com', loginUser: 'alice@contoso.com' });
    await expect(catalog.add({ name: 'prod', host: HOST })).rejects.toMatchObject({
      code: 'cluster-invalid',
    });
    const updated = await catalog.update('prod', { name: 'prod', host: HOST, database: 'app' });
    expect(updated).toMatchObject({ database: 'app', sslRootCert: '/etc/ca.pem', tenant: 'organizations' });
    expect((await catalog.update('prod', { name: 'prod', host: HOST, tenant: null })).tenant).toBeUndefined();
  });

  it('a Single Server by IP needs its server name: preview names the field, update keeps it, null clears it', async () => {
    const catalog = catalogWith();
    const byIp = {
      name: 'legacy',
      host: '10.0.0.7',
      kind: 'single',
      trustHost: true,
      user: 'bob@contoso.com',
    };
    expect(catalog.preview(byIp).problems.map((p) => p.field)).toEqual(['serverName']);
    expect(catalog.preview({ ...byIp, serverName: 'myserver' })).toMatchObject({
      loginUser: 'bob@contoso.com@myserver',
      problems: [],
    });
    const added = await catalog.add({ ...byIp, serverName: 'myserver' });
    expect(added).toMatchObject({ serverName: 'myserver', loginUser: 'bob@contoso.com@myserver' });
    expect((await catalog.update('legacy', { ...byIp, database: 'app' })).serverName).toBe('myserver');
    await expect(catalog.update('legacy', { ...byIp, serverName: null })).rejects.toMatchObject({
      field: 'serverName',
    });
  });

  it('says which clusters exist when a name is unknown', async () => {
    const catalog = catalogWith();
    await catalog.add({ name: 'prod', host: HOST });
    expect(() => catalog.get('prd')).toThrow('no cluster named "prd" (known: prod)');
    await expect(catalog.remove('prd')).rejects.toMatchObject({ code: 'cluster-not-found' });
  });
});
