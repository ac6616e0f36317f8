// MSAL's network client for talking to the fake Entra ID from inside a test process.
// NODE_EXTRA_CA_CERTS is read once at process start, so a vitest worker cannot be told to trust a
// CA minted during the run; an INetworkModule with an explicit `ca` can. This is pgentra's own
// product client (electron/core/auth/network-client.ts), so the tests exercise the code that
// ships; this module only gives it the testbed's vocabulary.
import type { INetworkModule } from '@azure/msal-node';
import { createHttpsNetworkClient as createProductClient } from '../../../../electron/core/auth/network-client.js';

export interface CaNetworkClientOptions {
  /** PEM of a CA to trust in addition to Node's bundled roots (the testbed CA). */
  ca?: Buffer | string;
  /** Deadline for every request, POSTs included (msal's own client only times out GETs). */
  timeoutMs?: number;
}

export function createHttpsNetworkClient(options: CaNetworkClientOptions = {}): INetworkModule {
  return createProductClient({
    extraCa: options.ca === undefined ? [] : [options.ca],
    timeoutMs: options.timeoutMs,
  });
}
