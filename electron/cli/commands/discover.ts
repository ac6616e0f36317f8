// `pgentra discover`: the PostgreSQL servers the signed-in account sees in Azure, with what decides
// whether a token gets in (state, Entra authentication, administrators, network, firewall).
import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';
import type { AzureServer } from '../../core/azure/resources.js';

const help: CommandHelp = {
  usage:
    'pgentra discover [--subscription ID|NAME] [--cloud CLOUD] [--account ACCOUNT] [--tenant TENANT] [--json]',
  summary:
    'Lists the Azure Database for PostgreSQL servers (Flexible Server and its elastic clusters, legacy Single Server) and ' +
    'Azure Cosmos DB for PostgreSQL clusters in every subscription your account can read, with location, version, state, ' +
    'public or private access, Entra authentication, Entra administrators and firewall rules. It uses your pgentra sign-in ' +
    '(a token for Azure Resource Manager); a subscription that cannot be read is reported and the others are still listed. ' +
    'Add one with `pgentra cluster add --from-azure NAME`.',
  options: [
    ['--subscription ID|NAME', 'only this subscription'],
    ['--cloud CLOUD', 'the cloud to look in (default: the configured cloud)'],
    ['--account ACCOUNT', 'which signed-in account (default: the first in that cloud)'],
    ['--tenant TENANT', "another organisation's tenant you are a guest in: its subscriptions"],
    ['--json', 'machine-readable output on stdout'],
  ],
  examples: ['pgentra discover', 'pgentra discover --subscription "Contoso Production" --json'],
};

export function accessText(server: AzureServer): string {
  if (server.publicAccess) return 'public';
  if (server.privateSubnet)
    return `private (${/virtualNetworks\/([^/]+)/i.exec(server.privateSubnet)?.[1] ?? 'VNet'})`;
  return server.privateEndpoints.length ? 'private endpoint' : 'private';
}

function entraText(server: AzureServer): string {
  if (server.entraAuth === null) return 'entra ?';
  if (!server.entraAuth) return 'entra OFF';
  return server.passwordAuth === false ? 'entra only' : 'entra+password';
}

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      subscription: { type: 'string' },
      cloud: { type: 'string' },
      account: { type: 'string' },
      tenant: { type: 'string' },
      json: { type: 'boolean' },
    },
    help,
    io,
  );
  if (!parsed) return ExitCode.ok;
  const { values } = parsed;
  const core = await openCore(io);
  const found = await core.azure.discover({
    cloud: values.cloud,
    account: values.account,
    subscription: values.subscription,
    tenant: values.tenant,
  });
  const failed = found.subscriptions.filter((s) => s.problems.length > 0);
  for (const subscription of failed)
    for (const problem of subscription.problems)
      io.stderr(`pgentra: warning: subscription ${subscription.name || subscription.id}: ${problem}\n`);
  if (values.json) {
    io.stdout(JSON.stringify(found, null, 2) + '\n');
    return ExitCode.ok;
  }
  io.stderr(
    `${found.servers.length} server(s) in ${found.subscriptions.length} subscription(s) seen by ${found.account} (${found.cloud} cloud).\n`,
  );
  for (const server of found.servers) {
    const kind = server.elasticNodes ? `elastic cluster, ${server.elasticNodes} nodes` : server.kind;
    io.stdout(
      `${server.name}\t${kind}\t${server.location}\tPostgreSQL ${server.version}\t${server.state}\t${server.host}\t` +
        `${accessText(server)}\t${entraText(server)}\n`,
    );
    const admins = server.admins.map((a) => `${a.name} (${a.type.toLowerCase()})`).join(', ') || 'none';
    io.stdout(`    Entra administrators: ${admins}\n`);
    if (server.publicAccess) {
      const rules = server.firewallRules.map((r) => `${r.name} ${r.start}–${r.end}`).join(', ') || 'none';
      io.stdout(`    firewall rules: ${rules}\n`);
    }
    for (const problem of server.problems) io.stdout(`    could not read ${problem}\n`);
  }
  if (found.servers.length === 0 && failed.length === 0)
    io.stderr('No PostgreSQL servers in these subscriptions.\n');
  return ExitCode.ok;
}
