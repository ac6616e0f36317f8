// One MSAL public client per (cloud, client ID, tenant) with the shared encrypted cache. This is
// the only module that talks to MSAL; everything above it sees SignedInAccount, AcquiredToken and
// AuthError. Every MSAL call has a deadline: MSAL itself has none for token requests.
import type {
  AccountInfo,
  AuthenticationResult,
  Configuration,
  ICachePlugin,
  INetworkModule,
  PublicClientApplication,
} from '@azure/msal-node';
import { scopeFor } from '../clouds.js';
import type { AcquiredToken, TokenKey, TokenSource } from '../engine/types.js';
import { AuthError } from '../errors.js';
import { decodePayload, TokenFormatError } from '../tokens.js';
import { classifyAuthError, redactTokens } from './classify.js';
import type { RequestFailureHint } from './network-client.js';
import { signInFailurePage, signInSuccessPage } from './sign-in-page.js';
import type { Clock } from '../ports.js';
import { z } from 'zod';

/** What a device-code prompt needs from Entra's answer; anything less is not a code to show. */
const deviceCodeResponse = z.object({
  message: z.string().min(1),
  userCode: z.string().min(1),
  verificationUri: z.string().min(1),
  expiresIn: z.number(),
});

export interface AuthSettings {
  /** e.g. https://login.microsoftonline.com (no tenant). */
  authorityHost: string;
  /** Needed for hosts MSAL does not know (a private or test authority): `host[:port]`. */
  knownAuthorities?: string[];
  clientId: string;
  /** `organizations`, `common`, a tenant GUID or a verified domain. */
  tenant: string;
}

export interface SignedInAccount {
  /** MSAL's homeAccountId: the stable key clusters refer to. */
  id: string;
  username: string;
  tenantId: string;
  name?: string;
  /** The Entra host it signed in at (MSAL's `environment`): which cloud the account belongs to. */
  environment: string;
}

export interface DeviceCodePrompt {
  message: string;
  userCode: string;
  verificationUri: string;
  expiresInSec: number;
}

export interface MsalSessionOptions {
  settings: AuthSettings;
  cachePlugin: ICachePlugin;
  /** With `takeFailureHint` (our HTTPS client has it) failures keep Retry-After and the network cause. */
  networkClient: INetworkModule & { takeFailureHint?: () => RequestFailureHint | undefined };
  /** Deadline for silent calls (network round trips included). */
  silentDeadlineMs?: number;
  /** Deadline for a person to finish a browser or device-code sign-in. */
  interactiveDeadlineMs?: number;
  onLog?: (level: 'error' | 'warning', message: string) => void;
  /** When a token was asked for, if Entra's token omits `iat` (the tests drive time). */
  clock: Pick<Clock, 'now'>;
}

/**
 * Puts back what msal-node's error dropped: Entra's Retry-After, the real network cause, and
 * Entra's reason for refusing an authority (an unknown tenant).
 */
function withHint(error: AuthError, hint: RequestFailureHint | undefined): AuthError {
  if (!hint) return error;
  // Entra's metadata endpoint failing is an outage to wait out, not a setting to change.
  if (hint.serverProblem && error.details.msalCode === 'endpoints_resolution_error')
    return new AuthError('network', `Entra ID is temporarily unavailable: ${hint.serverProblem}`, {
      ...error.details,
      ...(hint.retryAfterSec === undefined ? {} : { retryAfterSec: hint.retryAfterSec }),
    });
  const retryAfterSec = error.details.retryAfterSec ?? hint.retryAfterSec;
  const message =
    hint.networkProblem && error.details.msalCode === 'network_error'
      ? `Entra ID unreachable: ${hint.networkProblem}`
      : hint.authorityProblem && error.details.msalCode === 'endpoints_resolution_error'
        ? `Entra ID refused the authority: ${hint.authorityProblem}`
        : error.message;
  // A throttled person needs to know when trying again makes sense: Entra's Retry-After says.
  const when =
    error.kind === 'throttled' && retryAfterSec !== undefined && !message.includes('Retry-After')
      ? ` (Retry-After: ${retryAfterSec} s)`
      : '';
  if (retryAfterSec === error.details.retryAfterSec && message === error.message && !when) return error;
  return new AuthError(error.kind, `${message}${when}`, { ...error.details, retryAfterSec });
}

function toAccount(info: AccountInfo): SignedInAccount {
  return {
    id: info.homeAccountId,
    username: info.username,
    tenantId: info.tenantId,
    name: info.name,
    environment: info.environment,
  };
}

/** When the token was issued (epoch ms), or `fallback` for a token whose payload cannot be read. */
export function issuedAtOf(result: Pick<AuthenticationResult, 'accessToken'>, fallback: number): number {
  // `iat` places the 25 %-of-lifetime refresh point; the token is only decoded, never trusted.
  // Only `iat` is needed here, so the other claims decodeClaims insists on are not required.
  try {
    const { iat } = decodePayload(result.accessToken);
    if (typeof iat === 'number' && Number.isFinite(iat)) return iat * 1000;
  } catch (error) {
    if (!(error instanceof TokenFormatError)) throw error;
  }
  return fallback;
}

export async function withDeadline<T>(
  work: Promise<T>,
  ms: number,
  what: string,
  onTimeout?: () => void,
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(
        new AuthError('network', `${what} did not finish within ${Math.round(ms / 1000)} s`, {
          msalCode: 'deadline_exceeded',
        }),
      );
    }, ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

export class MsalSession implements TokenSource {
  private tail: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly app: PublicClientApplication,
    private readonly settings: AuthSettings,
    private readonly silentDeadlineMs: number,
    private readonly interactiveDeadlineMs: number,
    private readonly takeFailureHint: () => RequestFailureHint | undefined,
    private readonly clock: Pick<Clock, 'now'>,
  ) {}

  static async create(options: MsalSessionOptions): Promise<MsalSession> {
    // Lazy: MSAL is the heaviest import we have and `pgentra token` via the agent never needs it.
    const msal = await import('@azure/msal-node');
    const { settings } = options;
    const authorityHost = settings.authorityHost.replace(/\/+$/, '');
    const config: Configuration = {
      auth: {
        clientId: settings.clientId,
        authority: `${authorityHost}/${settings.tenant}`,
        ...(settings.knownAuthorities?.length ? { knownAuthorities: settings.knownAuthorities } : {}),
      },
      cache: { cachePlugin: options.cachePlugin },
      system: {
        networkClient: options.networkClient,
        loggerOptions: {
          piiLoggingEnabled: false,
          logLevel: msal.LogLevel.Warning,
          loggerCallback: (level, message, containsPii) => {
            if (containsPii || !options.onLog) return;
            if (level === msal.LogLevel.Error) options.onLog('error', redactTokens(message));
            else if (level === msal.LogLevel.Warning) options.onLog('warning', redactTokens(message));
          },
        },
      },
    };
    return new MsalSession(
      new msal.PublicClientApplication(config),
      { ...settings, authorityHost },
      options.silentDeadlineMs ?? 30_000,
      options.interactiveDeadlineMs ?? 10 * 60_000,
      () => options.networkClient.takeFailureHint?.(),
      options.clock,
    );
  }

  private authorityFor(tenant: string): string {
    return `${this.settings.authorityHost}/${tenant}`;
  }

  async signInInteractive(options: {
    resource: string;
    openBrowser: (url: string) => Promise<void>;
    loginHint?: string;
    tenant?: string;
    claims?: string;
  }): Promise<SignedInAccount> {
    const result = await this.call(
      () =>
        this.app.acquireTokenInteractive({
          scopes: [scopeFor(options.resource)],
          openBrowser: options.openBrowser,
          loginHint: options.loginHint,
          claims: options.claims,
          prompt: options.loginHint ? undefined : 'select_account',
          authority: options.tenant ? this.authorityFor(options.tenant) : undefined,
          successTemplate: signInSuccessPage({ account: options.loginHint ?? null }),
          errorTemplate: signInFailurePage(),
        }),
      this.interactiveDeadlineMs,
      'Browser sign-in',
    );
    return this.accountOf(result);
  }

  async signInDeviceCode(options: {
    resource: string;
    tenant?: string;
    onCode: (prompt: DeviceCodePrompt) => void;
  }): Promise<SignedInAccount> {
    const request = {
      scopes: [scopeFor(options.resource)],
      authority: options.tenant ? this.authorityFor(options.tenant) : undefined,
      // MSAL calls back even when Entra refused to issue a code (a 503 body has none of these
      // fields); showing that "prompt" printed a bare `undefined` before the real error.
      deviceCodeCallback: (response: unknown) => {
        const code = deviceCodeResponse.safeParse(response);
        if (!code.success) return;
        options.onCode({
          message: code.data.message,
          userCode: code.data.userCode,
          verificationUri: code.data.verificationUri,
          expiresInSec: code.data.expiresIn,
        });
      },
      cancel: false,
    };
    const result = await this.call(
      () => this.app.acquireTokenByDeviceCode(request),
      this.interactiveDeadlineMs,
      'Device-code sign-in',
      () => {
        // MSAL polls until `cancel` is set; stop it when we give up waiting.
        request.cancel = true;
      },
    );
    return this.accountOf(result);
  }

  async accounts(): Promise<SignedInAccount[]> {
    return this.exclusively(async () => (await this.allAccounts()).map(toAccount));
  }

  async signOut(accountId: string): Promise<boolean> {
    return this.exclusively(async () => {
      const account = await this.findAccount(accountId);
      if (!account) return false;
      await this.call(
        () => this.app.getTokenCache().removeAccount(account),
        this.silentDeadlineMs,
        'Signing out',
      );
      return true;
    });
  }

  /**
   * Per account, a digest of the refresh tokens in the shared cache. It changes when another
   * process signs the account in again (or refreshes it), which is how a tray stuck in
   * needs-sign-in learns that `pgentra login` fixed it without asking Entra on every tick.
   */
  async signInFingerprints(): Promise<Map<string, string>> {
    return this.exclusively(async () => {
      await this.allAccounts(); // brings the in-memory cache up to date with the shared store
      const cache: unknown = JSON.parse(this.app.getTokenCache().serialize());
      const refreshTokens =
        typeof cache === 'object' && cache !== null && 'RefreshToken' in cache
          ? cache.RefreshToken
          : undefined;
      const secrets = new Map<string, string[]>();
      for (const entry of Object.values(
        typeof refreshTokens === 'object' && refreshTokens ? refreshTokens : {},
      )) {
        const { home_account_id: account, secret } = (entry ?? {}) as Record<string, unknown>;
        if (typeof account !== 'string' || typeof secret !== 'string') continue;
        secrets.set(account, [...(secrets.get(account) ?? []), secret]);
      }
      const { createHash } = await import('node:crypto');
      return new Map(
        [...secrets].map(([account, list]) => [
          account,
          createHash('sha256').update(list.sort().join('\n')).digest('base64url'),
        ]),
      );
    });
  }

  /** TokenSource: a token for (account, resource), from the cache unless forceRefresh. */
  acquire(request: TokenKey & { forceRefresh: boolean }): Promise<AcquiredToken> {
    return this.exclusively(async () => {
      const account = await this.findAccount(request.accountId);
      if (!account) {
        throw new AuthError('needs-sign-in', 'This account is not signed in on this computer.', {
          msalCode: 'no_account_in_silent_request',
        });
      }
      const requestedAt = this.clock.now();
      const result = await this.call(
        () =>
          this.app.acquireTokenSilent({
            account,
            scopes: [scopeFor(request.resource)],
            authority: this.authorityFor(request.tenant ?? account.tenantId),
            forceRefresh: request.forceRefresh,
          }),
        this.silentDeadlineMs,
        'Refreshing the token',
      );
      if (!result.expiresOn) throw new AuthError('unknown', 'Entra ID returned a token without an expiry.');
      return {
        accessToken: result.accessToken,
        expiresAt: result.expiresOn.getTime(),
        issuedAt: issuedAtOf(result, requestedAt),
      };
    });
  }

  /**
   * MSAL's in-memory cache is not safe for overlapping operations: saving a refreshed token
   * updates the account index across awaits, and a concurrent account lookup then sees no
   * accounts (observed with two resources refreshed at once). Silent operations take turns.
   */
  private exclusively<T>(work: () => Promise<T>): Promise<T> {
    const run = this.tail.then(work, work);
    this.tail = run.catch(() => undefined);
    return run;
  }

  private allAccounts(): Promise<AccountInfo[]> {
    return this.call(
      () => this.app.getTokenCache().getAllAccounts(),
      this.silentDeadlineMs,
      'Reading the token cache',
    );
  }

  private async findAccount(accountId: string): Promise<AccountInfo | null> {
    const accounts = await this.allAccounts();
    const wanted = accountId.toLowerCase();
    return accounts.find((a) => a.homeAccountId === accountId || a.username.toLowerCase() === wanted) ?? null;
  }

  private accountOf(result: AuthenticationResult | null): SignedInAccount {
    if (!result?.account)
      throw new AuthError('unknown', 'Entra ID signed you in but returned no account information.');
    return toAccount(result.account);
  }

  private async call<T>(
    work: () => Promise<T>,
    deadlineMs: number,
    what: string,
    onTimeout?: () => void,
  ): Promise<T> {
    this.takeFailureHint(); // a hint left by an earlier operation is not about this one
    try {
      return await withDeadline(work(), deadlineMs, what, onTimeout);
    } catch (error) {
      throw withHint(classifyAuthError(error), this.takeFailureHint());
    }
  }
}
