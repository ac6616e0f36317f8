// Entra authority hosts and PostgreSQL resources per cloud (facts.md §1.5, §1.7; Azure CLI's
// cloud.py `ossrdbms_resource_id`). Custom clouds come from config.json: a private authority, or
// the offline testbed.
import { PgentraError } from './errors.js';
import { z } from 'zod';

export type ServerKind = 'flexible' | 'single' | 'cosmos';
export const SERVER_KINDS: readonly ServerKind[] = ['flexible', 'single', 'cosmos'];

/** Only the kinds a host name can reveal: Single and Flexible servers share one suffix. */
export type InferableKind = 'flexible' | 'cosmos';

export const BUILT_IN_CLOUD_NAMES = ['public', 'china', 'usgov'] as const;

// MSAL appends `/<tenant>` to the authority; a path, query or credentials here would end up in
// the middle of it, so only a bare https origin is accepted.
const authorityHostSchema = z
  .string()
  .trim()
  .url('authorityHost must be a URL like https://login.example.com')
  .refine((url) => url.startsWith('https://'), 'authorityHost must use https (MSAL refuses anything else)')
  .refine((url) => {
    // Not a URL at all: the url() check above has said so already.
    if (!URL.canParse(url)) return true;
    const parsed = new URL(url);
    return (
      (parsed.pathname === '/' || parsed.pathname === '') &&
      !parsed.search &&
      !parsed.hash &&
      !parsed.username &&
      !parsed.password
    );
  }, 'authorityHost is only scheme, host and port (no path: pgentra adds the tenant itself)')
  // One spelling, so `${authorityHost}/${tenant}` never has a double slash.
  .transform((url) => url.replace(/\/+$/, ''));

// A token audience is an application ID URI, which need not be https (`api://…` is common).
const resourceSchema = (kind: ServerKind) =>
  z
    .string()
    .trim()
    .url(`resources.${kind} must be an application ID URI like https://ossrdbms-aad.database.windows.net`);

const httpsUrl = (field: string, example: string) =>
  z
    .string()
    .trim()
    .url(`${field} must be a URL like ${example}`)
    .refine((url) => url.startsWith('https://'), `${field} must use https`);

export const customCloudSchema = z.object({
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'cloud names are 1–32 lower-case letters, digits and "-"'),
  authorityHost: authorityHostSchema,
  resources: z.object({
    flexible: resourceSchema('flexible'),
    single: resourceSchema('single'),
    cosmos: resourceSchema('cosmos').optional(),
  }),
  /** host[:port] of authorities MSAL does not know, so it skips the public instance-discovery call. */
  knownAuthorities: z
    .array(
      z
        .string()
        .regex(
          /^[A-Za-z0-9.-]+(:\d{1,5})?$/,
          'knownAuthorities entries are host or host:port, without https:// (MSAL compares hosts)',
        ),
    )
    .optional(),
  /** Extra root certificate for the authority (a corporate TLS proxy, the testbed). */
  caFile: z.string().min(1, 'caFile is empty: give the path of a PEM file or leave it out').optional(),
  /** Host suffixes that identify servers of this cloud, e.g. `.postgres.database.example.com`. */
  hostSuffixes: z
    .array(
      z.object({
        // The leading dot keeps `evilpostgres.example.com` from matching `postgres.example.com`.
        suffix: z
          .string()
          .trim()
          .toLowerCase()
          .regex(
            /^(\.[a-z0-9-]+){2,}$/,
            'a host suffix starts with "." and has at least two labels, e.g. ".pg.example.com"',
          ),
        kind: z.enum(['flexible', 'cosmos']),
      }),
    )
    .optional(),
  /**
   * Exact host names or IP addresses of this cloud's servers, for a private deployment whose hosts
   * share no suffix (the offline testbed serves on 127.0.0.1 and localhost).
   */
  hosts: z
    .array(
      z
        .string()
        .trim()
        .toLowerCase()
        .regex(/^[a-z0-9.:[\]-]+$/, 'hosts entries are host names or IP addresses, e.g. "pg.example.com"'),
    )
    .optional(),
  /** Azure Resource Manager of this cloud (discovery, pre-connect checks, firewall rules). */
  arm: z
    .object({
      endpoint: httpsUrl('arm.endpoint', 'https://management.azure.com').transform((url) =>
        url.replace(/\/+$/, ''),
      ),
      /** The token audience; the MSAL scope is `<resource>/.default`. */
      resource: z.string().trim().url('arm.resource must be a URL like https://management.azure.com'),
    })
    .optional(),
  /** An HTTPS service that answers the caller's public IP (JSON `{"ip": …}` or the bare address). */
  publicIpUrl: httpsUrl('publicIpUrl', 'https://api.ipify.org?format=json').optional(),
});
export type CustomCloud = z.infer<typeof customCloudSchema>;
/** What config.json may hold before defaults and normalisation. */
export type CustomCloudInput = z.input<typeof customCloudSchema>;

export interface Cloud {
  name: string;
  authorityHost: string;
  resources: { flexible: string; single: string; cosmos?: string };
  knownAuthorities?: string[];
  caFile?: string;
  hostSuffixes: { suffix: string; kind: InferableKind }[];
  hosts?: string[];
  arm?: { endpoint: string; resource: string };
  publicIpUrl?: string;
  /** The PEM in assets/tls with the roots this cloud's PostgreSQL servers chain to (built-in clouds). */
  tlsRoots?: string;
}

export const BUILT_IN_CLOUDS: readonly Cloud[] = [
  {
    name: 'public',
    authorityHost: 'https://login.microsoftonline.com',
    resources: {
      flexible: 'https://ossrdbms-aad.database.windows.net',
      single: 'https://ossrdbms-aad.database.windows.net',
      cosmos: 'https://token.postgres.cosmos.azure.com',
    },
    tlsRoots: 'azure-public.pem',
    arm: { endpoint: 'https://management.azure.com', resource: 'https://management.azure.com' },
    // Flexible Server, its elastic clusters and the retired Single Server share the first suffix.
    hostSuffixes: [
      { suffix: '.postgres.database.azure.com', kind: 'flexible' },
      { suffix: '.postgres.cosmos.azure.com', kind: 'cosmos' },
    ],
  },
  {
    // No Cosmos resource: Microsoft documents none for the sovereign clouds (facts.md §1.5, §7).
    name: 'china',
    authorityHost: 'https://login.chinacloudapi.cn',
    resources: {
      flexible: 'https://ossrdbms-aad.database.chinacloudapi.cn',
      single: 'https://ossrdbms-aad.database.chinacloudapi.cn',
    },
    tlsRoots: 'azure-china.pem',
    // Azure CLI's active_directory_resource_id for the sovereign clouds (trailing slash kept).
    arm: {
      endpoint: 'https://management.chinacloudapi.cn',
      resource: 'https://management.core.chinacloudapi.cn/',
    },
    hostSuffixes: [{ suffix: '.postgres.database.chinacloudapi.cn', kind: 'flexible' }],
  },
  {
    name: 'usgov',
    authorityHost: 'https://login.microsoftonline.us',
    resources: {
      flexible: 'https://ossrdbms-aad.database.usgovcloudapi.net',
      single: 'https://ossrdbms-aad.database.usgovcloudapi.net',
    },
    tlsRoots: 'azure-usgov.pem',
    arm: {
      endpoint: 'https://management.usgovcloudapi.net',
      resource: 'https://management.usgovcloudapi.net',
    },
    hostSuffixes: [{ suffix: '.postgres.database.usgovcloudapi.net', kind: 'flexible' }],
  },
];

/**
 * The host names MSAL records as an account's `environment` for each built-in cloud: its cache
 * key is the cloud's preferred alias (login.windows.net for the public cloud), so any alias may
 * appear (msal-common's instance-discovery metadata).
 */
const ENTRA_HOST_ALIASES: Record<(typeof BUILT_IN_CLOUD_NAMES)[number], readonly string[]> = {
  public: ['login.microsoftonline.com', 'login.windows.net', 'login.microsoft.com', 'sts.windows.net'],
  china: ['login.chinacloudapi.cn', 'login.partner.microsoftonline.cn'],
  usgov: ['login.microsoftonline.us', 'login.usgovcloudapi.net'],
};

/** Whether an account signed in at `environment` (MSAL's AccountInfo.environment) belongs to `cloud`. */
export function accountInCloud(environment: string, cloud: Cloud): boolean {
  const wanted = environment.toLowerCase();
  const builtIn = BUILT_IN_CLOUD_NAMES.find((name) => name === cloud.name);
  const hosts = builtIn
    ? ENTRA_HOST_ALIASES[builtIn]
    : [new URL(cloud.authorityHost).host, ...(cloud.knownAuthorities ?? [])].map((h) => h.toLowerCase());
  return hosts.includes(wanted);
}

/** Its category is the one of a bad cluster field: the CLI and the window treat both alike. */
export class UnknownCloudError extends PgentraError {
  override readonly name = 'UnknownCloudError';
  readonly field = 'cloud';
  constructor(message: string) {
    super('unknown-cloud', message, { field: 'cloud' });
  }
}

export function allClouds(custom: readonly CustomCloud[] = []): Cloud[] {
  return [...BUILT_IN_CLOUDS, ...custom.map((c) => ({ ...c, hostSuffixes: c.hostSuffixes ?? [] }))];
}

export function resolveCloud(name: string, custom: readonly CustomCloud[] = []): Cloud {
  const cloud = allClouds(custom).find((c) => c.name === name);
  if (!cloud) {
    throw new UnknownCloudError(
      `unknown cloud "${name}" (known: ${allClouds(custom)
        .map((c) => c.name)
        .join(', ')})`,
    );
  }
  return cloud;
}

/**
 * The token audience for a server kind in a cloud, or an explanation of why there is none (today
 * only Cosmos DB for PostgreSQL outside the public cloud).
 */
export function cloudResource(
  cloud: Cloud,
  kind: ServerKind,
): { ok: true; resource: string } | { ok: false; message: string } {
  const resource = cloud.resources[kind];
  if (resource) return { ok: true, resource };
  const builtIn = BUILT_IN_CLOUD_NAMES.some((name) => name === cloud.name);
  return {
    ok: false,
    message: builtIn
      ? `Microsoft documents no Cosmos DB for PostgreSQL resource for the ${cloud.name} cloud ` +
        '(it is only known for the public cloud); add a custom cloud with resources.cosmos if yours has one'
      : `the custom cloud "${cloud.name}" has no resources.cosmos; add one to it to use Cosmos DB for PostgreSQL`,
  };
}

/**
 * The MSAL scope for a resource. Exactly `<resource>/.default`, as Azure CLI builds it: a resource
 * whose identifier URI ends in "/" really needs `…//.default`, so a trailing slash is kept.
 */
export function scopeFor(resource: string): string {
  return `${resource}/.default`;
}

/** Lower-case, trimmed, without the trailing dot of a fully qualified name. */
export function normalizeHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

/** Which cloud and server kind a host name belongs to, if its suffix says so. */
export function inferFromHost(
  host: string,
  custom: readonly CustomCloud[] = [],
): { cloud: string; kind: InferableKind } | null {
  const lower = normalizeHost(host);
  for (const cloud of allClouds(custom)) {
    for (const { suffix, kind } of cloud.hostSuffixes) {
      if (endsInSuffix(lower, suffix)) return { cloud: cloud.name, kind };
    }
  }
  return null;
}

// The suffix starts with a dot, so `evilpostgres.database.azure.com` cannot match; at least one
// non-empty label must precede it.
function endsInSuffix(host: string, suffix: string): boolean {
  return host.endsWith(suffix) && host.length > suffix.length && !host.endsWith(`.${suffix}`);
}

/**
 * Whether a host is one of the cloud's PostgreSQL servers by name: it ends in one of the cloud's
 * suffixes or is one of its listed hosts. Any other host (an IP, a look-alike such as
 * `x.postgres.database.azure.com.evil.example`, a custom DNS name) would receive a token that
 * opens every server of the cloud the account can reach, so it needs the user's explicit trust.
 */
export function hostInCloud(host: string, cloud: Cloud): boolean {
  const lower = normalizeHost(host);
  return (
    cloud.hostSuffixes.some(({ suffix }) => endsInSuffix(lower, suffix)) ||
    (cloud.hosts ?? []).some((known) => normalizeHost(known) === lower)
  );
}
