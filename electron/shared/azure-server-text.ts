// How the window words what Azure discovery found: a server's kind, state and network access, the
// search over them, and the one-line summary after adding several at once.
import type { AzureServerSnapshot } from './azure-types.js';

export function kindText(server: AzureServerSnapshot): string {
  if (server.kind === 'cosmos') return 'Cosmos DB for PostgreSQL';
  if (server.kind === 'single') return 'Single Server (retiring)';
  return server.elasticNodes
    ? `Flexible Server, elastic cluster (${server.elasticNodes} nodes)`
    : 'Flexible Server';
}

export function stateText(server: AzureServerSnapshot): string {
  return server.stopped ? `Stopped (${server.state})` : server.state;
}

/** The last part of an Azure resource ID: the network's and subnet's names, not the whole path. */
const shortId = (id: string) =>
  id
    .split('/')
    .slice(-3)
    .filter((part) => part !== 'subnets')
    .join('/');

export function accessText(server: AzureServerSnapshot): string {
  if (server.publicAccess) {
    const rules = server.firewallRules.length;
    return `Public (${rules === 0 ? 'no firewall rules' : rules === 1 ? '1 firewall rule' : `${rules} firewall rules`})`;
  }
  if (server.privateSubnet) return `Private: network ${shortId(server.privateSubnet)}`;
  if (server.privateEndpoints.length > 0) return 'Private endpoint';
  return 'No public access';
}

/** Servers whose name, kind, location, resource group or subscription contain every word typed. */
export function matchingServers(
  servers: readonly AzureServerSnapshot[],
  query: string,
  subscriptionName: (id: string) => string,
): AzureServerSnapshot[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [...servers];
  return servers.filter((server) => {
    const text = [
      server.name,
      kindText(server),
      server.location,
      server.resourceGroup,
      subscriptionName(server.subscriptionId),
      server.host,
    ]
      .join(' ')
      .toLowerCase();
    return words.every((word) => text.includes(word));
  });
}

/** "a", "a and b", "a, b and c". */
export function listOf(names: readonly string[]): string {
  if (names.length <= 1) return names[0] ?? '';
  return `${names.slice(0, -1).join(', ')} and ${names.at(-1) ?? ''}`;
}

/** The toast after adding: what was added, and how many could not be (their reasons are in the dialog). */
export function addedSummary(added: readonly string[], failed: readonly string[]): string {
  const addedText = added.length > 0 ? `Added ${listOf(added)}.` : 'Nothing was added.';
  if (failed.length === 0) return addedText;
  return `${addedText} ${listOf(failed)} could not be added: the dialog says why.`;
}
