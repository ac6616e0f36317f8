// The checks before connecting, from what Azure Resource Manager says about the server and what
// the token says about the user: each one a result with a fix the user (or an admin) can act on.
// They explain the bare FATALs of a connection: server stopped, Entra authentication off, no
// Entra principal for the user, the client's IP outside the firewall, public access off.
import { coveringRule, describeRule, isAzureServicesRule } from './firewall.js';
import type { AzureServer } from './resources.js';

export type CheckStatus = 'ok' | 'fail' | 'warn' | 'skip';
export type CheckId = 'state' | 'entra' | 'principal' | 'network';

export interface CheckResult {
  id: CheckId;
  status: CheckStatus;
  message: string;
  /** What to do, in a sentence. */
  fix?: string;
  /** SQL an administrator runs (shown verbatim, ready to paste). */
  sql?: string;
  /** A command the user (or an admin) runs. */
  command?: string;
}

export interface CheckedIdentity {
  /** The database user the cluster logs in as (UPN or group name, without a Single Server suffix). */
  user: string;
  group: boolean;
  /** From the token: object ID and the group object IDs Entra put in its `groups` claim. */
  objectId: string;
  groupIds: readonly string[];
}

/** `'` doubled: the name goes into a SQL string literal. */
const literal = (text: string) => `'${text.replace(/'/g, "''")}'`;

export function principalSql(identity: Pick<CheckedIdentity, 'user'>): string {
  // pgaadauth_create_principal(name, isAdmin, isMfa) creates the role Entra tokens log in as.
  return `SELECT * FROM pgaadauth_create_principal(${literal(identity.user)}, false, false);`;
}

function stateCheck(server: AzureServer): CheckResult {
  if (!server.stopped) return { id: 'state', status: 'ok', message: `${server.name} is ${server.state}` };
  const command =
    server.kind === 'flexible'
      ? `az postgres flexible-server start --resource-group ${server.resourceGroup} --name ${server.name}`
      : server.kind === 'cosmos'
        ? `az resource invoke-action --action start --ids ${server.id}`
        : `az postgres server start --resource-group ${server.resourceGroup} --name ${server.name}`;
  return {
    id: 'state',
    status: 'fail',
    message: `${server.name} is stopped (${server.state}): it takes no connections`,
    fix: 'Start it in the Azure portal (Overview → Start), or ask whoever may start it to run the command below.',
    command,
  };
}

function entraCheck(server: AzureServer): CheckResult {
  if (server.entraAuth === true)
    return { id: 'entra', status: 'ok', message: 'Microsoft Entra authentication is enabled' };
  if (server.entraAuth === null)
    return {
      id: 'entra',
      status: 'skip',
      message: 'Azure does not say whether Entra authentication is enabled',
    };
  if (server.kind === 'single')
    return {
      id: 'entra',
      status: 'fail',
      message: `${server.name} has no Microsoft Entra administrator, so it accepts no Entra tokens`,
      fix: 'An owner of the server sets one (portal → Authentication → Set admin), or runs the command below.',
      command: `az postgres server ad-admin create --resource-group ${server.resourceGroup} --server-name ${server.name} --display-name ADMIN_NAME --object-id ADMIN_OBJECT_ID`,
    };
  return {
    id: 'entra',
    status: 'fail',
    message: `Microsoft Entra authentication is disabled on ${server.name}: a token is refused as a wrong password`,
    fix:
      server.kind === 'flexible'
        ? 'An owner of the server turns it on: portal → Security → Authentication → "PostgreSQL and Microsoft Entra authentication", or the command below.'
        : 'An owner of the cluster turns it on: portal → Authentication → "PostgreSQL and Microsoft Entra ID authentication".',
    ...(server.kind === 'flexible'
      ? {
          command: `az postgres flexible-server update --resource-group ${server.resourceGroup} --name ${server.name} --microsoft-entra-auth Enabled`,
        }
      : {}),
  };
}

function principalCheck(server: AzureServer, identity: CheckedIdentity): CheckResult {
  const own = server.admins.find((a) => a.objectId.toLowerCase() === identity.objectId.toLowerCase());
  const viaGroup = server.admins.find((a) =>
    identity.groupIds.some((g) => g.toLowerCase() === a.objectId.toLowerCase()),
  );
  const cosmosRole = server.kind === 'cosmos' ? ' role' : ' administrator';
  if (own && (!identity.group || own.name === identity.user))
    return {
      id: 'principal',
      status: 'ok',
      message: `you (${own.name}) are a Microsoft Entra${cosmosRole} of ${server.name}`,
    };
  if (viaGroup && (!identity.group || viaGroup.name === identity.user))
    return {
      id: 'principal',
      status: 'ok',
      message: `your group ${viaGroup.name} is a Microsoft Entra${cosmosRole} of ${server.name}${identity.group ? '' : ` (log in as "${viaGroup.name}" with --group to use it)`}`,
    };
  const who = identity.group ? `the group "${identity.user}"` : identity.user;
  const sql = principalSql(identity);
  if (server.kind === 'cosmos')
    return {
      id: 'principal',
      status: 'warn',
      message: `${who} has no Microsoft Entra role on ${server.name}`,
      fix:
        'An owner adds it in the portal (cluster → Authentication → Add Microsoft Entra ID admins), or a Microsoft Entra ' +
        'admin of the cluster connects to the coordinator, database citus, and runs the SQL below.',
      sql,
    };
  return {
    id: 'principal',
    status: 'warn',
    message:
      `${who} is not a Microsoft Entra administrator of ${server.name}` +
      (server.admins.length
        ? ` (they are: ${server.admins.map((a) => a.name).join(', ')})`
        : ' (it has none)') +
      '; Azure does not show roles created in the database, so this works only if an administrator created one',
    fix:
      server.admins.length === 0
        ? 'Ask an owner of the server to add a Microsoft Entra administrator; that administrator then runs the SQL below in the postgres database.'
        : `Ask ${server.admins.map((a) => a.name).join(' or ')} to connect to the postgres database and run the SQL below, then grant what you need.`,
    sql,
  };
}

function networkCheck(server: AzureServer, clusterName: string, publicIp: string | Error): CheckResult {
  if (!server.publicAccess) {
    const network = server.privateSubnet
      ? `the virtual network ${vnetOf(server.privateSubnet)}`
      : server.privateEndpoints.length
        ? `private endpoint${server.privateEndpoints.length > 1 ? 's' : ''} ${server.privateEndpoints.map((id) => id.split('/').pop()).join(', ')}`
        : 'private networks only';
    return {
      id: 'network',
      status: 'warn',
      message: `${server.name} has public access disabled: it is reachable only from ${network}`,
      fix: 'Connect from inside that network (VPN, a peered network or a jump host); for a private endpoint keep the Azure host name and add its address with --hostaddr.',
    };
  }
  if (publicIp instanceof Error)
    return {
      id: 'network',
      status: 'skip',
      message: `your public IP is unknown (${publicIp.message}), so the firewall was not checked`,
    };
  const rule = coveringRule(server, publicIp);
  if (rule)
    return {
      id: 'network',
      status: 'ok',
      message: `your public IP ${publicIp} is allowed by firewall rule ${describeRule(rule)}`,
    };
  const onlyAzure = server.firewallRules.some(isAzureServicesRule);
  return {
    id: 'network',
    status: 'fail',
    message: `your public IP ${publicIp} is not allowed by any firewall rule of ${server.name}${onlyAzure ? ' (the 0.0.0.0 rule admits Azure services only)' : ''}`,
    fix: 'Add a rule for your address (pgentra shows it and asks first), or ask an owner of the server to add one.',
    command: `pgentra firewall allow-my-ip ${clusterName}`,
  };
}

function vnetOf(subnetId: string): string {
  const match = /virtualNetworks\/([^/]+)\/subnets\/([^/]+)/i.exec(subnetId);
  return match ? `${match[1]} (subnet ${match[2]})` : subnetId;
}

export function preconnectChecks(input: {
  clusterName: string;
  server: AzureServer;
  identity: CheckedIdentity;
  publicIp: string | Error;
}): CheckResult[] {
  const { server } = input;
  return [
    stateCheck(server),
    entraCheck(server),
    server.problems.some((p) => p.startsWith('Entra administrators'))
      ? { id: 'principal', status: 'skip', message: `the Entra administrators could not be read` }
      : principalCheck(server, input.identity),
    server.problems.some((p) => p.startsWith('firewall rules'))
      ? { id: 'network', status: 'skip', message: 'the firewall rules could not be read' }
      : networkCheck(server, input.clusterName, input.publicIp),
  ];
}
