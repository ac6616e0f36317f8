// A fake Microsoft Entra ID, close enough that the real @azure/msal-node talks to it unmodified:
// OIDC discovery, JWKS, authorization code + PKCE with an auto-submitting form_post page,
// device code, refresh tokens (rotated on every use, revocable), Entra-shaped v1 access tokens,
// Entra-shaped errors, and fault injection per endpoint. HTTPS with the testbed's CA.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { promises as fs } from 'node:fs';
import https from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import path from 'node:path';
import { exportJWK, generateKeyPair, SignJWT, type JWK, type CryptoKey } from 'jose';
import { z } from 'zod';
import { issueLeaf, type TestCa } from '../tls.js';

export const DEFAULT_TENANT_ID = '7f0c1a4e-0b5d-4c1e-9a57-3f6c2d1b8e90';
export const DEFAULT_TEST_CLIENT_ID = 'c5a1e0f2-3b4d-4e6f-8a9b-0c1d2e3f4a5b';

export type FaultEndpoint = 'token' | 'devicecode' | 'authorize' | 'discovery' | 'jwks' | '*';
export type FaultKind =
  'http-429' | 'http-500' | 'http-503' | 'stall' | 'invalid-grant' | 'interaction-required' | 'revoked';

export interface Fault {
  endpoint: FaultEndpoint;
  kind: FaultKind;
  /** Only the next N matching requests fail; then the fault clears itself. Unlimited if absent. */
  count?: number;
  retryAfterSec?: number;
}

export interface FakeEntraUser {
  upn: string;
  oid: string;
  name: string;
}

export interface FakeEntraGroup {
  name: string;
  id: string;
  members: string[];
}

export type Lifetime = number | { min: number; max: number };

export interface FakeEntraOptions {
  dir: string;
  ca: TestCa;
  tenantId?: string;
  clientIds?: string[];
  users: { upn: string; oid?: string; name?: string }[];
  groups?: { name: string; id?: string; members: string[] }[];
  /** Seconds; default random 3600–5400 like Entra. */
  tokenLifetimeSec?: Lifetime;
  deviceCodeAutoApproveAfterPolls?: number;
}

export interface RequestRecord {
  endpoint: Exclude<FaultEndpoint, '*'> | 'control' | 'other';
  grantType?: string;
  resource?: string;
  at: number;
}

export interface FakeEntra {
  authority: string;
  origin: string;
  host: string;
  port: number;
  tenantId: string;
  clientId: string;
  issuer: string;
  jwksUri: string;
  caFile: string;
  users: FakeEntraUser[];
  groups: FakeEntraGroup[];
  requests: RequestRecord[];
  loginAs(upn: string): void;
  approveDeviceCode(): void;
  injectFault(fault: Fault): void;
  clearFaults(): void;
  revokeRefreshTokens(upn?: string): void;
  setTokenLifetime(lifetime: Lifetime): void;
  setClockSkewSec(sec: number): void;
  mintAccessToken(options: {
    upn: string;
    resource: string;
    lifetimeSec?: number;
    issuedAt?: number;
  }): Promise<string>;
  close(): Promise<void>;
}

const controlSchema = z.discriminatedUnion('op', [
  z.object({ op: z.literal('login-as'), upn: z.string().min(1) }),
  z.object({
    op: z.literal('fault'),
    endpoint: z.enum(['token', 'devicecode', 'authorize', 'discovery', 'jwks', '*']),
    kind: z.enum([
      'http-429',
      'http-500',
      'http-503',
      'stall',
      'invalid-grant',
      'interaction-required',
      'revoked',
    ]),
    count: z.number().int().positive().optional(),
    retryAfterSec: z.number().int().min(0).optional(),
  }),
  z.object({ op: z.literal('clear-faults') }),
  z.object({ op: z.literal('revoke'), upn: z.string().min(1).optional() }),
  z.object({ op: z.literal('approve-device-code') }),
  z.object({ op: z.literal('lifetime'), sec: z.number().int().positive() }),
]);

const tokenRequestSchema = z.object({
  grant_type: z.string().min(1),
  client_id: z.string().min(1),
  scope: z.string().optional(),
  code: z.string().optional(),
  code_verifier: z.string().optional(),
  redirect_uri: z.string().optional(),
  refresh_token: z.string().optional(),
  device_code: z.string().optional(),
  claims: z.string().optional(),
});

const authorizeSchema = z.object({
  client_id: z.string().min(1),
  redirect_uri: z.string().url(),
  response_mode: z.literal('form_post'),
  response_type: z.literal('code'),
  code_challenge: z.string().min(43),
  code_challenge_method: z.literal('S256'),
  state: z.string().optional(),
  nonce: z.string().optional(),
  scope: z.string().min(1),
  login_hint: z.string().optional(),
});

const OIDC_SCOPES = new Set(['openid', 'profile', 'offline_access', 'email']);

interface Grant {
  upn: string;
  clientId: string;
  scope: string;
}

function entraError(
  status: number,
  error: string,
  code: number,
  description: string,
  extra: Record<string, unknown> = {},
) {
  const traceId = randomUUID();
  return {
    status,
    body: {
      error,
      error_description: `AADSTS${code}: ${description}\r\nTrace ID: ${traceId}\r\nCorrelation ID: ${randomUUID()}\r\nTimestamp: ${new Date().toISOString()}`,
      error_codes: [code],
      timestamp: new Date().toISOString(),
      trace_id: traceId,
      correlation_id: randomUUID(),
      ...extra,
    },
  };
}

function resourceOf(scope: string): string | undefined {
  const resourceScope = scope.split(/\s+/).find((s) => s && !OIDC_SCOPES.has(s));
  return resourceScope?.replace(/\/\.default$/, '').replace(/\/user_impersonation$/, '');
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => {
      body += chunk;
      if (body.length > 1_000_000) request.destroy();
    });
    request.on('end', () => resolve(body));
    request.on('error', reject);
  });
}

const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export async function startFakeEntra(options: FakeEntraOptions): Promise<FakeEntra> {
  await fs.mkdir(options.dir, { recursive: true });
  const leaf = await issueLeaf(options.ca, 'entra');
  const tenantId = options.tenantId ?? DEFAULT_TENANT_ID;
  const clientIds = options.clientIds ?? [DEFAULT_TEST_CLIENT_ID];
  const users: FakeEntraUser[] = options.users.map((u) => ({
    upn: u.upn,
    oid: u.oid ?? randomUUID(),
    name: u.name ?? u.upn.split('@')[0] ?? u.upn,
  }));
  const groups: FakeEntraGroup[] = (options.groups ?? []).map((g) => ({
    name: g.name,
    id: g.id ?? randomUUID(),
    members: g.members,
  }));
  const { privateKey, publicKey } = await generateKeyPair('RS256', { extractable: true });
  const kid = randomBytes(8).toString('hex');
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, use: 'sig', alg: 'RS256' };

  let lifetime: Lifetime = options.tokenLifetimeSec ?? { min: 3600, max: 5400 };
  let skewSec = 0;
  let loginUpn = users[0]?.upn;
  let faults: Fault[] = [];
  const autoApproveAfter = options.deviceCodeAutoApproveAfterPolls ?? 1;
  const refreshTokens = new Map<string, Grant & { revoked: boolean }>();
  const authCodes = new Map<
    string,
    Grant & { redirectUri: string; challenge: string; nonce?: string; expiresAt: number }
  >();
  const deviceCodes = new Map<
    string,
    {
      userCode: string;
      clientId: string;
      scope: string;
      polls: number;
      approvedAs?: string;
      expiresAt: number;
    }
  >();
  const requests: RequestRecord[] = [];
  const sockets = new Set<Socket>();

  const server = https.createServer({ cert: leaf.cert, key: leaf.key });
  server.on('connection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const origin = `https://localhost:${port}`;
  const issuer = `https://sts.windows.net/${tenantId}/`;

  const userByUpn = (upn: string) => users.find((u) => u.upn.toLowerCase() === upn.toLowerCase());
  const pickLifetime = () =>
    typeof lifetime === 'number'
      ? lifetime
      : lifetime.min + Math.floor(Math.random() * (lifetime.max - lifetime.min + 1));
  const nowSec = () => Math.floor(Date.now() / 1000) + skewSec;

  async function mintAccessToken(o: {
    upn: string;
    resource: string;
    lifetimeSec?: number;
    issuedAt?: number;
    clientId?: string;
  }): Promise<string> {
    const user = userByUpn(o.upn);
    if (!user) throw new Error(`unknown user ${o.upn}`);
    const iat = o.issuedAt ?? nowSec();
    const exp = iat + (o.lifetimeSec ?? pickLifetime());
    const memberOf = groups
      .filter((g) => g.members.some((m) => m.toLowerCase() === user.upn.toLowerCase()))
      .map((g) => g.id);
    return new SignJWT({
      aud: o.resource,
      iss: issuer,
      tid: tenantId,
      oid: user.oid,
      sub: createHash('sha256').update(`${user.oid}${o.resource}`).digest('base64url'),
      upn: user.upn,
      unique_name: user.upn,
      name: user.name,
      appid: o.clientId ?? clientIds[0],
      scp: 'user_impersonation',
      ver: '1.0',
      // Entra's unique token identifier: two tokens minted in the same second still differ.
      uti: randomBytes(16).toString('base64url'),
      ...(memberOf.length ? { groups: memberOf } : {}),
      iat,
      nbf: iat,
      exp,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .sign(privateKey as CryptoKey);
  }

  async function tokenResponse(grant: Grant, nonce?: string) {
    const user = userByUpn(grant.upn);
    if (!user)
      return entraError(400, 'invalid_grant', 50034, 'The user account does not exist in the directory.');
    const resource = resourceOf(grant.scope);
    if (!resource)
      return entraError(400, 'invalid_scope', 70011, 'The provided request must include a resource scope.');
    const lifetimeSec = pickLifetime();
    const accessToken = await mintAccessToken({
      upn: user.upn,
      resource,
      lifetimeSec,
      clientId: grant.clientId,
    });
    const refreshToken = `rt.${randomBytes(24).toString('base64url')}`;
    refreshTokens.set(refreshToken, { ...grant, revoked: false });
    const iat = nowSec();
    const idToken = await new SignJWT({
      aud: grant.clientId,
      iss: `${origin}/${tenantId}/v2.0`,
      tid: tenantId,
      oid: user.oid,
      sub: user.oid,
      preferred_username: user.upn,
      name: user.name,
      ver: '2.0',
      ...(nonce ? { nonce } : {}),
      iat,
      nbf: iat,
      exp: iat + 3600,
    })
      .setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid })
      .sign(privateKey as CryptoKey);
    return {
      status: 200,
      body: {
        token_type: 'Bearer',
        scope: grant.scope
          .split(/\s+/)
          .filter((s) => s && !OIDC_SCOPES.has(s))
          .join(' '),
        expires_in: lifetimeSec,
        ext_expires_in: lifetimeSec,
        access_token: accessToken,
        refresh_token: refreshToken,
        id_token: idToken,
        client_info: Buffer.from(JSON.stringify({ uid: user.oid, utid: tenantId })).toString('base64url'),
      },
    };
  }

  function endpointOf(pathname: string): RequestRecord['endpoint'] {
    if (pathname === '/_testbed/control') return 'control';
    if (pathname.endsWith('/.well-known/openid-configuration')) return 'discovery';
    if (pathname.endsWith('/discovery/v2.0/keys')) return 'jwks';
    if (pathname.endsWith('/oauth2/v2.0/authorize')) return 'authorize';
    if (pathname.endsWith('/oauth2/v2.0/token')) return 'token';
    if (pathname.endsWith('/oauth2/v2.0/devicecode')) return 'devicecode';
    return 'other';
  }

  /** The first active fault for this endpoint, consuming one use of a counted fault. */
  function takeFault(endpoint: RequestRecord['endpoint']): Fault | undefined {
    const fault = faults.find(
      (f) =>
        f.endpoint === endpoint || (f.endpoint === '*' && endpoint !== 'control' && endpoint !== 'other'),
    );
    if (!fault) return undefined;
    if (fault.count !== undefined) {
      fault.count -= 1;
      if (fault.count <= 0) faults = faults.filter((f) => f !== fault);
    }
    return fault;
  }

  function faultResponse(fault: Fault) {
    switch (fault.kind) {
      case 'http-429':
        return {
          ...entraError(
            429,
            'temporarily_unavailable',
            50196,
            'The server temporarily throttled the request.',
          ),
          retryAfter: fault.retryAfterSec ?? 5,
        };
      case 'http-500':
        return entraError(500, 'server_error', 90033, 'A transient error has occurred. Please try again.');
      case 'http-503':
        return {
          ...entraError(503, 'temporarily_unavailable', 90006, 'The service is temporarily unavailable.'),
          retryAfter: fault.retryAfterSec,
        };
      case 'invalid-grant':
        return entraError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.', {
          suberror: 'bad_token',
        });
      case 'interaction-required':
        return entraError(
          400,
          'interaction_required',
          50076,
          'Due to a configuration change made by your administrator, you must use multi-factor authentication.',
          {
            claims: JSON.stringify({
              access_token: { capolids: { essential: true, values: ['pgentra-testbed-mfa'] } },
            }),
            suberror: 'basic_action',
          },
        );
      case 'revoked':
        return entraError(
          400,
          'invalid_grant',
          50173,
          'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
          { suberror: 'bad_token' },
        );
      case 'stall':
        return null;
    }
  }

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin);
    const endpoint = endpointOf(url.pathname);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, {
        'content-type': 'application/json; charset=utf-8',
        'cache-control': 'no-store',
        ...headers,
      });
      response.end(JSON.stringify(body));
    };
    const body = request.method === 'POST' ? await readBody(request) : '';
    const form = Object.fromEntries(new URLSearchParams(body));
    const scope = form.scope ?? url.searchParams.get('scope') ?? undefined;
    requests.push({
      endpoint,
      grantType: form.grant_type,
      resource: scope ? resourceOf(scope) : undefined,
      at: Date.now(),
    });

    if (endpoint === 'control') {
      const parsed = controlSchema.safeParse(
        (() => {
          try {
            return JSON.parse(body) as unknown;
          } catch {
            return null;
          }
        })(),
      );
      if (!parsed.success)
        return send(400, {
          error: `invalid control request: ${parsed.error.issues[0]?.path.join('.') ?? ''} ${parsed.error.issues[0]?.message ?? ''}`,
        });
      const op = parsed.data;
      if (op.op === 'login-as') {
        if (!userByUpn(op.upn))
          return send(400, {
            error: `unknown user ${op.upn} (known: ${users.map((u) => u.upn).join(', ')})`,
          });
        loginUpn = op.upn;
      } else if (op.op === 'fault')
        faults.push({
          endpoint: op.endpoint,
          kind: op.kind,
          count: op.count,
          retryAfterSec: op.retryAfterSec,
        });
      else if (op.op === 'clear-faults') faults = [];
      else if (op.op === 'revoke') revoke(op.upn);
      else if (op.op === 'approve-device-code') approveAll();
      else lifetime = op.sec;
      return send(200, { ok: true });
    }

    const fault = endpoint === 'other' ? undefined : takeFault(endpoint);
    if (fault) {
      const failure = faultResponse(fault);
      if (!failure) return; // stall: never answer; close() destroys the socket
      return send(
        failure.status,
        failure.body,
        'retryAfter' in failure && failure.retryAfter !== undefined
          ? { 'retry-after': String(failure.retryAfter) }
          : {},
      );
    }

    const tenantInPath = url.pathname.split('/')[1] ?? '';
    switch (endpoint) {
      case 'discovery':
        return send(200, {
          issuer: `${origin}/${tenantId}/v2.0`,
          authorization_endpoint: `${origin}/${tenantInPath}/oauth2/v2.0/authorize`,
          token_endpoint: `${origin}/${tenantInPath}/oauth2/v2.0/token`,
          device_authorization_endpoint: `${origin}/${tenantInPath}/oauth2/v2.0/devicecode`,
          end_session_endpoint: `${origin}/${tenantInPath}/oauth2/v2.0/logout`,
          jwks_uri: `${origin}/${tenantId}/discovery/v2.0/keys`,
          response_modes_supported: ['query', 'fragment', 'form_post'],
          response_types_supported: ['code', 'id_token', 'code id_token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          subject_types_supported: ['pairwise'],
          id_token_signing_alg_values_supported: ['RS256'],
          token_endpoint_auth_methods_supported: [
            'client_secret_post',
            'private_key_jwt',
            'client_secret_basic',
          ],
          claims_supported: [
            'sub',
            'iss',
            'aud',
            'exp',
            'iat',
            'nonce',
            'oid',
            'tid',
            'preferred_username',
            'name',
          ],
          tenant_region_scope: 'NA',
          cloud_instance_name: 'localhost',
          request_uri_parameter_supported: false,
        });
      case 'jwks':
        return send(200, { keys: [jwk] });
      case 'authorize': {
        const parsed = authorizeSchema.safeParse(Object.fromEntries(url.searchParams));
        if (!parsed.success) {
          const issue = parsed.error.issues[0];
          response.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' });
          return void response.end(
            `fake Entra: invalid authorize request (${issue?.path.join('.')}: ${issue?.message})`,
          );
        }
        const q = parsed.data;
        if (!clientIds.includes(q.client_id))
          return send(
            400,
            entraError(
              400,
              'unauthorized_client',
              700016,
              `Application with identifier '${q.client_id}' was not found in the directory.`,
            ).body,
          );
        if (!/^http:\/\/(localhost|127\.0\.0\.1)(:\d+)?(\/.*)?$/.test(q.redirect_uri))
          return send(
            400,
            entraError(400, 'invalid_request', 50011, 'The redirect URI does not match.').body,
          );
        const upn = loginUpn;
        if (!upn) return send(500, { error: 'no users configured' });
        const code = `code.${randomBytes(24).toString('base64url')}`;
        authCodes.set(code, {
          upn,
          clientId: q.client_id,
          scope: q.scope,
          redirectUri: q.redirect_uri,
          challenge: q.code_challenge,
          nonce: q.nonce,
          expiresAt: Date.now() + 300_000,
        });
        // Entra's form_post page: a form that submits itself to the app's loopback redirect URI.
        response.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
        return void response.end(
          `<!doctype html><html><head><title>Working...</title></head><body onload="document.forms[0].submit()">` +
            `<form method="POST" action="${escapeHtml(q.redirect_uri)}">` +
            `<input type="hidden" name="code" value="${escapeHtml(code)}">` +
            (q.state ? `<input type="hidden" name="state" value="${escapeHtml(q.state)}">` : '') +
            `<input type="hidden" name="client_info" value="${escapeHtml(Buffer.from(JSON.stringify({ uid: userByUpn(upn)?.oid, utid: tenantId })).toString('base64url'))}">` +
            `<noscript><button type="submit">Continue</button></noscript></form><p>Signing you in as ${escapeHtml(upn)}…</p></body></html>`,
        );
      }
      case 'devicecode': {
        const clientId = form.client_id ?? '';
        if (!clientIds.includes(clientId))
          return send(
            400,
            entraError(
              400,
              'unauthorized_client',
              700016,
              `Application with identifier '${clientId}' was not found in the directory.`,
            ).body,
          );
        const deviceCode = `dc.${randomBytes(24).toString('base64url')}`;
        const userCode = randomBytes(4).toString('hex').toUpperCase().slice(0, 8);
        deviceCodes.set(deviceCode, {
          userCode,
          clientId,
          scope: form.scope ?? '',
          polls: 0,
          expiresAt: Date.now() + 900_000,
        });
        const verificationUri = `${origin}/devicelogin`;
        return send(200, {
          user_code: userCode,
          device_code: deviceCode,
          verification_uri: verificationUri,
          expires_in: 900,
          interval: 1,
          message: `To sign in, use a web browser to open the page ${verificationUri} and enter the code ${userCode} to authenticate.`,
        });
      }
      case 'token': {
        const parsed = tokenRequestSchema.safeParse(form);
        if (!parsed.success)
          return send(
            400,
            entraError(
              400,
              'invalid_request',
              900144,
              `The request body must contain the following parameter: '${parsed.error.issues[0]?.path.join('.')}'.`,
            ).body,
          );
        const t = parsed.data;
        if (!clientIds.includes(t.client_id))
          return send(
            400,
            entraError(
              400,
              'unauthorized_client',
              700016,
              `Application with identifier '${t.client_id}' was not found in the directory.`,
            ).body,
          );
        const answer = async (result: { status: number; body: unknown }) => send(result.status, result.body);
        if (t.grant_type === 'authorization_code') {
          const grant = t.code ? authCodes.get(t.code) : undefined;
          if (t.code) authCodes.delete(t.code);
          if (!grant || grant.expiresAt < Date.now())
            return answer(
              entraError(
                400,
                'invalid_grant',
                70008,
                'The provided authorization code or refresh token has expired.',
              ),
            );
          const challenge = createHash('sha256')
            .update(t.code_verifier ?? '')
            .digest('base64url');
          if (challenge !== grant.challenge)
            return answer(
              entraError(
                400,
                'invalid_grant',
                501481,
                'The Code_Verifier does not match the code_challenge supplied in the authorization request.',
              ),
            );
          if (t.redirect_uri !== grant.redirectUri)
            return answer(
              entraError(
                400,
                'invalid_grant',
                50011,
                'The redirect URI does not match the one used for the authorization code.',
              ),
            );
          return answer(
            await tokenResponse(
              { upn: grant.upn, clientId: grant.clientId, scope: t.scope ?? grant.scope },
              grant.nonce,
            ),
          );
        }
        if (t.grant_type === 'refresh_token') {
          const grant = t.refresh_token ? refreshTokens.get(t.refresh_token) : undefined;
          if (!grant)
            return answer(
              entraError(400, 'invalid_grant', 9002313, 'Invalid request. Request is malformed or invalid.', {
                suberror: 'bad_token',
              }),
            );
          if (grant.revoked)
            return answer(
              entraError(
                400,
                'invalid_grant',
                50173,
                'The provided grant has expired due to it being revoked, a fresh auth token is needed.',
                { suberror: 'bad_token' },
              ),
            );
          if (grant.clientId !== t.client_id)
            return answer(
              entraError(
                400,
                'invalid_grant',
                700005,
                'Provided Authorization Code is intended to use against other tenant, thus rejected.',
              ),
            );
          return answer(
            await tokenResponse({ upn: grant.upn, clientId: grant.clientId, scope: t.scope ?? grant.scope }),
          );
        }
        if (
          t.grant_type === 'device_code' ||
          t.grant_type === 'urn:ietf:params:oauth:grant-type:device_code'
        ) {
          const pending = t.device_code ? deviceCodes.get(t.device_code) : undefined;
          if (!pending)
            return answer(entraError(400, 'invalid_grant', 70000, 'Provided grant is invalid or malformed.'));
          if (pending.expiresAt < Date.now())
            return answer(
              entraError(
                400,
                'expired_token',
                70020,
                "The provided value for the input parameter 'device_code' is not valid. This device code has expired.",
              ),
            );
          pending.polls += 1;
          if (!pending.approvedAs && autoApproveAfter > 0 && pending.polls > autoApproveAfter)
            pending.approvedAs = loginUpn;
          if (!pending.approvedAs)
            return answer(
              entraError(
                400,
                'authorization_pending',
                70016,
                'OAuth 2.0 device flow error. Authorization is pending. Continue polling.',
              ),
            );
          deviceCodes.delete(t.device_code ?? '');
          return answer(
            await tokenResponse({
              upn: pending.approvedAs,
              clientId: pending.clientId,
              scope: t.scope ?? pending.scope,
            }),
          );
        }
        return answer(
          entraError(
            400,
            'unsupported_grant_type',
            70003,
            `The app requested an unsupported grant type '${t.grant_type}'.`,
          ),
        );
      }
      default:
        response.writeHead(404, { 'content-type': 'text/plain' });
        response.end('not found');
    }
  }

  function revoke(upn?: string): void {
    for (const grant of refreshTokens.values())
      if (!upn || grant.upn.toLowerCase() === upn.toLowerCase()) grant.revoked = true;
  }
  function approveAll(): void {
    for (const pending of deviceCodes.values()) pending.approvedAs ??= loginUpn;
  }

  server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: 'server_error',
          error_description: `fake Entra failed: ${error instanceof Error ? error.message : String(error)}`,
        }),
      );
    });
  });

  const caFile = path.join(options.dir, 'ca.crt');
  await fs.copyFile(options.ca.caFile, caFile);

  return {
    authority: `${origin}/${tenantId}`,
    origin,
    host: 'localhost',
    port,
    tenantId,
    clientId: clientIds[0] ?? DEFAULT_TEST_CLIENT_ID,
    issuer,
    jwksUri: `${origin}/${tenantId}/discovery/v2.0/keys`,
    caFile,
    users,
    groups,
    requests,
    loginAs(upn) {
      if (!userByUpn(upn)) throw new Error(`unknown user ${upn}`);
      loginUpn = upn;
    },
    approveDeviceCode: approveAll,
    injectFault(fault) {
      faults.push({ ...fault });
    },
    clearFaults() {
      faults = [];
    },
    revokeRefreshTokens: revoke,
    setTokenLifetime(value) {
      lifetime = value;
    },
    setClockSkewSec(sec) {
      skewSec = sec;
    },
    mintAccessToken: (o) => mintAccessToken(o),
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
