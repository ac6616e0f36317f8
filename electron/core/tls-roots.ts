// Where the Azure root certificates pgentra ships (assets/tls) are on this machine. psql and
// pgAdmin read them as plain files, so they can never live inside app.asar: a checkout has them in
// <repo>/assets/tls, the packaged app in resources/cli/assets/tls beside the CLI bundle
// (build/electron-builder.yml). Every entry point searches upwards from its own folder.
import { existsSync } from 'node:fs';
import path from 'node:path';

/** The roots file of clouds that name none (custom clouds without a caFile). */
export const DEFAULT_TLS_ROOTS = 'azure-public.pem';

export function findTlsRootsDir(from: string, exists: (file: string) => boolean = existsSync): string | null {
  let dir = path.resolve(from);
  for (;;) {
    for (const candidate of [path.join(dir, 'assets', 'tls'), path.join(dir, 'cli', 'assets', 'tls')])
      if (exists(path.join(candidate, DEFAULT_TLS_ROOTS))) return candidate;
    const parent = path.dirname(dir);
    if (parent === dir) return null;
    dir = parent;
  }
}
