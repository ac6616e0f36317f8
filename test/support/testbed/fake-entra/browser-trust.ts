// Making Chromium trust the testbed CA rather than passing --ignore-certificate-errors, which would
// accept any certificate at all. Debian's Chromium reads trust anchors from an NSS database we
// cannot populate without certutil (not installed), so instead: the fake Entra sends its full
// chain, and Chromium is told to accept chains that contain the testbed CA's public key; every
// other certificate still fails. Chromium honours this flag only together with a user data dir,
// which Playwright always passes.
import { createHash, X509Certificate } from 'node:crypto';

/** base64(sha256(SubjectPublicKeyInfo)) of a PEM certificate: Chromium's SPKI pin format. */
export function spkiSha256(pem: Buffer | string): string {
  const spki = new X509Certificate(pem).publicKey.export({ type: 'spki', format: 'der' });
  return createHash('sha256').update(spki).digest('base64');
}

/** Extra Chromium arguments that accept certificates chaining to this CA (PEM). */
export function chromiumTrustArgs(caPem: Buffer | string): string[] {
  return [`--ignore-certificate-errors-spki-list=${spkiSha256(caPem)}`];
}
