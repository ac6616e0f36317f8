// Entra's public metadata (a tenant's OpenID configuration, cloud instance discovery) kept on disk,
// so a CLI process that finds a still-valid token in the shared cache needs no network at all. MSAL
// fetches the OpenID configuration again in every new process before it even looks at its cache:
// without this, each `pgentra token` without an agent paid a round trip to Entra, and failed
// offline while holding a perfectly good token. Only these documents are kept — public, the same
// for everyone, no secret in them — fresh for a day, and used past that only when Entra cannot be
// reached.
import { z } from 'zod';
import type { INetworkModule, NetworkResponse } from '@azure/msal-node';
import { writeFileAtomic } from '../files/atomic-write.js';
import type { Clock, FileSystem } from '../ports.js';

export const METADATA_CACHE_FILE = 'entra-metadata.json';
/** How long a fetched document is used without asking Entra again. */
export const METADATA_FRESH_MS = 24 * 60 * 60_000;
/** How old a document may be to stand in when Entra is unreachable. */
export const METADATA_STALE_LIMIT_MS = 30 * 24 * 60 * 60_000;
const MAX_ENTRIES = 32;

const storedFile = z.object({
  version: z.literal(1),
  documents: z.record(
    z.string(),
    z.object({ fetchedAt: z.number(), body: z.record(z.string(), z.unknown()) }),
  ),
});
type Stored = z.infer<typeof storedFile>;

/** The public metadata requests MSAL makes: OpenID configuration and instance discovery, over HTTPS. */
export function isPublicMetadataUrl(url: string): boolean {
  let target: URL;
  try {
    target = new URL(url);
  } catch {
    return false;
  }
  if (target.protocol !== 'https:' || target.username || target.password) return false;
  return (
    /^\/[^/]+\/v2\.0\/\.well-known\/openid-configuration$/.test(target.pathname) ||
    /^\/[^/]+\/discovery\/instance$/.test(target.pathname)
  );
}

export interface MetadataCacheOptions {
  fs: FileSystem;
  clock: Pick<Clock, 'now'>;
  file: string;
  /** Told when the file cannot be written (the request itself still succeeds). */
  warn?: (message: string) => void;
}

/** `client` with its GETs of Entra's public metadata answered from, and saved to, `options.file`. */
export function withMetadataCache<T extends INetworkModule>(client: T, options: MetadataCacheOptions): T {
  let stored: Promise<Stored> | undefined;
  const load = (): Promise<Stored> =>
    (stored ??= options.fs.readFile(options.file).then(
      (bytes) => {
        const parsed = storedFile.safeParse(JSON.parse(bytes.toString('utf8')));
        return parsed.success ? parsed.data : { version: 1 as const, documents: {} };
      },
      () => ({ version: 1 as const, documents: {} }),
    ));

  const save = async (url: string, body: Record<string, unknown>): Promise<void> => {
    const current = await load().catch(() => ({ version: 1 as const, documents: {} }));
    const documents = { ...current.documents, [url]: { fetchedAt: options.clock.now(), body } };
    // Keep the newest few: a person rarely uses more than a handful of tenants.
    const kept = Object.fromEntries(
      Object.entries(documents)
        .sort(([, a], [, b]) => b.fetchedAt - a.fetchedAt)
        .slice(0, MAX_ENTRIES),
    );
    const next: Stored = { version: 1, documents: kept };
    stored = Promise.resolve(next);
    try {
      await writeFileAtomic(options.fs, options.file, Buffer.from(`${JSON.stringify(next)}\n`), {
        mode: 0o600,
      });
    } catch (error) {
      options.warn?.(`cannot keep Entra's metadata for the next run: ${(error as Error).message}`);
    }
  };

  const sendGetRequestAsync = async <R>(
    url: string,
    request?: Parameters<INetworkModule['sendGetRequestAsync']>[1],
    timeout?: number,
  ): Promise<NetworkResponse<R>> => {
    if (!isPublicMetadataUrl(url)) return client.sendGetRequestAsync<R>(url, request, timeout);
    const known = (await load().catch(() => undefined))?.documents[url];
    const age = known ? options.clock.now() - known.fetchedAt : Infinity;
    if (known && age >= 0 && age < METADATA_FRESH_MS)
      return { headers: {}, body: known.body as R, status: 200 };
    let response: NetworkResponse<R>;
    try {
      response = await client.sendGetRequestAsync<R>(url, request, timeout);
    } catch (error) {
      if (known && age >= 0 && age < METADATA_STALE_LIMIT_MS)
        return { headers: {}, body: known.body as R, status: 200 };
      throw error;
    }
    const body = response.body as unknown;
    if (response.status === 200 && typeof body === 'object' && body !== null && !Array.isArray(body))
      await save(url, body as Record<string, unknown>);
    return response;
  };

  // Everything else the client offers (POSTs, our failure hints) passes through untouched.
  return Object.assign(Object.create(client) as T, { sendGetRequestAsync });
}
