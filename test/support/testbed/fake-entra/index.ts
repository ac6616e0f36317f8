// A fake Microsoft Entra ID, close enough that the real @azure/msal-node talks to it unmodified:
// OIDC discovery, JWKS, authorization code + PKCE answered with an auto-submitting form_post page,
// device code (with a devicelogin page for a real browser), refresh tokens that rotate on every
// use and can be revoked, Entra-shaped v1 access tokens and errors, and fault injection per
// endpoint. Served over HTTPS with a leaf from the testbed CA, because MSAL refuses any authority
// that is not https.
//
// Use from MSAL: auth = { clientId, authority, knownAuthorities: [entra.knownAuthority] } and
// system.networkClient = createHttpsNetworkClient({ ca }) (see ca-network-client.ts), or start
// the process with NODE_EXTRA_CA_CERTS=entra.caFile and keep msal's own client.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import path from 'node:path';
import { issueLeaf, type TestCa } from '../tls.js';
import { deviceLoginPage, formPostPage, signInErrorPage } from './pages.js';
import {
  authorizeRequestSchema,
  controlSchema,
  describeIssue,
  deviceCodeRequestSchema,
  deviceLoginFormSchema,
  entraError,
  faultAnswer,
  faultSchema,
  lifetimeSchema,
  resourceOf,
  resourceScopes,
  revokedGrant,
  tokenRequestSchema,
  type ControlRequest,
  type EntraErrorBody,
  type Fault,
  type FaultEndpoint,
  type FaultKind,
  type Lifetime,
} from './protocol.js';
import { clientInfo, TokenSigner, type DirectoryGroup, type DirectoryUser } from './tokens.js';

export { createHttpsNetworkClient, type CaNetworkClientOptions } from './ca-network-client.js';
export { chromiumTrustArgs, spkiSha256 } from './browser-trust.js';
export {
  FAULT_ENDPOINTS,
  FAULT_KINDS,
  type ControlRequest,
  type Fault,
  type FaultEndpoint,
  type FaultKind,
  type Lifetime,
} from './protocol.js';
export type FakeEntraUser = DirectoryUser;
export type FakeEntraGroup = DirectoryGroup;

export const DEFAULT_TENANT_ID = '7f0c1a4e-0b5d-4c1e-9a57-3f6c2d1b8e90';
export const DEFAULT_TEST_CLIENT_ID = 'c5a1e0f2-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

export interface FakeEntraOptions {
  /** Where the server's certificate and a copy of the CA go. */
  dir: string;
  ca: TestCa;
  /**
   * The name the fake answers as and writes into its discovery documents (default `localhost`); it
   * joins the certificate's names. `login.microsoftonline.com`, with /etc/hosts pointing it at
   * 127.0.0.1 and `port: 443`, lets clients that hard-code Entra's host (Azure CLI) sign in here.
   */
  hostName?: string;
  /** The port to listen on at 127.0.0.1 (default 0: any free port). */
  port?: number;
  tenantId?: string;
  /** Public client ids the tenant knows; the first is `FakeEntra.clientId`. */
  clientIds?: string[];
  users: { upn: string; oid?: string; name?: string }[];
  groups?: { name: string; id?: string; members: string[] }[];
  /** Access-token lifetime in seconds, fixed or drawn per token; default 3600–5400 like Entra. */
  tokenLifetimeSec?: Lifetime;
  /** How many polls answer `authorization_pending` before a device code approves itself (default 1); false: only approveDeviceCode() or the devicelogin page approve. */
  deviceCodeAutoApproveAfterPolls?: number | false;
  /**
   * Every refresh_token grant returns a new refresh token either way. Entra keeps the used one valid
   * too (default, false); true makes it invalid at once, which exposes a client that loses the
   * rotated token (and replays the old one).
   */
  rejectReusedRefreshTokens?: boolean;
}

export type RequestEndpoint =
  Exclude<FaultEndpoint, '*'> | 'instance-discovery' | 'devicelogin' | 'control' | 'other';

/** One request as the fake saw it. Never holds a token, code or secret. */
export interface RequestRecord {
  endpoint: RequestEndpoint;
  method: string;
  /** The tenant segment of the path as sent (`organizations`, a GUID …). */
  tenant?: string;
  grantType?: string;
  resource?: string;
  /** The injected fault that answered this request, if any. */
  fault?: FaultKind;
  /** Set once the answer is sent; absent for a stalled request. */
  status?: number;
  at: number;
}

export interface MintOptions {
  upn: string;
  resource: string;
  lifetimeSec?: number;
  /** Unix seconds; default now, shifted by the configured clock skew. */
  issuedAt?: number;
  clientId?: string;
  /** Extra or overriding claims, for negative tests. */
  claims?: Record<string, unknown>;
}

export interface FakeEntra {
  /** `https://localhost:PORT/<tenantId>`: MSAL's `auth.authority`. */
  authority: string;
  origin: string;
  host: string;
  port: number;
  /** `localhost:PORT`: what MSAL's `auth.knownAuthorities` must list to skip cloud discovery. */
  knownAuthority: string;
  tenantId: string;
  clientId: string;
  /** The access tokens' `iss`: `https://sts.windows.net/<tenantId>/`. */
  issuer: string;
  jwksUri: string;
  /** PEM of the CA that signed the server's certificate. */
  caFile: string;
  users: readonly FakeEntraUser[];
  groups: readonly FakeEntraGroup[];
  requests: RequestRecord[];
  /** Who the next browser sign-in or device-code approval signs in as (sticky; default the first user). */
  loginAs(upn: string): void;
  /** Approve pending device codes now: all, or the one with this user code. */
  approveDeviceCode(userCode?: string): void;
  setDeviceCodeAutoApprove(afterPolls: number | false): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  /** Revoke the refresh tokens issued so far (to this user, or to everyone). */
  revokeRefreshTokens(upn?: string): void;
  setTokenLifetime(lifetime: Lifetime): void;
  /** Switch `rejectReusedRefreshTokens` at run time; applies to refresh tokens used from now on. */
  setRejectReusedRefreshTokens(reject: boolean): void;
  /** Date new tokens as if Entra's clock were this many seconds ahead (negative: behind). */
  setClockSkewSec(sec: number): void;
  /** An access token exactly as /token would issue it, without going through a flow. */
  mintAccessToken(options: MintOptions): Promise<string>;
  /** The same token signed by a key the tenant never published; the header keeps the tenant's kid unless told otherwise. */
  signWithForeignKey(options: MintOptions & { kid?: string }): Promise<string>;
  close(): Promise<void>;
}

interface Grant {
  upn: string;
  clientId: string;
  scope: string;
}

interface AuthCode extends Grant {
  redirectUri: string;
  challenge: string;
  nonce?: string;
  expiresAt: number;
  redeemed: boolean;
}

interface RefreshGrant extends Grant {
  state: 'live' | 'spent' | 'revoked';
}

interface PendingDeviceCode {
  clientId: string;
  scope: string;
  userCode: string;
  polls: number;
  approvedAs?: string;
  expiresAt: number;
}

interface Answer {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

const TOKEN_GRANT_DEVICE_CODE = new Set(['device_code', 'urn:ietf:params:oauth:grant-type:device_code']);
const DEVICE_CODE_LIFETIME_SEC = 900;
const AUTH_CODE_LIFETIME_MS = 10 * 60_000;
const MAX_BODY_BYTES = 256 * 1024;
// Entra's user codes are nine characters; hex ones keep matching what older tests grep for.
const USER_CODE_ALPHABET = '0123456789ABCDEF';
const LOOPBACK_REDIRECT = /^http:\/\/(localhost|127\.0\.0\.1|\[::1\])(:\d+)?(\/[^?#]*)?$/;

const ROUTES: [RegExp, RequestEndpoint][] = [
  [/^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/, 'discovery'],
  // system.protocolMode = 'OIDC' drops the /v2.0 segment.
  [/^\/([^/]+)\/\.well-known\/openid-configuration$/, 'discovery'],
  [/^\/([^/]+)\/discovery\/(?:v2\.0\/)?keys$/, 'jwks'],
  // MSAL Python asks this on every acquire_token_silent for the host's aliases in the cache.
  [/^\/(common)\/discovery\/instance$/, 'instance-discovery'],
  [/^\/([^/]+)\/oauth2\/v2\.0\/authorize$/, 'authorize'],
  [/^\/([^/]+)\/oauth2\/v2\.0\/token$/, 'token'],
  [/^\/([^/]+)\/oauth2\/v2\.0\/devicecode$/, 'devicecode'],
  [/^\/devicelogin$/, 'devicelogin'],
  [/^\/_testbed\/control$/, 'control'],
];

function route(pathname: string): { endpoint: RequestEndpoint; tenant?: string } {
  for (const [pattern, endpoint] of ROUTES) {
    const match = pattern.exec(pathname);
    if (match) return { endpoint, tenant: match[1] ? decodeURIComponent(match[1]) : undefined };
  }
  return { endpoint: 'other' };
}

function readBody(request: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () =>
      resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    request.on('error', reject);
  });
}

const formOf = (body: string) => Object.fromEntries(new URLSearchParams(body));

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function newUserCode(): string {
  const bytes = randomBytes(9);
  return Array.from(bytes, (b) => USER_CODE_ALPHABET[b % USER_CODE_ALPHABET.length]).join('');
}

const sameUpn = (a: string, b: string) => a.toLowerCase() === b.toLowerCase();
const normalizeUserCode = (code: string) => code.replace(/[\s-]/g, '').toUpperCase();

class FakeEntraServer implements FakeEntra {
  readonly host: string;
  readonly requests: RequestRecord[] = [];
  readonly tenantId: string;
  readonly clientId: string;
  readonly issuer: string;
  readonly users: readonly FakeEntraUser[];
  readonly groups: readonly FakeEntraGroup[];
  port = 0;

  private readonly clientIds: readonly string[];
  private lifetime: Lifetime;
  private autoApproveAfter: number | false;
  private rejectReuse: boolean;
  private skewSec = 0;
  private loginUpn: string | undefined;
  private faults: Fault[] = [];
  private readonly authCodes = new Map<string, AuthCode>();
  private readonly refreshTokens = new Map<string, RefreshGrant>();
  private readonly deviceCodes = new Map<string, PendingDeviceCode>();
  private readonly sockets = new Set<Socket>();
  private closing: Promise<void> | undefined;

  constructor(
    options: FakeEntraOptions,
    private readonly server: https.Server,
    private readonly signer: TokenSigner,
    readonly caFile: string,
  ) {
    this.host = options.hostName ?? 'localhost';
    this.tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
    this.clientIds = options.clientIds?.length ? options.clientIds : [DEFAULT_TEST_CLIENT_ID];
    this.clientId = this.clientIds[0] ?? DEFAULT_TEST_CLIENT_ID;
    this.issuer = `https://sts.windows.net/${this.tenantId}/`;
    this.users = options.users.map((u) => ({
      upn: u.upn,
      oid: u.oid ?? randomUUID(),
      name: u.name ?? u.upn.split('@')[0] ?? u.upn,
    }));
    this.groups = (options.groups ?? []).map((g) => ({
      name: g.name,
      id: g.id ?? randomUUID(),
      members: [...g.members],
    }));
    this.lifetime = lifetimeSchema.parse(options.tokenLifetimeSec ?? { min: 3600, max: 5400 });
    this.autoApproveAfter = options.deviceCodeAutoApproveAfterPolls ?? 1;
    this.rejectReuse = options.rejectReusedRefreshTokens ?? false;
    this.loginUpn = this.users[0]?.upn;

    server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request, response).catch((error: unknown) => {
        // A bug in the fake must look like a bug, not like Entra saying something meaningful.
        if (!response.headersSent) response.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
        response.end(`fake Entra failed: ${error instanceof Error ? error.message : String(error)}`);
      });
    });
  }

  get origin(): string {
    return this.port === 443 ? `https://${this.host}` : `https://${this.host}:${this.port}`;
  }
  get knownAuthority(): string {
    return `${this.host}:${this.port}`;
  }
  get authority(): string {
    return `${this.origin}/${this.tenantId}`;
  }
  get jwksUri(): string {
    return `${this.origin}/${this.tenantId}/discovery/v2.0/keys`;
  }

  async listen(port: number): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  // ---- control API --------------------------------------------------------------------------

  loginAs(upn: string): void {
    this.loginUpn = this.requireUser(upn).upn;
  }

  approveDeviceCode(userCode?: string): void {
    const wanted = userCode === undefined ? undefined : normalizeUserCode(userCode);
    let approved = 0;
    for (const pending of this.deviceCodes.values()) {
      if (wanted !== undefined && pending.userCode !== wanted) continue;
      pending.approvedAs ??= this.loginUpn;
      approved += 1;
    }
    if (wanted !== undefined && approved === 0) throw new Error(`no pending device code ${userCode}`);
  }

  setDeviceCodeAutoApprove(afterPolls: number | false): void {
    this.autoApproveAfter = afterPolls;
  }

  injectFault(fault: Fault): void {
    this.faults.push(faultSchema.parse(fault));
  }

  clearFaults(): void {
    this.faults = [];
  }

  revokeRefreshTokens(upn?: string): void {
    for (const grant of this.refreshTokens.values())
      if (grant.state === 'live' && (upn === undefined || sameUpn(grant.upn, upn))) grant.state = 'revoked';
  }

  setTokenLifetime(lifetime: Lifetime): void {
    this.lifetime = lifetimeSchema.parse(lifetime);
  }

  setClockSkewSec(sec: number): void {
    this.skewSec = sec;
  }

  setRejectReusedRefreshTokens(reject: boolean): void {
    this.rejectReuse = reject;
  }

  async mintAccessToken(options: MintOptions): Promise<string> {
    return this.signer.signAccessToken(this.accessTokenInput(options));
  }

  async signWithForeignKey(options: MintOptions & { kid?: string }): Promise<string> {
    return this.signer.signWithForeignKey(this.accessTokenInput(options), options.kid);
  }

  close(): Promise<void> {
    // Stalled requests hold their sockets open on purpose; closing must not wait for them.
    this.closing ??= new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
    return this.closing;
  }

  // ---- helpers --------------------------------------------------------------------------------

  private findUser(upn: string): FakeEntraUser | undefined {
    return this.users.find((u) => sameUpn(u.upn, upn));
  }

  private requireUser(upn: string): FakeEntraUser {
    const user = this.findUser(upn);
    if (!user) throw new Error(`unknown user ${upn} (known: ${this.users.map((u) => u.upn).join(', ')})`);
    return user;
  }

  private nowSec(extraSkewSec = 0): number {
    return Math.floor(Date.now() / 1000) + this.skewSec + extraSkewSec;
  }

  private pickLifetime(): number {
    const l = this.lifetime;
    return typeof l === 'number' ? l : l.min + Math.floor(Math.random() * (l.max - l.min + 1));
  }

  private accessTokenInput(options: MintOptions) {
    const user = this.requireUser(options.upn);
    return {
      user,
      groupIds: this.groups.filter((g) => g.members.some((m) => sameUpn(m, user.upn))).map((g) => g.id),
      resource: options.resource,
      clientId: options.clientId ?? this.clientId,
      tenantId: this.tenantId,
      issuedAt: options.issuedAt ?? this.nowSec(),
      lifetimeSec: options.lifetimeSec ?? this.pickLifetime(),
      claims: options.claims,
    };
  }

  private knowsTenant(segment: string): boolean {
    return [this.tenantId, 'organizations', 'common'].some((t) => t.toLowerCase() === segment.toLowerCase());
  }

  /** The first active fault for the endpoint that `accepts`, consuming one use of a counted fault. */
  private takeFault(endpoint: RequestEndpoint, accepts: (fault: Fault) => boolean): Fault | undefined {
    const fault = this.faults.find((f) => (f.endpoint === endpoint || f.endpoint === '*') && accepts(f));
    if (!fault) return undefined;
    if (fault.count !== undefined) {
      fault.count -= 1;
      if (fault.count <= 0) this.faults = this.faults.filter((f) => f !== fault);
    }
    return fault;
  }

  // ---- HTTP ------------------------------------------------------------------------------------

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', this.origin);
    const { endpoint, tenant } = route(url.pathname);
    const method = request.method ?? 'GET';
    const body = method === 'POST' ? await readBody(request) : '';
    const form = body ? formOf(body) : {};
    const scope = form.scope ?? url.searchParams.get('scope') ?? undefined;
    const record: RequestRecord = {
      endpoint,
      method,
      ...(tenant !== undefined ? { tenant } : {}),
      ...(form.grant_type ? { grantType: form.grant_type } : {}),
      ...(scope && resourceOf(scope) ? { resource: resourceOf(scope) } : {}),
      at: Date.now(),
    };
    this.requests.push(record);
    response.on('finish', () => (record.status = response.statusCode));
    // Entra echoes the caller's client-request-id as the correlation id; MSAL puts it in the query.
    const correlationId =
      url.searchParams.get('client-request-id') ?? request.headers['client-request-id']?.toString();

    const send = (answer: Answer) => {
      response.writeHead(answer.status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store, no-cache',
        pragma: 'no-cache',
        'x-ms-request-id': randomUUID(),
        ...(correlationId ? { 'client-request-id': correlationId } : {}),
        ...answer.headers,
      });
      response.end(JSON.stringify(answer.body));
    };
    const sendHtml = (status: number, html: string) => {
      response.writeHead(status, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      response.end(html);
    };
    const fail = (status: number, error: EntraErrorBody) => send({ status, body: error });

    if (body === undefined)
      return fail(
        413,
        entraError('invalid_request', 90014, 'The request body is too large.', { correlationId }),
      );
    if (endpoint === 'other') {
      response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' });
      return void response.end('not found');
    }
    if (endpoint === 'control') return send(this.control(body));
    if (endpoint === 'devicelogin') return sendHtml(...this.deviceLogin(method, form));

    const fault = this.takeFault(endpoint, (f) => f.kind !== 'clock-skew');
    if (fault) {
      record.fault = fault.kind;
      const answer = faultAnswer(fault, correlationId);
      if (!answer) return; // stall: never answer; close() destroys the socket
      const headers: Record<string, string> =
        answer.retryAfterSec !== undefined ? { 'retry-after': String(answer.retryAfterSec) } : {};
      // An OAuth error at /authorize reaches the app the way Entra sends it: posted to the redirect URI.
      if (endpoint === 'authorize' && answer.status === 400) {
        const q = authorizeRequestSchema.safeParse(Object.fromEntries(url.searchParams));
        if (q.success && LOOPBACK_REDIRECT.test(q.data.redirect_uri))
          return sendHtml(
            200,
            formPostPage(q.data.redirect_uri, {
              error: answer.body.error,
              error_description: answer.body.error_description,
              error_uri: answer.body.error_uri,
              ...(answer.body.suberror ? { suberror: answer.body.suberror } : {}),
              state: q.data.state,
            }),
          );
      }
      return send({ status: answer.status, body: answer.body, headers });
    }

    if (tenant === undefined || !this.knowsTenant(tenant))
      return fail(
        400,
        entraError(
          'invalid_tenant',
          90002,
          `Tenant '${tenant ?? ''}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.`,
          { correlationId },
        ),
      );

    switch (endpoint) {
      case 'discovery':
        return send({ status: 200, body: this.discoveryDocument(tenant) });
      case 'jwks':
        return send({ status: 200, body: { keys: [this.signer.jwk] } });
      case 'instance-discovery':
        return send({ status: 200, body: this.instanceMetadata() });
      case 'authorize': {
        const result = this.authorize(url.searchParams, correlationId);
        return sendHtml(result.status, result.html);
      }
      case 'devicecode':
      case 'token': {
        if (method !== 'POST')
          return fail(
            405,
            entraError('invalid_request', 900561, 'The endpoint only accepts POST requests.', {
              correlationId,
            }),
          );
        return send(
          endpoint === 'devicecode'
            ? this.deviceCode(form, correlationId)
            : await this.token(form, correlationId),
        );
      }
    }
  }

  private discoveryDocument(tenantSegment: string) {
    const base = `${this.origin}/${tenantSegment}`;
    // Like Entra's multi-tenant documents: /organizations and /common carry a templated issuer.
    const issuerTenant =
      tenantSegment.toLowerCase() === this.tenantId.toLowerCase() ? this.tenantId : '{tenantid}';
    return {
      token_endpoint: `${base}/oauth2/v2.0/token`,
      token_endpoint_auth_methods_supported: ['client_secret_post', 'private_key_jwt', 'client_secret_basic'],
      jwks_uri: `${base}/discovery/v2.0/keys`,
      response_modes_supported: ['query', 'fragment', 'form_post'],
      subject_types_supported: ['pairwise'],
      id_token_signing_alg_values_supported: ['RS256'],
      response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
      scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
      issuer: `${this.origin}/${issuerTenant}/v2.0`,
      request_uri_parameter_supported: false,
      authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
      device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
      claims_supported: [
        'sub',
        'iss',
        'aud',
        'exp',
        'iat',
        'auth_time',
        'acr',
        'nonce',
        'preferred_username',
        'name',
        'tid',
        'ver',
        'email',
      ],
      tenant_region_scope: 'EU',
      cloud_instance_name: 'localhost',
      cloud_graph_host_name: 'localhost',
      msgraph_host: 'localhost',
    };
  }

  /** Entra's answer lists its host aliases (login.windows.net …); the fake has one name. */
  private instanceMetadata() {
    return {
      tenant_discovery_endpoint: `${this.origin}/common/v2.0/.well-known/openid-configuration`,
      'api-version': '1.1',
      metadata: [{ preferred_network: this.host, preferred_cache: this.host, aliases: [this.host] }],
    };
  }

  private authorize(query: URLSearchParams, correlationId?: string): { status: number; html: string } {
    const parsed = authorizeRequestSchema.safeParse(Object.fromEntries(query));
    // Entra shows errors it cannot send back to a trusted redirect URI on its own page.
    const errorPage = (error: EntraErrorBody) => ({
      status: 400,
      html: signInErrorPage(error.error_description),
    });
    if (!parsed.success)
      return errorPage(
        entraError('invalid_request', 900144, `Invalid authorize request (${describeIssue(parsed.error)}).`, {
          correlationId,
        }),
      );
    const q = parsed.data;
    if (!this.clientIds.includes(q.client_id))
      return errorPage(
        entraError(
          'unauthorized_client',
          700016,
          `Application with identifier '${q.client_id}' was not found in the directory '${this.tenantId}'.`,
          { correlationId },
        ),
      );
    if (!LOOPBACK_REDIRECT.test(q.redirect_uri))
      return errorPage(
        entraError(
          'invalid_request',
          50011,
          `The redirect URI '${q.redirect_uri}' specified in the request does not match the redirect URIs configured for the application.`,
          { correlationId },
        ),
      );
    const upn = this.loginUpn;
    if (!upn)
      return errorPage(entraError('invalid_request', 50034, 'The tenant has no users.', { correlationId }));
    const code = randomBytes(48).toString('base64url');
    this.authCodes.set(code, {
      upn,
      clientId: q.client_id,
      scope: q.scope,
      redirectUri: q.redirect_uri,
      challenge: q.code_challenge,
      nonce: q.nonce,
      expiresAt: Date.now() + AUTH_CODE_LIFETIME_MS,
      redeemed: false,
    });
    const user = this.requireUser(upn);
    return {
      status: 200,
      html: formPostPage(q.redirect_uri, {
        code,
        client_info: q.client_info === '1' ? clientInfo(user.oid, this.tenantId) : undefined,
        state: q.state,
        session_state: randomUUID(),
      }),
    };
  }

  private deviceCode(form: Record<string, string>, correlationId?: string): Answer {
    const parsed = deviceCodeRequestSchema.safeParse(form);
    if (!parsed.success)
      return {
        status: 400,
        body: entraError(
          'invalid_request',
          900144,
          `The request body must contain the following parameter: '${parsed.error.issues[0]?.path.join('.') ?? ''}'.`,
          { correlationId },
        ),
      };
    const { client_id: clientId, scope } = parsed.data;
    if (!this.clientIds.includes(clientId)) return unknownClient(clientId, this.tenantId, correlationId);
    const deviceCode = randomBytes(48).toString('base64url');
    const userCode = newUserCode();
    this.deviceCodes.set(deviceCode, {
      clientId,
      scope,
      userCode,
      polls: 0,
      expiresAt: Date.now() + DEVICE_CODE_LIFETIME_SEC * 1000,
    });
    const verificationUri = `${this.origin}/devicelogin`;
    return {
      status: 200,
      body: {
        user_code: userCode,
        device_code: deviceCode,
        verification_uri: verificationUri,
        expires_in: DEVICE_CODE_LIFETIME_SEC,
        // Entra says 5; one second keeps device-code tests quick.
        interval: 1,
        message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
      },
    };
  }

  private async token(form: Record<string, string>, correlationId?: string): Promise<Answer> {
    const o = { correlationId };
    const bad = (error: string, code: number, description: string, suberror?: string): Answer => ({
      status: 400,
      body: entraError(error, code, description, { ...o, suberror }),
    });
    const parsed = tokenRequestSchema.safeParse(form);
    if (!parsed.success)
      return bad(
        'invalid_request',
        900144,
        `The request body must contain the following parameter: '${parsed.error.issues[0]?.path.join('.') ?? ''}'.`,
      );
    const t = parsed.data;
    if (!this.clientIds.includes(t.client_id))
      return unknownClient(t.client_id, this.tenantId, correlationId);

    if (t.grant_type === 'authorization_code') {
      const grant = t.code ? this.authCodes.get(t.code) : undefined;
      if (!grant) return bad('invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.');
      if (grant.redeemed)
        return bad(
          'invalid_grant',
          54005,
          'OAuth2 Authorization code was already redeemed, please retry with a new valid code or use an existing refresh token.',
        );
      grant.redeemed = true;
      if (grant.expiresAt < Date.now())
        return bad(
          'invalid_grant',
          70008,
          'The provided authorization code or refresh token has expired due to inactivity.',
        );
      if (grant.clientId !== t.client_id)
        return bad(
          'invalid_grant',
          70000,
          'The provided authorization code was issued to a different client.',
        );
      const challenge = createHash('sha256')
        .update(t.code_verifier ?? '')
        .digest('base64url');
      if (challenge !== grant.challenge)
        return bad(
          'invalid_grant',
          501481,
          'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
        );
      if (t.redirect_uri !== grant.redirectUri)
        return bad(
          'invalid_grant',
          50148,
          'The redirect_uri does not match the one used in the authorization request.',
        );
      return this.issue(
        { upn: grant.upn, clientId: grant.clientId, scope: t.scope ?? grant.scope },
        correlationId,
        grant.nonce,
      );
    }

    if (t.grant_type === 'refresh_token') {
      const grant = t.refresh_token ? this.refreshTokens.get(t.refresh_token) : undefined;
      if (!grant)
        return bad(
          'invalid_grant',
          9002313,
          'Invalid request. Request is malformed or invalid.',
          'bad_token',
        );
      if (grant.state === 'revoked') return { status: 400, body: revokedGrant(correlationId) };
      if (grant.state === 'spent')
        return bad(
          'invalid_grant',
          70000,
          'Provided grant is invalid or malformed: the refresh token was already used.',
          'bad_token',
        );
      if (grant.clientId !== t.client_id)
        return bad(
          'invalid_grant',
          70000,
          'The refresh token was issued to a different client.',
          'client_mismatch',
        );
      if (this.rejectReuse) grant.state = 'spent';
      return this.issue(
        { upn: grant.upn, clientId: grant.clientId, scope: t.scope ?? grant.scope },
        correlationId,
      );
    }

    if (TOKEN_GRANT_DEVICE_CODE.has(t.grant_type)) {
      const pending = t.device_code ? this.deviceCodes.get(t.device_code) : undefined;
      if (!pending || !t.device_code)
        return bad('invalid_grant', 70000, 'Provided grant is invalid or malformed.');
      if (pending.expiresAt < Date.now()) {
        this.deviceCodes.delete(t.device_code);
        return bad(
          'expired_token',
          70020,
          "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
        );
      }
      if (pending.clientId !== t.client_id)
        return bad('invalid_grant', 70000, 'The device code was issued to a different client.');
      pending.polls += 1;
      if (!pending.approvedAs && this.autoApproveAfter !== false && pending.polls > this.autoApproveAfter)
        pending.approvedAs = this.loginUpn;
      if (!pending.approvedAs)
        return bad(
          'authorization_pending',
          70016,
          'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
        );
      this.deviceCodes.delete(t.device_code);
      return this.issue(
        { upn: pending.approvedAs, clientId: pending.clientId, scope: t.scope ?? pending.scope },
        correlationId,
      );
    }

    return bad(
      'unsupported_grant_type',
      70003,
      `The app requested an unsupported grant type '${t.grant_type}'.`,
    );
  }

  /** A successful /token answer, the way Entra words it for a v2 public client. */
  private async issue(grant: Grant, correlationId?: string, nonce?: string): Promise<Answer> {
    const user = this.findUser(grant.upn);
    if (!user)
      return {
        status: 400,
        body: entraError('invalid_grant', 50034, 'The user account does not exist in the directory.', {
          correlationId,
        }),
      };
    const resource = resourceOf(grant.scope);
    if (!resource)
      return {
        status: 400,
        body: entraError('invalid_scope', 70011, 'The provided request must include a resource scope.', {
          correlationId,
        }),
      };
    const skew = this.takeFault('token', (f) => f.kind === 'clock-skew')?.skewSec ?? 0;
    const issuedAt = this.nowSec(skew);
    const lifetimeSec = this.pickLifetime();
    const accessToken = await this.signer.signAccessToken({
      ...this.accessTokenInput({ upn: user.upn, resource, clientId: grant.clientId, lifetimeSec }),
      issuedAt,
    });
    const idToken = await this.signer.signIdToken({
      user,
      clientId: grant.clientId,
      tenantId: this.tenantId,
      issuer: `${this.origin}/${this.tenantId}/v2.0`,
      issuedAt,
      nonce,
    });
    const refreshToken = `1.${randomBytes(96).toString('base64url')}`;
    this.refreshTokens.set(refreshToken, {
      upn: user.upn,
      clientId: grant.clientId,
      scope: grant.scope,
      state: 'live',
    });
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: resourceScopes(grant.scope),
        // Relative seconds, so MSAL's expiresOn follows the client's clock even when the claims are skewed.
        expires_in: lifetimeSec,
        ext_expires_in: lifetimeSec,
        access_token: accessToken,
        refresh_token: refreshToken,
        id_token: idToken,
        client_info: clientInfo(user.oid, this.tenantId),
      },
    };
  }

  private deviceLogin(method: string, form: Record<string, string>): [number, string] {
    const appName = 'pgentra testbed';
    if (method !== 'POST') return [200, deviceLoginPage({ appName })];
    const parsed = deviceLoginFormSchema.safeParse(form);
    if (!parsed.success)
      return [400, deviceLoginPage({ appName, error: 'Enter the code shown on your device.' })];
    const wanted = normalizeUserCode(parsed.data.otc);
    const pending = [...this.deviceCodes.values()].find(
      (p) => p.userCode === wanted && p.expiresAt > Date.now(),
    );
    if (!pending || !this.loginUpn)
      return [
        400,
        deviceLoginPage({ appName, error: "That code didn't work. Check the code and try again." }),
      ];
    pending.approvedAs = this.loginUpn;
    return [200, deviceLoginPage({ appName, signedInAs: this.loginUpn })];
  }

  private control(body: string): Answer {
    const parsed = controlSchema.safeParse(parseJson(body));
    if (!parsed.success)
      return { status: 400, body: { error: `invalid control request: ${describeIssue(parsed.error)}` } };
    try {
      this.applyControl(parsed.data);
    } catch (error) {
      return { status: 400, body: { error: error instanceof Error ? error.message : String(error) } };
    }
    return { status: 200, body: { ok: true } };
  }

  private applyControl(op: ControlRequest): void {
    switch (op.op) {
      case 'login-as':
        return this.loginAs(op.upn);
      case 'fault': {
        const { op: _op, ...fault } = op;
        return this.injectFault(fault);
      }
      case 'clear-faults':
        return this.clearFaults();
      case 'revoke':
        return this.revokeRefreshTokens(op.upn);
      case 'approve-device-code':
        return this.approveDeviceCode(op.userCode);
      case 'lifetime':
        return this.setTokenLifetime(op.sec);
      case 'clock-skew':
        return this.setClockSkewSec(op.sec);
      case 'refresh-token-reuse':
        return this.setRejectReusedRefreshTokens(op.reject);
    }
  }
}

function unknownClient(clientId: string, tenantId: string, correlationId?: string): Answer {
  return {
    status: 400,
    body: entraError(
      'unauthorized_client',
      700016,
      `Application with identifier '${clientId}' was not found in the directory '${tenantId}'. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant.`,
      { correlationId },
    ),
  };
}

export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  await fs.mkdir(options.dir, { recursive: true });
  const extraNames = options.hostName && options.hostName !== 'localhost' ? [options.hostName] : [];
  const leaf = await issueLeaf(options.ca, extraNames[0] ? `entra-${extraNames[0]}` : 'entra', extraNames);
  const caPem = await fs.readFile(options.ca.caFile);
  const caFile = path.join(options.dir, 'ca.crt');
  await fs.writeFile(caFile, caPem);
  // The full chain, so a browser pinned to the CA's key (browser-trust.ts) can match it.
  const server = https.createServer({ cert: Buffer.concat([leaf.cert, caPem]), key: leaf.key });
  const entra = new FakeEntraServer(options, server, await TokenSigner.create(), caFile);
  await entra.listen(options.port ?? 0);
  return entra;
}
