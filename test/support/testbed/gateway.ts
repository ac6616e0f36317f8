// An Azure-like front for the testbed's PostgreSQL: it asks the client for a cleartext password,
// accepts it only if it is a Microsoft Entra access token for this server (signature, issuer,
// tenant, audience, lifetime, user or group), and then logs in upstream as that role with a
// password only the testbed knows, the way Azure's internal auth does, and splices the bytes.
// Failure texts follow Azure's where they are known, so pgentra's diagnostics meet real wording.
import { createHash, createHmac, pbkdf2, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import path from 'node:path';
import { pipeline } from 'node:stream';
import tls from 'node:tls';
import { promisify } from 'node:util';
import { createRemoteJWKSet, customFetch, errors, jwtVerify } from 'jose';
import type { FetchImplementation, JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { PostgresServer } from './postgres.js';

export type GatewayKind = 'flexible' | 'single' | 'cosmos';

/** Why a login was accepted or refused; tests and the demo assert on these, never on token text. */
export type GatewayReason =
  | 'ok'
  | 'token-format'
  | 'signature'
  | 'signing-key'
  | 'expired'
  | 'not-yet-valid'
  | 'audience'
  | 'issuer'
  | 'tenant'
  | 'user-mismatch'
  | 'not-group-member'
  | 'username-format'
  | 'jwks-unavailable'
  | 'upstream'
  /** The Azure-like rules around the server (fake ARM): firewall, Entra authentication off. */
  | 'firewall'
  | 'entra-disabled';

/** A refusal the gateway's admission hooks return, sent as a FATAL with Azure's wording. */
export interface AdmissionRefusal {
  reason: 'firewall' | 'entra-disabled';
  code: string;
  message: string;
}

/**
 * What Azure checks around the token: a stopped server takes no connections, the firewall is
 * checked before the password is asked, and Entra authentication must be on for a token to count.
 */
export interface GatewayAdmission {
  onConnect?(): 'drop' | undefined;
  beforePassword?(login: { user: string; database: string }): AdmissionRefusal | undefined;
  afterPassword?(login: { user: string; database: string }): AdmissionRefusal | undefined;
}

export interface GatewayLogEntry {
  /** The user name the client sent (for Single Server including `@server`). */
  user: string;
  outcome: 'accepted' | 'rejected';
  reason: GatewayReason;
}

/** A JWKS served over HTTP(S); `ca`/`caFile` trust a test CA for just this fetch. */
export interface RemoteJwks {
  url: string | URL;
  ca?: string | Buffer;
  caFile?: string;
}

export interface GatewayOptions {
  upstream: Pick<PostgresServer, 'socketDir' | 'port' | 'roleSecret'>;
  kind: GatewayKind;
  /** Single Server only: user names must end in `@<serverName>`. */
  serverName?: string;
  /** The resource this kind of server accepts (`https://ossrdbms-aad.database.windows.net`, …). */
  audience: string;
  /** `https://sts.windows.net/<tenant id>/` for Entra v1 access tokens. */
  issuer: string;
  tenantId: string;
  /** Signing keys: a jose key resolver (e.g. `createLocalJWKSet`) or a JWKS URL. */
  jwks?: JWTVerifyGetKey | RemoteJwks;
  /** Shorthand for `jwks: { url: jwksUri, caFile }`. */
  jwksUri?: string | URL;
  caFile?: string;
  /** Entra group display name (= role name) → group object id. */
  groups?: Record<string, string>;
  /** Password of a role upstream; defaults to `upstream.roleSecret`. */
  roleSecret?: (role: string) => string;
  /** Offer TLS to clients that ask; plaintext startups are then refused, as Azure does by default. */
  tls?: { cert: Buffer | string; key: Buffer | string };
  port?: number;
  /** Leeway for exp/nbf; Azure allows next to none. Default 5 seconds. */
  clockToleranceSec?: number;
  /** Epoch milliseconds, for tests that drive time (a `Clock.now`). */
  now?: () => number;
  admission?: GatewayAdmission;
}

export interface Gateway {
  host: '127.0.0.1';
  port: number;
  kind: GatewayKind;
  /** One entry per finished login attempt, in order. */
  log: GatewayLogEntry[];
  close(): Promise<void>;
}

interface Refusal {
  reason: Exclude<GatewayReason, 'ok'>;
  code: string;
  message: string;
  detail?: string;
}

type LoginCheck = { ok: true; role: string } | ({ ok: false } & Refusal);

const claimsSchema = z.object({
  iss: z.string(),
  aud: z.union([z.string(), z.array(z.string())]),
  exp: z.number(),
  tid: z.string().optional(),
  upn: z.string().optional(),
  unique_name: z.string().optional(),
  preferred_username: z.string().optional(),
  groups: z.array(z.string()).optional(),
});

const AUTH_FAILED = '28P01';
const INVALID_AUTHORIZATION = '28000';
const authFailed = (user: string) => `password authentication failed for user "${user}"`;

function refuse(reason: Refusal['reason'], message: string, detail?: string, code = AUTH_FAILED): LoginCheck {
  return { ok: false, reason, code, message, ...(detail === undefined ? {} : { detail }) };
}

const RETRY = 'Please acquire a new token and retry.';
const formatMessage =
  'The access token has invalid format. Please ensure the token is passed exactly as returned by the authentication endpoint and retry.';

function joseRefusal(error: unknown): LoginCheck {
  if (!(error instanceof errors.JOSEError)) {
    // A JWKS fetch that failed at the network level surfaces as a plain error.
    return refuse('jwks-unavailable', `An error occurred while validating the access token. ${RETRY}`);
  }
  switch (error.code) {
    case 'ERR_JWT_EXPIRED':
      return refuse('expired', `The access token has expired. ${RETRY}`);
    case 'ERR_JWT_CLAIM_VALIDATION_FAILED':
      if (error instanceof errors.JWTClaimValidationFailed && error.claim === 'nbf') {
        return refuse(
          'not-yet-valid',
          'The access token is not valid yet. Check the system clock and retry.',
        );
      }
      return refuse('token-format', formatMessage);
    case 'ERR_JWS_SIGNATURE_VERIFICATION_FAILED':
    case 'ERR_JOSE_ALG_NOT_ALLOWED':
      return refuse(
        'signature',
        `The access token signature is invalid (RS256 by the tenant's keys expected). ${RETRY}`,
      );
    case 'ERR_JWKS_NO_MATCHING_KEY':
    case 'ERR_JWKS_MULTIPLE_MATCHING_KEYS':
      return refuse(
        'signing-key',
        `The access token was signed with a key the tenant does not publish. ${RETRY}`,
      );
    case 'ERR_JWS_INVALID':
    case 'ERR_JWT_INVALID':
      return refuse('token-format', formatMessage);
    default:
      return refuse('jwks-unavailable', `An error occurred while validating the access token. ${RETRY}`);
  }
}

interface TokenPolicy {
  kind: GatewayKind;
  serverName?: string;
  audience: string;
  issuer: string;
  tenantId: string;
  keys: JWTVerifyGetKey;
  groups: Record<string, string>;
  clockToleranceSec: number;
  now: () => number;
}

/** Decides a login the way Azure's Entra auth does; never throws and never echoes the token. */
async function checkLogin(user: string, token: string, policy: TokenPolicy): Promise<LoginCheck> {
  let role = user;
  if (policy.kind === 'single') {
    const at = user.lastIndexOf('@');
    const suffix = at < 0 ? '' : user.slice(at + 1);
    if (at <= 0 || suffix.toLowerCase() !== (policy.serverName ?? '').toLowerCase()) {
      return refuse(
        'username-format',
        'Invalid Username specified. Please check the Username and retry connection. The Username should be in <username@hostname> format.',
        `This server is "${policy.serverName ?? ''}": connect as "<user or group>@${policy.serverName ?? ''}".`,
        INVALID_AUTHORIZATION,
      );
    }
    role = user.slice(0, at);
  }

  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, policy.keys, {
      algorithms: ['RS256'],
      clockTolerance: policy.clockToleranceSec,
      currentDate: new Date(policy.now()),
    }));
  } catch (error) {
    return joseRefusal(error);
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return refuse('token-format', formatMessage);
  const claims = parsed.data;

  const audiences = typeof claims.aud === 'string' ? [claims.aud] : claims.aud;
  if (!audiences.includes(policy.audience)) {
    return refuse(
      'audience',
      `The access token does not have a valid audience claim. Please acquire a new token for the resource "${policy.audience}".`,
    );
  }
  if (claims.iss !== policy.issuer) {
    return refuse(
      'issuer',
      `The access token was not issued by this server's Microsoft Entra tenant (expected issuer "${policy.issuer}"). ${RETRY}`,
    );
  }
  if (claims.tid !== policy.tenantId) {
    return refuse(
      'tenant',
      `The access token belongs to another Microsoft Entra tenant (expected tenant "${policy.tenantId}"). ${RETRY}`,
    );
  }

  const principals = [claims.upn, claims.unique_name, claims.preferred_username].filter(
    (name): name is string => name !== undefined,
  );
  if (principals.includes(role)) return { ok: true, role };
  const groupId = policy.groups[role];
  if (groupId !== undefined) {
    if (claims.groups?.includes(groupId)) return { ok: true, role };
    return refuse(
      'not-group-member',
      authFailed(user),
      `The access token is not for a member of the Microsoft Entra group "${role}" (object id ${groupId} is not in its groups claim).`,
    );
  }
  return refuse(
    'user-mismatch',
    authFailed(user),
    `The access token was issued to "${principals[0] ?? '(no user name)'}", which does not match the user name "${role}".`,
  );
}

// ---------------------------------------------------------------------------------------------
// The wire protocol, both sides, just enough for a login: framing, startup, SCRAM, errors.
// (pg-gateway was tried first: on Node 20 its web-stream adapters threw uncaught exceptions when
// clients went away mid-handshake, which would take a testbed daemon down; plain sockets don't.)

interface WireMessage {
  type: string;
  body: Buffer;
  raw: Buffer;
}

class ProtocolViolation extends Error {}

/** Frames messages off a socket until the caller takes the socket over for raw piping. */
class WireReader {
  private buffer = Buffer.alloc(0);
  private wake: (() => void) | undefined;
  private failure: Error | undefined;
  private readonly onData = (chunk: Buffer) => {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    this.wake?.();
  };
  private readonly onEnd = (error?: Error) => {
    this.failure ??= error ?? new Error('the connection closed during login');
    this.wake?.();
  };
  private readonly onClose = () => this.onEnd();

  constructor(private readonly socket: net.Socket) {
    socket.on('data', this.onData);
    socket.on('error', this.onEnd);
    socket.on('close', this.onClose);
  }

  /** A startup-phase packet: Int32 length (itself included), then the body. */
  startupPacket(maxLength: number): Promise<Buffer> {
    return this.take(0, maxLength);
  }

  /** A regular message: one type byte, Int32 length, body. */
  async message(maxLength: number): Promise<WireMessage> {
    const raw = await this.take(1, maxLength);
    return { type: String.fromCharCode(raw[0] ?? 0), body: raw.subarray(5), raw };
  }

  private async take(lengthOffset: number, maxLength: number): Promise<Buffer> {
    for (;;) {
      if (this.buffer.length >= lengthOffset + 4) {
        const length = this.buffer.readInt32BE(lengthOffset);
        if (length < 4 || length > maxLength) throw new ProtocolViolation(`invalid message length ${length}`);
        const total = lengthOffset + length;
        if (this.buffer.length >= total) {
          const packet = this.buffer.subarray(0, total);
          this.buffer = this.buffer.subarray(total);
          return packet;
        }
      }
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve) => (this.wake = resolve));
      this.wake = undefined;
    }
  }

  /** Stops framing (the socket stays paused); returns bytes already read past the last message. */
  release(): Buffer {
    this.socket.off('data', this.onData);
    this.socket.off('error', this.onEnd);
    this.socket.off('close', this.onClose);
    this.socket.pause();
    return this.buffer;
  }
}

function message(type: string, ...parts: Buffer[]): Buffer {
  const body = Buffer.concat(parts);
  const header = Buffer.alloc(5);
  header.write(type, 0, 'latin1');
  header.writeInt32BE(body.length + 4, 1);
  return Buffer.concat([header, body]);
}

const int32 = (value: number) => {
  const buffer = Buffer.alloc(4);
  buffer.writeInt32BE(value);
  return buffer;
};

const cstring = (value: string) => Buffer.concat([Buffer.from(value, 'utf8'), Buffer.from([0])]);

/** Reads NUL-terminated strings from `offset` until an empty one or the end. */
function cstrings(body: Buffer, offset = 0): string[] {
  const strings: string[] = [];
  while (offset < body.length && body[offset] !== 0) {
    const end = body.indexOf(0, offset);
    if (end < 0) break;
    strings.push(body.toString('utf8', offset, end));
    offset = end + 1;
  }
  return strings;
}

interface ErrorFields {
  code: string;
  message: string;
  detail?: string;
}

function errorResponse({ code, message: text, detail }: ErrorFields): Buffer {
  const field = (letter: string, value: string) =>
    Buffer.concat([Buffer.from(letter, 'latin1'), cstring(value)]);
  return message(
    'E',
    field('S', 'FATAL'),
    field('V', 'FATAL'),
    field('C', code),
    field('M', text),
    ...(detail === undefined ? [] : [field('D', detail)]),
    Buffer.from([0]),
  );
}

const PROTOCOL_3 = 196608;
const CANCEL_REQUEST = 80877102;
const SSL_REQUEST = 80877103;
const GSSENC_REQUEST = 80877104;
// PostgreSQL's own limit for startup packets; tokens with many groups stay far below 64 KiB.
const MAX_STARTUP_PACKET = 10_000;
const MAX_PASSWORD_MESSAGE = 65_536;
const PROTOCOL_VIOLATION = '08P01';

// ----- upstream: log in to PostgreSQL as the role ------------------------------------------------

class UpstreamRefusal extends Error {
  constructor(readonly fields: ErrorFields) {
    super(fields.message);
  }
}

function upstreamRefusal(body: Buffer): UpstreamRefusal {
  const fields = new Map(cstrings(body).map((field) => [field.slice(0, 1), field.slice(1)]));
  return new UpstreamRefusal({
    code: fields.get('C') ?? AUTH_FAILED,
    message: fields.get('M') ?? 'upstream login failed',
    ...(fields.has('D') ? { detail: fields.get('D') } : {}),
  });
}

const hmac = (key: Buffer, data: string) => createHmac('sha256', key).update(data).digest();

/** Waits for Authentication<code> and returns its payload as text. */
async function expectAuth(reader: WireReader, code: number): Promise<string> {
  const reply = await reader.message(MAX_PASSWORD_MESSAGE);
  if (reply.type === 'E') throw upstreamRefusal(reply.body);
  if (reply.type !== 'R' || reply.body.readInt32BE(0) !== code) {
    throw new Error(`unexpected message ${reply.type} from PostgreSQL during SCRAM`);
  }
  return reply.body.toString('utf8', 4);
}

/** RFC 5802/7677 client side. Role passwords are base64url, so SASLprep leaves them as they are. */
async function scramLogin(socket: net.Socket, reader: WireReader, password: string): Promise<void> {
  const clientNonce = randomBytes(18).toString('base64');
  // PostgreSQL takes the user from the startup packet, so the SCRAM user name stays empty.
  const clientFirstBare = `n=,r=${clientNonce}`;
  const initial = Buffer.from(`n,,${clientFirstBare}`, 'utf8');
  socket.write(message('p', cstring('SCRAM-SHA-256'), int32(initial.length), initial));

  const serverFirst = await expectAuth(reader, 11);
  const attributes = new Map(serverFirst.split(',').map((part) => [part.slice(0, 1), part.slice(2)]));
  const nonce = attributes.get('r') ?? '';
  const salt = Buffer.from(attributes.get('s') ?? '', 'base64');
  const iterations = Number(attributes.get('i'));
  if (
    !nonce.startsWith(clientNonce) ||
    salt.length === 0 ||
    !Number.isInteger(iterations) ||
    iterations < 1
  ) {
    throw new Error('PostgreSQL sent a malformed SCRAM server-first message');
  }

  // 4096 PBKDF2 rounds per login: off the event loop, so parallel logins don't stall the proxy.
  const saltedPassword = await promisify(pbkdf2)(password, salt, iterations, 32, 'sha256');
  const clientKey = hmac(saltedPassword, 'Client Key');
  const storedKey = createHash('sha256').update(clientKey).digest();
  const clientFinalWithoutProof = `c=biws,r=${nonce}`;
  const authMessage = `${clientFirstBare},${serverFirst},${clientFinalWithoutProof}`;
  const clientSignature = hmac(storedKey, authMessage);
  const proof = Buffer.from(clientKey.map((byte, index) => byte ^ (clientSignature[index] ?? 0)));
  socket.write(message('p', Buffer.from(`${clientFinalWithoutProof},p=${proof.toString('base64')}`)));

  const serverFinal = await expectAuth(reader, 12);
  const expected = hmac(hmac(saltedPassword, 'Server Key'), authMessage).toString('base64');
  // Checking the server's proof too means a wrong socket fails here, not somewhere later.
  if (serverFinal !== `v=${expected}`) throw new Error('PostgreSQL sent a wrong SCRAM server signature');
}

interface UpstreamSession {
  socket: net.Socket;
  /** ParameterStatus…BackendKeyData…ReadyForQuery (plus anything after), as PostgreSQL sent it. */
  greeting: Buffer;
}

async function openUpstream(
  socketPath: string,
  params: [string, string][],
  password: string,
  track: (socket: net.Socket) => void,
): Promise<UpstreamSession> {
  const socket = net.connect(socketPath);
  track(socket);
  const reader = new WireReader(socket);
  socket.setTimeout(15_000, () => socket.destroy(new Error('PostgreSQL did not answer the login in time')));
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    const pairs = params.flatMap(([key, value]) => [cstring(key), cstring(value)]);
    const startup = Buffer.concat([int32(PROTOCOL_3), ...pairs, Buffer.from([0])]);
    socket.write(Buffer.concat([int32(startup.length + 4), startup]));
    const greeting: Buffer[] = [];
    for (;;) {
      const reply = await reader.message(MAX_PASSWORD_MESSAGE);
      if (reply.type === 'E') throw upstreamRefusal(reply.body);
      if (reply.type === 'R') {
        const code = reply.body.readInt32BE(0);
        if (code === 0) continue;
        if (code === 10) {
          if (!cstrings(reply.body, 4).includes('SCRAM-SHA-256')) {
            throw new Error('PostgreSQL offers no SCRAM-SHA-256');
          }
          await scramLogin(socket, reader, password);
          continue;
        }
        if (code === 3) {
          socket.write(message('p', cstring(password)));
          continue;
        }
        throw new Error(`unsupported authentication request ${code} from PostgreSQL`);
      }
      greeting.push(reply.raw);
      if (reply.type === 'Z') break;
    }
    greeting.push(reader.release());
    socket.setTimeout(0);
    return { socket, greeting: Buffer.concat(greeting) };
  } catch (error) {
    socket.destroy();
    throw error;
  }
}

// ----- frontend: what the client sees ----------------------------------------------------------

interface StartupRequest {
  params: [string, string][];
  socket: net.Socket;
  reader: WireReader;
}

type StartupOutcome = StartupRequest | { cancel: Buffer } | { refused: ErrorFields } | { gone: true };

interface ClientLink {
  /** The raw TCP socket, then the TLS socket on top of it once upgraded. */
  socket: net.Socket;
  track: (socket: net.Socket) => void;
}

/** Runs the startup phase: SSL/GSS negotiation and the StartupMessage. */
async function negotiate(
  link: ClientLink,
  secureContext: tls.SecureContext | undefined,
): Promise<StartupOutcome> {
  const client = link.socket;
  let socket: net.Socket = client;
  let reader = new WireReader(client);
  for (;;) {
    const packet = await reader.startupPacket(MAX_STARTUP_PACKET);
    const code = packet.length >= 8 ? packet.readInt32BE(4) : -1;
    if (code === CANCEL_REQUEST && packet.length === 16) return { cancel: packet };
    if (code === GSSENC_REQUEST && socket === client) {
      // libpq tries GSS encryption first when it holds Kerberos credentials; decline like Azure.
      socket.write('N');
      continue;
    }
    if (code === SSL_REQUEST && socket === client) {
      if (!secureContext) {
        socket.write('N');
        continue;
      }
      // The client waits for our answer before its ClientHello, so nothing can be buffered yet.
      if (reader.release().length > 0) throw new ProtocolViolation('data after SSLRequest');
      client.write('S');
      const secure = new tls.TLSSocket(client, { isServer: true, secureContext });
      link.track(secure);
      link.socket = secure;
      const handshake = await new Promise<boolean>((resolve) => {
        const settle = (ok: boolean) => () => {
          secure.off('secure', succeeded).off('error', failed).off('close', failed);
          resolve(ok);
        };
        const succeeded = settle(true);
        const failed = settle(false);
        secure.on('secure', succeeded).on('error', failed).on('close', failed);
      });
      // A client that rejects our certificate just goes away; there is nobody to tell.
      if (!handshake) return { gone: true };
      socket = secure;
      reader = new WireReader(secure);
      continue;
    }
    if (code !== PROTOCOL_3) {
      return {
        refused: {
          code: PROTOCOL_VIOLATION,
          message: `unsupported frontend protocol ${code >>> 16}.${code & 0xffff}: server supports 3.0 to 3.0`,
        },
      };
    }
    const strings = cstrings(packet, 8);
    const params: [string, string][] = [];
    for (let index = 0; index + 1 < strings.length; index += 2) {
      params.push([strings[index] ?? '', strings[index + 1] ?? '']);
    }
    if (secureContext && socket === client) {
      // Azure's default require_secure_transport=ON, and its wording.
      return {
        refused: {
          code: '28000',
          message: 'SSL connection is required. Please specify SSL options and retry.',
        },
      };
    }
    return { params, socket, reader };
  }
}

/** Asks for the password (AuthenticationCleartextPassword) and reads the PasswordMessage. */
async function readPassword(socket: net.Socket, reader: WireReader): Promise<string> {
  socket.write(message('R', int32(3)));
  const reply = await reader.message(MAX_PASSWORD_MESSAGE);
  if (reply.type !== 'p') {
    throw new ProtocolViolation(`expected password response, got message type ${reply.raw[0] ?? 0}`);
  }
  const end = reply.body.indexOf(0);
  return reply.body.toString('utf8', 0, end < 0 ? reply.body.length : end);
}

/** jose's fetch hook over node:https, so only this JWKS fetch trusts the test CA. */
function fetchTrusting(ca: string | Buffer | undefined): FetchImplementation {
  return (url, init) =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const transport = target.protocol === 'https:' ? https : http;
      const request = transport.request(
        target,
        {
          method: 'GET',
          headers: Object.fromEntries(init.headers),
          signal: init.signal,
          ...(ca ? { ca } : {}),
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () =>
            resolve(
              new Response(Buffer.concat(chunks).toString('utf8'), { status: response.statusCode ?? 502 }),
            ),
          );
        },
      );
      request.on('error', reject);
      request.end();
    });
}

export function keyResolver(options: Pick<GatewayOptions, 'jwks' | 'jwksUri' | 'caFile'>): JWTVerifyGetKey {
  const source: JWTVerifyGetKey | RemoteJwks | undefined =
    options.jwks ??
    (options.jwksUri === undefined ? undefined : { url: options.jwksUri, caFile: options.caFile });
  if (source === undefined) throw new Error('startGateway needs jwks or jwksUri');
  if (typeof source === 'function') return source;
  const ca = source.ca ?? (source.caFile ? readFileSync(source.caFile) : undefined);
  return createRemoteJWKSet(new URL(source.url), { [customFetch]: fetchTrusting(ca) });
}

export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  if (options.kind === 'single' && !options.serverName) {
    throw new Error('a single-server gateway needs serverName');
  }
  const policy: TokenPolicy = {
    kind: options.kind,
    serverName: options.serverName,
    audience: options.audience,
    issuer: options.issuer,
    tenantId: options.tenantId,
    keys: keyResolver(options),
    groups: options.groups ?? {},
    clockToleranceSec: options.clockToleranceSec ?? 5,
    now: options.now ?? Date.now,
  };
  const roleSecret = options.roleSecret ?? ((role: string) => options.upstream.roleSecret(role));
  const upstreamPath = path.join(options.upstream.socketDir, `.s.PGSQL.${options.upstream.port}`);
  const secureContext =
    options.tls && tls.createSecureContext({ cert: options.tls.cert, key: options.tls.key });
  const log: GatewayLogEntry[] = [];
  const sockets = new Set<net.Socket>();
  const track = (socket: net.Socket) => {
    sockets.add(socket);
    // Resets and half-open peers are everyday events for a server, not crashes.
    socket.on('error', () => undefined);
    socket.once('close', () => sockets.delete(socket));
  };

  const serve = async (link: ClientLink) => {
    const client = link.socket;
    // PostgreSQL's authentication_timeout is a minute; a stuck handshake should not pin a socket.
    client.setTimeout(60_000, () => client.destroy());
    const startup = await negotiate(link, secureContext);
    if ('gone' in startup) {
      client.destroy();
      return;
    }
    if ('cancel' in startup) {
      // BackendKeyData reached the client unchanged, so PostgreSQL recognises its own pid/secret.
      const cancel = net.connect(upstreamPath, () => cancel.end(startup.cancel));
      track(cancel);
      client.end();
      return;
    }
    if ('refused' in startup) {
      link.socket.end(errorResponse(startup.refused));
      return;
    }

    const { socket, reader, params } = startup;
    const user = params.find(([key]) => key === 'user')?.[1];
    if (!user) {
      socket.end(
        errorResponse({ code: '28000', message: 'no PostgreSQL user name specified in startup packet' }),
      );
      return;
    }
    const database = params.find(([key]) => key === 'database')?.[1] ?? user;
    const refuseAdmission = (refusal: AdmissionRefusal | undefined) => {
      if (!refusal) return false;
      log.push({ user, outcome: 'rejected', reason: refusal.reason });
      socket.end(errorResponse(refusal));
      return true;
    };
    if (refuseAdmission(options.admission?.beforePassword?.({ user, database }))) return;
    const password = await readPassword(socket, reader);
    if (refuseAdmission(options.admission?.afterPassword?.({ user, database }))) return;
    const verdict = await checkLogin(user, password, policy);
    if (!verdict.ok) {
      log.push({ user, outcome: 'rejected', reason: verdict.reason });
      socket.end(errorResponse(verdict));
      return;
    }

    let upstream: UpstreamSession;
    try {
      let secret: string;
      try {
        secret = roleSecret(verdict.role);
      } catch (error) {
        // Azure has no principal for this name: say what PostgreSQL would say about the role.
        throw new UpstreamRefusal({
          code: '28000',
          message: `role "${verdict.role}" does not exist`,
          detail: (error as Error).message,
        });
      }
      const upstreamParams = params.map(([key, value]): [string, string] => [
        key,
        key === 'user' ? verdict.role : value,
      ]);
      upstream = await openUpstream(upstreamPath, upstreamParams, secret, track);
    } catch (error) {
      log.push({ user, outcome: 'rejected', reason: 'upstream' });
      const fields =
        error instanceof UpstreamRefusal
          ? error.fields
          : { code: '08006', message: `could not log in to PostgreSQL: ${(error as Error).message}` };
      socket.end(errorResponse(fields));
      return;
    }
    if (client.destroyed) {
      upstream.socket.destroy();
      return;
    }
    log.push({ user, outcome: 'accepted', reason: 'ok' });

    client.setTimeout(0);
    const pending = reader.release();
    socket.write(Buffer.concat([message('R', int32(0)), upstream.greeting]));
    if (pending.length > 0) upstream.socket.write(pending);
    // A clean end travels on by itself (client FIN → upstream FIN → PostgreSQL closes → client
    // FIN); only a broken direction tears the other one down.
    const onDone = (error: Error | null) => {
      if (!error) return;
      upstream.socket.destroy();
      client.destroy();
    };
    pipeline(socket, upstream.socket, onDone);
    pipeline(upstream.socket, socket, onDone);
  };

  const server = net.createServer((client) => {
    track(client);
    // A stopped Azure server takes no connections at all.
    if (options.admission?.onConnect?.() === 'drop') {
      client.destroy();
      return;
    }
    const link: ClientLink = { socket: client, track };
    serve(link).catch((error: unknown) => {
      if (error instanceof ProtocolViolation && link.socket.writable) {
        link.socket.end(errorResponse({ code: PROTOCOL_VIOLATION, message: error.message }));
      } else {
        client.destroy();
      }
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address();
  if (!address || typeof address !== 'object') throw new Error('the gateway has no TCP address');

  let closing: Promise<void> | undefined;
  return {
    host: '127.0.0.1',
    port: address.port,
    kind: options.kind,
    log,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      });
      return closing;
    },
  };
}
