// The Azure root certificates pgentra ships, and which roots each connection is verified with.
import { X509Certificate } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveCloud } from '../../../electron/core/clouds.js';
import type { ClusterView } from '../../../electron/core/cluster-catalog.js';
import { ConnectionTargets } from '../../../electron/core/connection-targets.js';
import { findTlsRootsDir } from '../../../electron/core/tls-roots.js';

const root = path.resolve(import.meta.dirname, '..', '..', '..');
const tlsDir = path.join(root, 'assets', 'tls');

// SHA-256 of each root as Microsoft's "Root CAs used by Azure Database for PostgreSQL" lists it.
const ROOTS = {
  'DigiCert Global Root G2':
    'CB:3C:CB:B7:60:31:E5:E0:13:8F:8D:D3:9A:23:F9:DE:47:FF:C3:5E:43:C1:14:4C:EA:27:D4:6A:5A:B1:CB:5F',
  'Microsoft RSA Root Certificate Authority 2017':
    'C7:41:F7:0F:4B:2A:8D:88:BF:2E:71:C1:41:22:EF:53:EF:10:EB:A0:CF:A5:E6:4C:FA:20:F4:18:85:30:73:E0',
  'DigiCert Global Root CA':
    '43:48:A0:E9:44:4C:78:CB:26:5E:05:8D:5E:89:44:B4:D8:4F:96:62:BD:26:DB:25:7F:89:34:A4:43:C7:01:61',
} as const;
type RootName = keyof typeof ROOTS;

const FILES: Record<string, RootName[]> = {
  'azure-public.pem': [
    'DigiCert Global Root G2',
    'Microsoft RSA Root Certificate Authority 2017',
    'DigiCert Global Root CA',
  ],
  'azure-usgov.pem': [
    'DigiCert Global Root G2',
    'Microsoft RSA Root Certificate Authority 2017',
    'DigiCert Global Root CA',
  ],
  'azure-china.pem': [
    'DigiCert Global Root CA',
    'Microsoft RSA Root Certificate Authority 2017',
    'DigiCert Global Root G2',
  ],
};

function certificates(file: string): X509Certificate[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)].map(
    (match) => new X509Certificate(match[0]),
  );
}

const commonName = (cert: X509Certificate) => /CN=([^\n]+)/.exec(cert.subject)?.[1] ?? '';

describe('assets/tls', () => {
  it.each(Object.entries(FILES))('%s holds exactly the documented roots, unexpired', (file, names) => {
    const certs = certificates(path.join(tlsDir, file));
    expect(certs.map((cert) => [commonName(cert), cert.fingerprint256])).toEqual(
      names.map((name) => [name, ROOTS[name]]),
    );
    for (const cert of certs) {
      expect(cert.ca).toBe(true);
      expect(cert.checkIssued(cert)).toBe(true);
      expect(new Date(cert.validTo).getTime()).toBeGreaterThan(Date.now());
    }
  });

  // Debian's ca-certificates is where the files were copied from: byte-identical certificates.
  it.runIf(existsSync('/etc/ssl/certs/DigiCert_Global_Root_G2.pem'))(
    "matches Debian's ca-certificates bundle",
    () => {
      const debian = new Map(
        certificates('/etc/ssl/certs/ca-certificates.crt').map((cert) => [cert.fingerprint256, cert.raw]),
      );
      for (const file of Object.keys(FILES))
        for (const cert of certificates(path.join(tlsDir, file)))
          expect(debian.get(cert.fingerprint256)?.equals(cert.raw), `${file}: ${commonName(cert)}`).toBe(
            true,
          );
    },
  );

  it('is found from a checkout, a built bundle and the packaged resources/cli', () => {
    expect(findTlsRootsDir(path.join(root, 'electron', 'cli'))).toBe(tlsDir);
    expect(findTlsRootsDir(path.join(root, 'dist', 'cli', 'chunks'))).toBe(tlsDir);
    const packaged = '/opt/pgentra/resources';
    const files = new Set([`${packaged}/cli/assets/tls/azure-public.pem`]);
    const exists = (file: string) => files.has(file);
    expect(findTlsRootsDir(`${packaged}/cli/dist/cli/chunks`, exists)).toBe(`${packaged}/cli/assets/tls`);
    expect(findTlsRootsDir(`${packaged}/app.asar/dist/main`, exists)).toBe(`${packaged}/cli/assets/tls`);
    expect(findTlsRootsDir('/nowhere/at/all', exists)).toBeNull();
  });
});

describe('the TLS of a connection', () => {
  const cluster = (extra: Partial<ClusterView> = {}): ClusterView => ({
    name: 'prod',
    host: 'mydb.postgres.database.azure.com',
    port: 5432,
    database: 'postgres',
    user: 'alice@contoso.com',
    loginUser: 'alice@contoso.com',
    group: false,
    kind: 'flexible',
    cloud: 'public',
    resource: 'https://ossrdbms-aad.database.windows.net',
    ...extra,
  });
  const targets = (env: Record<string, string> = {}) =>
    new ConnectionTargets({
      place: { env, homedir: '/home/alice', platform: 'linux' },
      warn: () => undefined,
      tlsRootsDir: tlsDir,
      cluster: () => cluster(),
      cloud: (name) => resolveCloud(name ?? 'public'),
      pgpass: {
        enabled: true,
        path: () => '/home/alice/.pgpass',
        sync: () => Promise.reject(new Error('unused')),
      },
    });

  it("verifies every server with the cloud's shipped roots when nothing else is configured", () => {
    expect(targets().tlsFor(cluster())).toEqual({
      sslmode: 'verify-full',
      sslrootcert: path.join(tlsDir, 'azure-public.pem'),
    });
    expect(targets().tlsFor(cluster({ cloud: 'china' })).sslrootcert).toBe(
      path.join(tlsDir, 'azure-china.pem'),
    );
  });

  it('keeps PGSSLROOTCERT=system (the OS store) and a PGSSLROOTCERT file, still verify-full', () => {
    expect(targets({ PGSSLROOTCERT: 'system' }).tlsFor(cluster())).toEqual({
      sslmode: 'verify-full',
      sslrootcert: 'system',
    });
    expect(targets({ PGSSLROOTCERT: '/etc/corp/roots.pem' }).tlsFor(cluster()).sslrootcert).toBe(
      '/etc/corp/roots.pem',
    );
  });

  it("the cluster's own roots come first", () => {
    const own = cluster({ sslRootCert: '/srv/azure.pem' });
    expect(targets({ PGSSLROOTCERT: 'system' }).tlsFor(own)).toEqual({
      sslmode: 'verify-full',
      sslrootcert: '/srv/azure.pem',
    });
  });

  it('require only as the cluster’s explicit choice, and then with a warning', () => {
    const choice = targets().tlsFor(cluster({ tls: 'require' }));
    expect(choice.sslmode).toBe('require');
    expect(choice.warning).toContain('not checked');
  });
});
