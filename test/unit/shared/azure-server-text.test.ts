import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { AzureServerSnapshot } from '../../../electron/shared/azure-types.js';
import {
  accessText,
  addedSummary,
  kindText,
  listOf,
  matchingServers,
} from '../../../electron/shared/azure-server-text.js';

const server = (over: Partial<AzureServerSnapshot>): AzureServerSnapshot => ({
  id: `/subscriptions/s1/resourceGroups/rg-data/providers/Microsoft.DBforPostgreSQL/flexibleServers/${over.name ?? 'pg'}`,
  name: 'pg',
  kind: 'flexible',
  elasticNodes: null,
  subscriptionId: 's1',
  resourceGroup: 'rg-data',
  location: 'westeurope',
  version: '16',
  state: 'Ready',
  stopped: false,
  host: 'pg.postgres.database.azure.com',
  database: 'postgres',
  publicAccess: true,
  privateSubnet: null,
  privateEndpoints: [],
  entraAuth: true,
  admins: [],
  firewallRules: [],
  problems: [],
  ...over,
});

const servers = [
  server({ name: 'orders', location: 'westeurope' }),
  server({ name: 'shop', kind: 'cosmos', location: 'northeurope', subscriptionId: 's2' }),
  server({ name: 'big', elasticNodes: 4, resourceGroup: 'rg-analytics' }),
];
const subscriptionName = (id: string) => (id === 's2' ? 'Contoso Development' : 'Contoso Production');

describe('matchingServers', () => {
  it('keeps the servers whose name, kind, location, group or subscription hold every word', () => {
    const names = (query: string) => matchingServers(servers, query, subscriptionName).map((s) => s.name);
    expect(names('')).toEqual(['orders', 'shop', 'big']);
    expect(names('COSMOS')).toEqual(['shop']);
    expect(names('development')).toEqual(['shop']);
    expect(names('elastic westeurope')).toEqual(['big']);
    expect(names('rg-analytics')).toEqual(['big']);
    expect(names('orders northeurope')).toEqual([]);
  });

  it('never returns a server the list did not have, and a longer query never finds more', () => {
    fc.assert(
      fc.property(fc.string(), fc.string(), (a, b) => {
        const wide = matchingServers(servers, a, subscriptionName);
        const narrow = matchingServers(servers, `${a} ${b}`, subscriptionName);
        expect(narrow.every((s) => wide.includes(s))).toBe(true);
        expect(wide.every((s) => servers.includes(s))).toBe(true);
      }),
    );
  });
});

describe('how a server is worded', () => {
  it('names the kind, an elastic cluster with its nodes', () => {
    expect(servers.map(kindText)).toEqual([
      'Flexible Server',
      'Cosmos DB for PostgreSQL',
      'Flexible Server, elastic cluster (4 nodes)',
    ]);
  });

  it('says public with its rule count, or which private network', () => {
    expect(accessText(server({}))).toBe('Public (no firewall rules)');
    expect(
      accessText(server({ firewallRules: [{ name: 'office', start: '1.1.1.1', end: '1.1.1.1' }] })),
    ).toBe('Public (1 firewall rule)');
    expect(
      accessText(
        server({
          publicAccess: false,
          privateSubnet:
            '/subscriptions/s2/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-dev/subnets/postgres',
        }),
      ),
    ).toBe('Private: network vnet-dev/postgres');
    expect(accessText(server({ publicAccess: false, privateEndpoints: ['pe'] }))).toBe('Private endpoint');
  });
});

describe('the summary after adding', () => {
  it('lists what was added and says where the reasons for the rest are', () => {
    expect(listOf(['a', 'b', 'c'])).toBe('a, b and c');
    expect(addedSummary(['pg-flex', 'pg-cosmos'], [])).toBe('Added pg-flex and pg-cosmos.');
    expect(addedSummary(['pg-flex'], ['pg-x'])).toBe(
      'Added pg-flex. pg-x could not be added: the dialog says why.',
    );
    expect(addedSummary([], ['pg-x', 'pg-y'])).toBe(
      'Nothing was added. pg-x and pg-y could not be added: the dialog says why.',
    );
  });
});
