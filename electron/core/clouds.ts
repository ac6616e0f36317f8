// Entra authority hosts and PostgreSQL resources per cloud (facts.md §1.5, §1.7; Azure CLI's
// cloud.py `ossrdbms_resource_id`). Custom clouds come from config.json: a private authority, or
// the offline testbed.
import { z } from 'zod';

export type ServerKind = 'flexible' | 'single' | 'cosmos';

export const customCloudSchema = z.object({
  name: z.string().regex(/^[a-z0-9][a-z0-9-]{0,31}$/, 'cloud names are lower-case letters, digits and "-"'),
  authorityHost: z
    .string()
    .url('authorityHost must be a URL like https://login.example.com')
    .refine((url) => url.startsWith('https://'), 'authorityHost must use https (MSAL refuses anything else)'),
  resources: z.object({
    flexible: z.string().url(),
    single: z.string().url(),
    cosmos: z.string().url().optional(),
  }),
  /** host[:port] of authorities MSAL does not know, so it skips the public instance-discovery call. */
  knownAuthorities: z.array(z.string().min(1)).optional(),
  /** Extra root certificate for the authority (a corporate TLS proxy, the testbed). */
  caFile: z.string().min(1).optional(),
  /** Host suffixes that identify servers of this cloud, e.g. `.postgres.database.example.com`. */
  hostSuffixes: z
    .array(z.object({ suffix: z.string().min(2), kind: z.enum(['flexible', 'cosmos']) }))
    .optional(),
});
export type CustomCloud = z.infer<typeof customCloudSchema>;

export interface Cloud {
  name: string;
  authorityHost: string;
  resources: { flexible: string; single: string; cosmos?: string };
  knownAuthorities?: string[];
  caFile?: string;
  hostSuffixes: { suffix: string; kind: 'flexible' | 'cosmos' }[];
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
    hostSuffixes: [
      { suffix: '.postgres.database.azure.com', kind: 'flexible' },
      { suffix: '.postgres.cosmos.azure.com', kind: 'cosmos' },
    ],
  },
  {
    name: 'china',
    authorityHost: 'https://login.chinacloudapi.cn',
    resources: {
      flexible: 'https://ossrdbms-aad.database.chinacloudapi.cn',
      single: 'https://ossrdbms-aad.database.chinacloudapi.cn',
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
    hostSuffixes: [{ suffix: '.postgres.database.usgovcloudapi.net', kind: 'flexible' }],
  },
];

export class UnknownCloudError extends Error {
  override readonly name = 'ClusterValidationError';
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

/** Which cloud and server kind a host name belongs to, if its suffix says so. */
export function inferFromHost(
  host: string,
  custom: readonly CustomCloud[] = [],
): { cloud: string; kind: 'flexible' | 'cosmos' } | null {
  const lower = host.trim().toLowerCase().replace(/\.$/, '');
  for (const cloud of allClouds(custom)) {
    for (const { suffix, kind } of cloud.hostSuffixes) {
      if (lower.endsWith(suffix) && lower.length > suffix.length) return { cloud: cloud.name, kind };
    }
  }
  return null;
}
