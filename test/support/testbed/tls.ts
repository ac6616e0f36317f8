// A throwaway certificate authority for the testbed: the fake Entra ID serves HTTPS with a leaf
// signed by it (MSAL insists on an https authority) and the gateway offers TLS with another, so
// `sslmode=verify-full` is exercised for real. Generated with the openssl CLI into the run's temp dir.
import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface TestCa {
  dir: string;
  caFile: string;
  caKeyFile: string;
}

export interface LeafCertificate {
  certFile: string;
  keyFile: string;
  cert: Buffer;
  key: Buffer;
}

async function openssl(args: string[], cwd: string): Promise<void> {
  try {
    await run('openssl', args, { cwd });
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`openssl ${args[0]} failed: ${stderr.trim() || String(error)}`, { cause: error });
  }
}

export async function createTestCa(dir: string): Promise<TestCa> {
  await fs.mkdir(dir, { recursive: true });
  const caKeyFile = path.join(dir, 'ca.key');
  const caFile = path.join(dir, 'ca.crt');
  await openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-sha256',
      '-days',
      '30',
      '-keyout',
      caKeyFile,
      '-out',
      caFile,
      '-subj',
      '/CN=pgentra testbed CA',
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  await fs.chmod(caKeyFile, 0o600);
  return { dir, caFile, caKeyFile };
}

/** A server certificate for `localhost` and `127.0.0.1` (plus any extra names) signed by the CA. */
export async function issueLeaf(
  ca: TestCa,
  name: string,
  extraDnsNames: string[] = [],
): Promise<LeafCertificate> {
  const keyFile = path.join(ca.dir, `${name}.key`);
  const csrFile = path.join(ca.dir, `${name}.csr`);
  const certFile = path.join(ca.dir, `${name}.crt`);
  const extFile = path.join(ca.dir, `${name}.ext`);
  const dnsNames = ['localhost', ...extraDnsNames].map((dns) => `DNS:${dns}`);
  await fs.writeFile(
    extFile,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      `subjectAltName=${[...dnsNames, 'IP:127.0.0.1'].join(',')}`,
      '',
    ].join('\n'),
  );
  await openssl(
    [
      'req',
      '-new',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      keyFile,
      '-out',
      csrFile,
      '-subj',
      '/CN=localhost',
    ],
    ca.dir,
  );
  await openssl(
    [
      'x509',
      '-req',
      '-in',
      csrFile,
      '-CA',
      ca.caFile,
      '-CAkey',
      ca.caKeyFile,
      '-CAcreateserial',
      '-days',
      '30',
      '-sha256',
      '-extfile',
      extFile,
      '-out',
      certFile,
    ],
    ca.dir,
  );
  await fs.chmod(keyFile, 0o600);
  const [cert, key] = await Promise.all([fs.readFile(certFile), fs.readFile(keyFile)]);
  return { certFile, keyFile, cert, key };
}
