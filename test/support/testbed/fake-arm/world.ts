// The Azure the testbed starts with: two subscriptions alice reads (bob only the first), servers of
// every kind in them, and one fake server per gateway, set up so that connecting works until a
// test changes something (stops a server, turns Entra authentication off, drops a firewall rule).
import type { FakeArmOptions } from './index.js';
import type { FakeServer, FakeSubscription } from './model.js';

export const SUBSCRIPTIONS = {
  prod: '11111111-1111-4111-8111-111111111111',
  dev: '22222222-2222-4222-8222-222222222222',
} as const;

/**
 * The fake server behind each gateway. The Single Server is named like the host its gateway
 * answers on, because its logins are user@<server name> and the testbed serves it on localhost.
 */
export const TESTBED_SERVERS = { flexible: 'pg-flex', single: 'localhost', cosmos: 'pg-cosmos' } as const;

export const CLIENT_IP = '203.0.113.7';

interface Directory {
  users: readonly { upn: string; oid: string }[];
  groups: readonly { name: string; id: string }[];
}

export function defaultAzure(
  directory: Directory,
): Pick<FakeArmOptions, 'subscriptions' | 'servers' | 'clientIp'> {
  const oid = (upn: string) => directory.users.find((user) => user.upn === upn)?.oid ?? '';
  const alice = {
    principalName: 'alice@contoso.com',
    objectId: oid('alice@contoso.com'),
    principalType: 'User',
  } as const;
  const devs = directory.groups.find((group) => group.name === 'pgentra devs');
  const groupAdmin = devs
    ? [{ principalName: devs.name, objectId: devs.id, principalType: 'Group' as const }]
    : [];
  const readers = directory.users.map((user) => user.upn.toLowerCase());
  const subscriptions: FakeSubscription[] = [
    { subscriptionId: SUBSCRIPTIONS.prod, displayName: 'Contoso Production', readers },
    { subscriptionId: SUBSCRIPTIONS.dev, displayName: 'Contoso Development', readers: readers.slice(0, 1) },
  ];
  const common = {
    resourceGroup: 'rg-data',
    location: 'westeurope',
    state: 'Ready' as const,
    publicAccess: true,
    entraAuth: true,
    passwordAuth: false,
    firewallRules: [{ name: 'office', startIpAddress: '203.0.113.0', endIpAddress: '203.0.113.255' }],
  };
  const prod = { ...common, subscriptionId: SUBSCRIPTIONS.prod };
  const servers: FakeServer[] = [
    {
      ...prod,
      kind: 'flexible',
      name: TESTBED_SERVERS.flexible,
      version: '16',
      fqdn: '127.0.0.1',
      admins: [alice, ...groupAdmin],
    },
    {
      ...prod,
      kind: 'flexible',
      name: 'pg-elastic',
      version: '17',
      fqdn: 'pg-elastic.pg.testbed.example',
      clusterSize: 4,
      admins: [alice],
    },
    {
      ...prod,
      kind: 'flexible',
      name: 'pg-reporting',
      version: '15',
      fqdn: 'pg-reporting.pg.testbed.example',
      entraAuth: false,
      passwordAuth: true,
      admins: [],
    },
    {
      ...prod,
      kind: 'single',
      name: TESTBED_SERVERS.single,
      version: '11',
      fqdn: 'localhost',
      admins: [alice],
    },
    {
      ...prod,
      kind: 'cosmos',
      name: TESTBED_SERVERS.cosmos,
      version: '16',
      fqdn: '127.0.0.1',
      admins: [alice],
    },
    {
      ...common,
      subscriptionId: SUBSCRIPTIONS.dev,
      resourceGroup: 'rg-dev',
      kind: 'flexible',
      name: 'pg-private',
      version: '16',
      fqdn: 'pg-private.pg.testbed.example',
      publicAccess: false,
      delegatedSubnet: `/subscriptions/${SUBSCRIPTIONS.dev}/resourceGroups/rg-net/providers/Microsoft.Network/virtualNetworks/vnet-dev/subnets/postgres`,
      firewallRules: [],
      admins: [alice],
    },
  ];
  return { subscriptions, servers, clientIp: CLIENT_IP };
}
