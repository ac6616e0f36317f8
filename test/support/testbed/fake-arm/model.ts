// The fake Azure Resource Manager's world: subscriptions, servers of every kind with their Entra
// settings, administrators and firewall rules, and how each is rendered in the shapes of the REST
// specs (Azure/azure-rest-api-specs: Microsoft.DBforPostgreSQL flexibleServers 2025-08-01, servers
// 2017-12-01, serverGroupsv2 2023-03-02-preview; Microsoft.Resources subscriptions and tenants 2022-12-01).

export type FakeServerKind = 'flexible' | 'single' | 'cosmos';

export interface FakeAdmin {
  principalName: string;
  objectId: string;
  principalType: 'User' | 'Group' | 'ServicePrincipal';
}

export interface FakeFirewallRule {
  name: string;
  startIpAddress: string;
  endIpAddress: string;
}

export interface FakeServer {
  kind: FakeServerKind;
  subscriptionId: string;
  resourceGroup: string;
  name: string;
  location: string;
  version: string;
  state: 'Ready' | 'Stopped';
  /** What ARM reports as the host; the testbed's gateways answer on loopback. */
  fqdn: string;
  publicAccess: boolean;
  /** Private access (VNet integration): the delegated subnet's resource ID. */
  delegatedSubnet?: string;
  privateEndpoints?: string[];
  entraAuth: boolean;
  passwordAuth: boolean;
  admins: FakeAdmin[];
  firewallRules: FakeFirewallRule[];
  /** Elastic cluster (Flexible Server with `cluster`): its node count. */
  clusterSize?: number;
}

export interface FakeSubscription {
  subscriptionId: string;
  displayName: string;
  /** Users (UPNs) with a role on it; others neither list nor read it. */
  readers: string[];
  /** Every request under it answers this status (a subscription whose provider is down). */
  failsWith?: number;
}

const PROVIDER = 'Microsoft.DBforPostgreSQL';
export const TYPE_SEGMENT: Record<FakeServerKind, string> = {
  flexible: 'flexibleServers',
  single: 'servers',
  cosmos: 'serverGroupsv2',
};

export function serverId(server: Pick<FakeServer, 'subscriptionId' | 'resourceGroup' | 'kind' | 'name'>) {
  return `/subscriptions/${server.subscriptionId}/resourceGroups/${server.resourceGroup}/providers/${PROVIDER}/${TYPE_SEGMENT[server.kind]}/${server.name}`;
}

const enabled = (on: boolean) => (on ? 'Enabled' : 'Disabled');

export function renderServer(server: FakeServer, tenantId: string): unknown {
  const id = serverId(server);
  const base = {
    id,
    name: server.name,
    type: `${PROVIDER}/${TYPE_SEGMENT[server.kind]}`,
    location: server.location,
    tags: {},
  };
  const privateEndpointConnections = (server.privateEndpoints ?? []).map((endpoint, index) => ({
    id: `${id}/privateEndpointConnections/pe-${index}`,
    properties: {
      privateEndpoint: { id: endpoint },
      privateLinkServiceConnectionState: { status: 'Approved', description: '' },
    },
  }));
  if (server.kind === 'flexible') {
    return {
      ...base,
      sku: { name: 'Standard_D2ds_v5', tier: 'GeneralPurpose' },
      properties: {
        version: server.version,
        state: server.state,
        fullyQualifiedDomainName: server.fqdn,
        administratorLogin: server.passwordAuth ? 'pgadmin' : undefined,
        network: {
          publicNetworkAccess: enabled(server.publicAccess),
          ...(server.delegatedSubnet ? { delegatedSubnetResourceId: server.delegatedSubnet } : {}),
        },
        authConfig: {
          activeDirectoryAuth: enabled(server.entraAuth),
          passwordAuth: enabled(server.passwordAuth),
          tenantId,
        },
        ...(server.clusterSize ? { cluster: { clusterSize: server.clusterSize } } : {}),
        privateEndpointConnections,
      },
    };
  }
  if (server.kind === 'single') {
    return {
      ...base,
      sku: { name: 'GP_Gen5_2', tier: 'GeneralPurpose' },
      properties: {
        version: server.version,
        userVisibleState: server.state,
        fullyQualifiedDomainName: server.fqdn,
        administratorLogin: 'pgadmin',
        publicNetworkAccess: enabled(server.publicAccess),
        sslEnforcement: 'Enabled',
        privateEndpointConnections,
      },
    };
  }
  return {
    ...base,
    properties: {
      state: server.state,
      provisioningState: 'Succeeded',
      postgresqlVersion: server.version,
      citusVersion: '12.1',
      databaseName: 'citus',
      administratorLogin: 'citus',
      aadAuthEnabled: server.entraAuth ? 'enabled' : 'disabled',
      passwordEnabled: server.passwordAuth ? 'enabled' : 'disabled',
      coordinatorEnablePublicIpAccess: server.publicAccess,
      nodeEnablePublicIpAccess: false,
      nodeCount: 0,
      serverNames: [{ name: `${server.name}-c`, fullyQualifiedDomainName: server.fqdn }],
      privateEndpointConnections,
    },
  };
}

export function renderAdmins(server: FakeServer, tenantId: string): unknown[] {
  const id = serverId(server);
  if (server.kind === 'flexible')
    return server.admins.map((admin) => ({
      id: `${id}/administrators/${admin.objectId}`,
      name: admin.objectId,
      type: `${PROVIDER}/flexibleServers/administrators`,
      properties: { ...admin, tenantId },
    }));
  if (server.kind === 'single')
    // A Single Server has at most one Entra administrator.
    return server.admins.slice(0, 1).map((admin) => ({
      id: `${id}/administrators/activeDirectory`,
      name: 'activeDirectory',
      type: `${PROVIDER}/servers/administrators`,
      properties: {
        administratorType: 'ActiveDirectory',
        login: admin.principalName,
        sid: admin.objectId,
        tenantId,
      },
    }));
  return server.admins.map((admin) => ({
    id: `${id}/roles/${admin.principalName}`,
    name: admin.principalName,
    type: `${PROVIDER}/serverGroupsv2/roles`,
    properties: {
      roleType: 'admin',
      provisioningState: 'Succeeded',
      externalIdentity: {
        objectId: admin.objectId,
        principalType:
          admin.principalType === 'ServicePrincipal' ? 'servicePrincipal' : admin.principalType.toLowerCase(),
        tenantId,
      },
    },
  }));
}

export function renderRule(server: FakeServer, rule: FakeFirewallRule): unknown {
  return {
    id: `${serverId(server)}/firewallRules/${rule.name}`,
    name: rule.name,
    type: `${PROVIDER}/${TYPE_SEGMENT[server.kind]}/firewallRules`,
    properties: { startIpAddress: rule.startIpAddress, endIpAddress: rule.endIpAddress },
  };
}

export function renderSubscription(subscription: FakeSubscription, tenantId: string): unknown {
  return {
    id: `/subscriptions/${subscription.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId: subscription.subscriptionId,
    tenantId,
    displayName: subscription.displayName,
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };
}

export function renderTenant(tenantId: string): unknown {
  return {
    id: `/tenants/${tenantId}`,
    tenantId,
    tenantCategory: 'Home',
    countryCode: 'DE',
    displayName: 'Contoso (fake)',
    domains: ['contoso.com'],
    defaultDomain: 'contoso.com',
    tenantType: 'AAD',
  };
}

function ipNumber(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

/** Whether a client at `ip` may connect past the server's firewall (public access only). */
export function firewallAllows(server: FakeServer, ip: string): boolean {
  if (!server.publicAccess) return false;
  const client = ipNumber(ip);
  return server.firewallRules.some(
    (rule) => ipNumber(rule.startIpAddress) <= client && client <= ipNumber(rule.endIpAddress),
  );
}
