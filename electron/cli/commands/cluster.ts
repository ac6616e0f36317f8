import { existsSync } from 'node:fs';
import path from 'node:path';
import { formatHelp, parseCommand, parsePort, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import type { ClusterView, Pgentra } from '../../core/pgentra.js';
import { TRUST_HOST_REACH } from '../../core/clusters.js';
import { describePaste, parseConnectionText, type ConnectionField } from '../../shared/connection-text.js';

const addHelp: CommandHelp = {
  usage:
    'pgentra cluster add NAME --host HOST [--port PORT] [--database DB] [--user USER [--group]] [--kind KIND] [--cloud CLOUD] [--account ACCOUNT] [--tenant TENANT] [--sslrootcert FILE|system] [--sslmode verify-full|require] [--hostaddr IP] [--trust-host] [--server-name NAME]',
  summary:
    'Saves a cluster. NAME is your short name for it (letters, digits, ".", "_", "-"). The kind (flexible, single, cosmos) ' +
    "and cloud are inferred from the host name; the user defaults to the signed-in account's UPN. For legacy Single Server " +
    'pgentra appends "@<server>" to the user name itself. --host also takes what the Azure portal shows: host:port, a ' +
    'postgres:// URI, or its psql, JDBC or ADO.NET connection string (port, database and user are taken from it unless ' +
    'given as options; a password in it is never kept).',
  options: [
    [
      '--from-azure SERVER',
      'take host, kind, cloud and database from Azure (`pgentra cluster add --from-azure --help`)',
    ],
    [
      '--host HOST',
      'server host name, e.g. myserver.postgres.database.azure.com, or a connection string pasted from the portal',
    ],
    ['--port PORT', 'default 5432'],
    ['--database DB', 'default postgres (citus for Cosmos DB for PostgreSQL)'],
    ['--user USER', 'database user: your UPN, or an Entra group name with --group'],
    ['--group', 'USER is an Entra group: sign in as a member of it'],
    ['--kind KIND', 'flexible | single | cosmos (only needed when the host does not tell)'],
    ['--cloud CLOUD', 'public | china | usgov | a custom cloud (only needed when the host does not tell)'],
    ['--account ACCOUNT', 'which signed-in account to use, when several are'],
    [
      '--tenant TENANT',
      "the server's Entra tenant (ID or domain) when it is not your account's own, e.g. as a guest",
    ],
    [
      '--sslrootcert FILE|system',
      'root certificates (PEM) to verify the server with, or "system" for the OS store (psql/libpq 16+); ' +
        'default: PGSSLROOTCERT, else the Azure roots pgentra ships',
    ],
    [
      '--sslmode MODE',
      "verify-full (default) checks the server's certificate; require only encrypts: anyone on the network path can take the token",
    ],
    [
      '--hostaddr IP',
      'connect to this address (a private endpoint) while checking the certificate against HOST',
    ],
    ['--trust-host', `send tokens to a HOST outside the cloud's PostgreSQL host names: ${TRUST_HOST_REACH}`],
    [
      '--server-name NAME',
      "Single Server only: the server's name for its user@servername login, when HOST is an IP address or a custom DNS name",
    ],
  ],
  examples: [
    'pgentra cluster add prod --host myserver.postgres.database.azure.com --database appdb',
    'pgentra cluster add analytics --host c-mycluster.abc123.postgres.cosmos.azure.com --database citus',
    'pgentra cluster add admins --host myserver.postgres.database.azure.com --user "DB Admins" --group',
    'pgentra cluster add private --host myserver.postgres.database.azure.com --hostaddr 10.0.0.5',
    `pgentra cluster add prod --host 'jdbc:postgresql://myserver.postgres.database.azure.com:5432/appdb?user=alice@contoso.com&sslmode=require'`,
    'pgentra cluster add legacy --kind single --host 10.0.0.7 --trust-host --server-name myserver',
  ],
};

const fromAzureHelp: CommandHelp = {
  usage:
    'pgentra cluster add [NAME] --from-azure SERVER|RESOURCE-ID [--user USER [--group]] [--database DB] [--port PORT] [--account ACCOUNT] [--tenant TENANT] [--cloud CLOUD] [--trust-host]',
  summary:
    'Saves a server found in Azure (see `pgentra discover`): host, kind, cloud, database (citus for Cosmos DB for PostgreSQL) ' +
    "and its resource ID come from Azure, the user from your account. NAME defaults to the server's name. The host must " +
    "still be one of the cloud's PostgreSQL host names (else --trust-host, which says what it means).",
  options: [
    ['--from-azure SERVER', "the server's name (unique among those you see) or its resource ID"],
    ['--user USER', "database user (default: your account's UPN); an Entra group with --group"],
    ['--database DB', "default: the server's (postgres, or citus for Cosmos DB for PostgreSQL)"],
    ['--port PORT', 'default 5432'],
    ['--account ACCOUNT', 'which signed-in account looks in Azure and signs in to the server'],
    ['--tenant TENANT', "the server's tenant when you are a guest there (discovery and tokens ask it)"],
  ],
  examples: [
    'pgentra cluster add --from-azure myserver',
    'pgentra cluster add prod --from-azure /subscriptions/…/flexibleServers/myserver',
  ],
};

const trustHelp: CommandHelp = {
  usage: 'pgentra cluster trust NAME',
  summary:
    "Lets pgentra send tokens to a cluster whose host is not one of its cloud's PostgreSQL host names " +
    `(an IP address, a custom DNS name). Only do this for a server you know: ${TRUST_HOST_REACH}. ` +
    'The server is still verified (sslmode=verify-full).',
  options: [],
  examples: ['pgentra cluster trust onprem-alias'],
};

const help: CommandHelp = {
  usage: 'pgentra cluster add|list|remove …',
  summary: 'Manages saved clusters. `pgentra cluster add --help` for adding one.',
  options: [
    ['add NAME --host HOST …', 'save a cluster'],
    ['add [NAME] --from-azure SERVER', 'save a server found in Azure (`pgentra discover`)'],
    ['trust NAME', "allow tokens for a host outside the cloud's PostgreSQL host names"],
    ['list [--json]', 'list saved clusters'],
    ['remove NAME', 'forget a cluster (and its pgpass line)'],
  ],
  examples: [
    'pgentra cluster add prod --host myserver.postgres.database.azure.com',
    'pgentra cluster list',
    'pgentra cluster remove prod',
  ],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const [verb, ...rest] = argv;
  switch (verb) {
    case 'add':
      return add(rest, io);
    case 'list':
    case 'ls':
      return list(rest, io);
    case 'remove':
    case 'rm':
      return remove(rest, io);
    case 'trust':
      return trust(rest, io);
    case '--help':
    case '-h':
      io.stdout(formatHelp(help));
      return ExitCode.ok;
    case undefined:
      io.stderr(formatHelp(help));
      return ExitCode.usage;
    default:
      throw usageError(`unknown cluster command "${verb}" (use add, list, remove or trust)`);
  }
}

async function add(argv: string[], io: Io): Promise<number> {
  if (argv.some((arg) => arg === '--from-azure' || arg.startsWith('--from-azure=')))
    return addFromAzure(argv, io);
  const parsed = parseCommand(
    argv,
    {
      host: { type: 'string' },
      port: { type: 'string' },
      database: { type: 'string' },
      user: { type: 'string' },
      group: { type: 'boolean' },
      kind: { type: 'string' },
      cloud: { type: 'string' },
      account: { type: 'string' },
      sslrootcert: { type: 'string' },
      sslmode: { type: 'string' },
      hostaddr: { type: 'string' },
      'trust-host': { type: 'boolean' },
      tenant: { type: 'string' },
      'server-name': { type: 'string' },
    },
    addHelp,
    io,
    { min: 1, max: 1 },
  );
  if (!parsed) return ExitCode.ok;
  const { values, positionals } = parsed;
  if (!values.host) throw usageError('--host is required', `Usage: ${addHelp.usage}`);
  if (values.group && !values.user) throw usageError('--group needs --user GROUP_NAME');
  const sslRootCert =
    values.sslrootcert === undefined || values.sslrootcert === 'system'
      ? values.sslrootcert
      : path.resolve(values.sslrootcert);
  if (sslRootCert !== undefined && sslRootCert !== 'system' && !existsSync(sslRootCert))
    throw usageError(`--sslrootcert: no file at ${sslRootCert}`);
  const tls = values.sslmode;
  if (tls !== undefined && tls !== 'verify-full' && tls !== 'require')
    throw usageError(`--sslmode must be verify-full or require (got "${tls}")`);
  const pasted = fromPastedHost(values.host, values, io);
  const core = await openCore(io);
  const cluster = await core.addCluster({
    name: positionals[0] ?? '',
    host: pasted.host,
    port: values.port !== undefined ? parsePort('port', values.port) : pasted.port,
    database: values.database ?? pasted.database,
    user: values.user ?? pasted.user,
    group: values.group ?? false,
    kind: values.kind,
    cloud: values.cloud,
    account: values.account,
    sslRootCert,
    tenant: values.tenant,
    tls,
    hostaddr: values.hostaddr,
    trustHost: values['trust-host'] ?? false,
    serverName: values['server-name'],
  });
  reportAdded(core, cluster, io);
  return ExitCode.ok;
}

async function addFromAzure(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'from-azure': { type: 'string' },
      user: { type: 'string' },
      group: { type: 'boolean' },
      database: { type: 'string' },
      port: { type: 'string' },
      account: { type: 'string' },
      cloud: { type: 'string' },
      tenant: { type: 'string' },
      'trust-host': { type: 'boolean' },
    },
    fromAzureHelp,
    io,
    { max: 1 },
  );
  if (!parsed) return ExitCode.ok;
  const { values, positionals } = parsed;
  if (!values['from-azure']) throw usageError('--from-azure needs a server name or resource ID');
  if (values.group && !values.user) throw usageError('--group needs --user GROUP_NAME');
  const core = await openCore(io);
  const { clusterFromServer, clusterNameFor } = await import('../../core/azure/cluster-from-server.js');
  const found = await core.azure.server(values['from-azure'], {
    cloud: values.cloud,
    account: values.account,
  });
  const cluster = await core.addCluster({
    ...clusterFromServer(found.server, found.cloud),
    name: positionals[0] ?? clusterNameFor(found.server),
    ...(values.database ? { database: values.database } : {}),
    ...(values.port ? { port: parsePort('port', values.port) } : {}),
    user: values.user,
    group: values.group ?? false,
    account: values.account,
    tenant: values.tenant,
    trustHost: values['trust-host'] ?? false,
  });
  io.stderr(`Found ${found.server.name} in Azure (${found.server.id}).\n`);
  reportAdded(core, cluster, io);
  return ExitCode.ok;
}

function reportAdded(core: Pgentra, cluster: ClusterView, io: Io): void {
  io.stderr(
    `Added ${cluster.name}: ${cluster.kind} server ${cluster.host}:${cluster.port}, database ${cluster.database}, ` +
      `user ${cluster.loginUser}${cluster.group ? ' (group)' : ''}, cloud ${cluster.cloud}` +
      `${cluster.tenant ? `, tenant ${cluster.tenant}` : ''}${cluster.hostaddr ? `, via ${cluster.hostaddr}` : ''}.\n`,
  );
  if (cluster.trustHost)
    io.stderr(`pgentra: warning: ${cluster.host} is trusted by you: ${TRUST_HOST_REACH}.\n`);
  const { warning } = core.tlsFor(cluster);
  if (warning) io.stderr(`pgentra: warning: ${warning}.\n`);
}

/**
 * `--host` as pasted (host:port, a URI, the portal's connection strings): the fields it carries,
 * each only where no option gives it, and a line on stderr saying what was taken.
 */
function fromPastedHost(
  text: string,
  options: Partial<Record<ConnectionField, string>>,
  io: Io,
): { host: string; port?: number; database?: string; user?: string } {
  const pasted = parseConnectionText(text);
  if (!pasted.ok) throw usageError(`--host: ${pasted.message}`);
  const carried = (['host', 'port', 'database', 'user'] as const).filter(
    (f) => pasted.fields[f] !== undefined,
  );
  const kept = carried.filter((field) => field !== 'host' && options[field] !== undefined);
  const taken = carried.filter((field) => !kept.includes(field));
  if (pasted.format !== 'host')
    io.stderr(`pgentra: ${describePaste(pasted, taken, kept, (field) => `--${field}`)}\n`);
  const { host, ...rest } = pasted.fields;
  return {
    host,
    ...Object.fromEntries(Object.entries(rest).filter(([field]) => taken.includes(field as ConnectionField))),
  };
}

async function trust(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, {}, trustHelp, io, { min: 1, max: 1 });
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const name = parsed.positionals[0] ?? '';
  const cluster = await core.updateCluster(name, { ...core.cluster(name), trustHost: true });
  io.stderr(
    `Trusted ${cluster.host} for ${cluster.name}: ${TRUST_HOST_REACH}. The server is still verified (sslmode=verify-full).\n`,
  );
  return ExitCode.ok;
}

async function list(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    { json: { type: 'boolean' } },
    { ...help, usage: 'pgentra cluster list [--json]' },
    io,
  );
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const clusters = core.clusters();
  if (parsed.values.json) {
    io.stdout(JSON.stringify(clusters, null, 2) + '\n');
    return ExitCode.ok;
  }
  if (clusters.length === 0)
    io.stderr('No clusters yet. Add one with `pgentra cluster add NAME --host HOST`.\n');
  for (const c of clusters)
    io.stdout(`${c.name}\t${c.kind}\t${c.host}:${c.port}\t${c.database}\t${c.loginUser}\n`);
  return ExitCode.ok;
}

async function remove(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, {}, { ...help, usage: 'pgentra cluster remove NAME' }, io, {
    min: 1,
    max: 1,
  });
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const name = parsed.positionals[0] ?? '';
  await core.removeCluster(name);
  io.stderr(`Removed ${name}.\n`);
  return ExitCode.ok;
}
