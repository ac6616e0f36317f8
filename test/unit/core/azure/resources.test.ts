// Answers shaped like the REST specs' examples (Azure/azure-rest-api-specs) become AzureServers;
// fields Azure adds later do not matter, fields pgentra needs are read where the spec puts them.
import { describe, expect, it } from 'vitest';
import { pickServer } from '../../../../electron/core/azure/discovery.js';
import { adminSchemas, serverSchemas } from '../../../../electron/core/azure/resources.js';

const SUB = 'ffffffff-ffff-ffff-ffff-ffffffffffff';

describe('ARM resources', () => {
  it('a Flexible Server elastic cluster (2025-08-01): state, network, authConfig, cluster', () => {
    const server = serverSchemas.flexible.parse({
      id: `/subscriptions/${SUB}/resourceGroups/exampleresourcegroup/providers/Microsoft.DBforPostgreSQL/flexibleServers/exampleserver`,
      name: 'exampleserver',
      location: 'eastus',
      sku: { name: 'Standard_D4ds_v5', tier: 'GeneralPurpose' },
      properties: {
        version: '17',
        state: 'Ready',
        fullyQualifiedDomainName: 'exampleserver.postgres.database.azure.com',
        network: {
          publicNetworkAccess: 'Disabled',
          delegatedSubnetResourceId: '/subscriptions/x/…/subnets/s',
        },
        authConfig: { activeDirectoryAuth: 'Enabled', passwordAuth: 'Disabled', tenantId: 't' },
        cluster: { clusterSize: 2, defaultDatabaseName: 'postgres' },
        somethingNew: { added: 'later' },
      },
    });
    expect(server).toMatchObject({
      kind: 'flexible',
      elasticNodes: 2,
      resourceGroup: 'exampleresourcegroup',
      subscriptionId: SUB,
      host: 'exampleserver.postgres.database.azure.com',
      publicAccess: false,
      privateSubnet: '/subscriptions/x/…/subnets/s',
      entraAuth: true,
      passwordAuth: false,
      stopped: false,
    });
  });

  it('a Cosmos DB for PostgreSQL cluster (2023-03-02-preview): the coordinator, citus, aadAuthEnabled', () => {
    const server = serverSchemas.cosmos.parse({
      id: `/subscriptions/${SUB}/resourceGroups/TestGroup/providers/Microsoft.DBforPostgreSQL/serverGroupsv2/testcluster`,
      name: 'testcluster',
      location: 'westus',
      properties: {
        aadAuthEnabled: 'enabled',
        coordinatorEnablePublicIpAccess: true,
        databaseName: 'citus',
        postgresqlVersion: '15',
        state: 'Stopped',
        serverNames: [
          { name: 'testcluster-w0', fullyQualifiedDomainName: 'w0.testcluster.postgres.database.azure.com' },
          { name: 'testcluster-c', fullyQualifiedDomainName: 'c-testcluster.abc.postgres.cosmos.azure.com' },
        ],
      },
    });
    expect(server).toMatchObject({
      kind: 'cosmos',
      host: 'c-testcluster.abc.postgres.cosmos.azure.com',
      database: 'citus',
      entraAuth: true,
      stopped: true,
    });
  });

  it('a Single Server (2017-12-01): userVisibleState; Entra only known from its administrator', () => {
    const server = serverSchemas.single.parse({
      id: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/servers/legacy`,
      name: 'legacy',
      location: 'westus',
      properties: {
        version: '11',
        userVisibleState: 'Ready',
        fullyQualifiedDomainName: 'legacy.postgres.database.azure.com',
      },
    });
    expect(server).toMatchObject({ kind: 'single', entraAuth: null, publicAccess: true });
    expect(
      adminSchemas.single.parse({
        properties: { administratorType: 'ActiveDirectory', login: 'DBA', sid: 'oid', tenantId: 't' },
      }),
    ).toEqual({ name: 'DBA', objectId: 'oid', type: 'Unknown' });
  });

  it('Cosmos roles: only those tied to an Entra principal count', () => {
    expect(adminSchemas.cosmos.parse({ name: 'citus', properties: { roleType: 'user' } })).toBeNull();
    expect(
      adminSchemas.cosmos.parse({
        name: 'alice@contoso.com',
        properties: {
          roleType: 'admin',
          externalIdentity: { objectId: 'o', principalType: 'user', tenantId: 't' },
        },
      }),
    ).toEqual({ name: 'alice@contoso.com', objectId: 'o', type: 'user', role: 'admin' });
  });

  it('a name used twice must be given as a resource ID', () => {
    const base = serverSchemas.single.parse({
      id: `/subscriptions/${SUB}/resourceGroups/a/providers/Microsoft.DBforPostgreSQL/servers/pg`,
      name: 'pg',
      properties: {},
    });
    const other = { ...base, id: base.id.replace('/a/', '/b/') };
    const discovery = { subscriptions: [{ id: SUB, name: 'S', problems: [] }], servers: [base, other] };
    expect(() => pickServer(discovery, 'pg')).toThrow('names 2 servers; give the resource ID of one');
    expect(pickServer(discovery, other.id.toUpperCase())).toBe(other);
    expect(() => pickServer(discovery, 'nope')).toThrow('No server "nope" in the 1 subscription(s)');
  });
});
