// A fake Azure Resource Manager over HTTPS (a leaf from the testbed CA), close enough that
// pgentra's ARM client meets what Azure answers: bearer tokens checked against the fake Entra ID
// (signature, issuer, audience = the management resource), subscriptions per user, paging by
// nextLink, PostgreSQL servers of every kind with administrators and firewall rules, firewall
// changes as long-running operations (Azure-AsyncOperation and Location), and faults (429 with
// Retry-After, 5xx, a subscription that always fails). It also answers "what is my IP" with the
// public IP it models for the client, which the gateways hold against the firewall rules, and lists
// the tenant at /tenants, which Azure CLI asks for right after signing in (the bench's az sign-in
// reaches it as management.azure.com on 127.0.0.2:443).
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { jwtVerify, type JWTVerifyGetKey } from 'jose';
import { z } from 'zod';
import type { GatewayAdmission } from '../gateway.js';
import {
  firewallAllows,
  renderAdmins,
  renderRule,
  renderServer,
  renderSubscription,
  renderTenant,
  serverId,
  TYPE_SEGMENT,
  type FakeFirewallRule,
  type FakeServer,
  type FakeServerKind,
  type FakeSubscription,
} from './model.js';

export * from './model.js';

export const ARM_RESOURCE = 'https://management.azure.com';
// ARM also takes tokens for the classic Azure Service Management resource, which Azure CLI asks for.
const ARM_AUDIENCES = [ARM_RESOURCE, `${ARM_RESOURCE}/`, 'https://management.core.windows.net/'];

const controlSchema = z.object({
  server: z.string().optional(),
  state: z.enum(['Ready', 'Stopped']).optional(),
  entraAuth: z.boolean().optional(),
  publicAccess: z.boolean().optional(),
  clearFirewall: z.boolean().optional(),
  clientIp: z.ipv4().optional(),
});

export interface FakeArmFault {
  /** Requests whose path contains this (e.g. `/flexibleServers`, `/subscriptions?`). */
  pathIncludes: string;
  status: number;
  retryAfterSec?: number;
  /** How many requests it answers; then it is gone. */
  times: number;
}

export interface FakeArmOptions {
  /** A certificate for `hostName`. */
  tls: { cert: Buffer; key: Buffer };
  /**
   * The name the fake writes into nextLink and operation URLs (default `localhost`):
   * `management.azure.com`, with /etc/hosts pointing it at `address` and `port: 443`, serves
   * clients that hard-code ARM's host (Azure CLI).
   */
  hostName?: string;
  /** The loopback address to listen on (default 127.0.0.1). */
  address?: string;
  /** Default 0: any free port. */
  port?: number;
  issuer: string;
  tenantId: string;
  keys: JWTVerifyGetKey;
  subscriptions: FakeSubscription[];
  servers: FakeServer[];
  /** The client's public IP as Azure would see it (loopback has none). */
  clientIp?: string;
  /** Items per page of every list (ARM pages at its own size; small here so paging is exercised). */
  pageSize?: number;
  /** Polls an operation answers "InProgress" before it completes. */
  pollsUntilDone?: number;
}

interface Operation {
  polls: number;
  apply: () => unknown;
  result?: unknown;
}

interface Answer {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const armError = (status: number, code: string, message: string): Answer => ({
  status,
  body: { error: { code, message } },
});

export class FakeArm {
  readonly requests: { method: string; path: string; status: number }[] = [];
  readonly subscriptions: FakeSubscription[];
  readonly servers: FakeServer[];
  clientIp: string;
  port = 0;
  private faults: FakeArmFault[] = [];
  private readonly operations = new Map<string, Operation>();
  private readonly sockets = new Set<Socket>();
  private readonly server: https.Server;

  constructor(private readonly options: FakeArmOptions) {
    this.subscriptions = options.subscriptions;
    this.servers = options.servers;
    this.clientIp = options.clientIp ?? '203.0.113.7';
    this.server = https.createServer({ cert: options.tls.cert, key: options.tls.key });
    this.server.on('connection', (socket: Socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    this.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
      this.handle(request)
        .catch((error: unknown) => armError(500, 'FakeArmBug', String(error)))
        .then((answer) => {
          this.requests.push({
            method: request.method ?? '',
            path: request.url ?? '',
            status: answer.status,
          });
          response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
          response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
        });
    });
  }

  get origin(): string {
    const host = this.options.hostName ?? 'localhost';
    return this.port === 443 ? `https://${host}` : `https://${host}:${this.port}`;
  }

  async listen(): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.options.port ?? 0, this.options.address ?? '127.0.0.1', () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.server.close(() => resolve());
      for (const socket of this.sockets) socket.destroy();
    });
  }

  injectFault(fault: FakeArmFault): void {
    this.faults.push({ ...fault });
  }

  clearFaults(): void {
    this.faults = [];
  }

  findServer(name: string): FakeServer {
    const found = this.servers.find((server) => server.name === name);
    if (!found) throw new Error(`the fake ARM has no server ${name}`);
    return found;
  }

  serverIdOf(name: string): string {
    return serverId(this.findServer(name));
  }

  /** What the gateway in front of `name` enforces: stopped, firewall, Entra authentication. */
  admissionFor(name: string): GatewayAdmission {
    return {
      onConnect: () => (this.findServer(name).state === 'Stopped' ? 'drop' : undefined),
      beforePassword: ({ user, database }) =>
        firewallAllows(this.findServer(name), this.clientIp)
          ? undefined
          : {
              reason: 'firewall',
              code: '28000',
              message: `no pg_hba.conf entry for host "${this.clientIp}", user "${user}", database "${database}", SSL encryption`,
            },
      afterPassword: ({ user }) =>
        entraOn(this.findServer(name))
          ? undefined
          : {
              reason: 'entra-disabled',
              code: '28P01',
              message: `password authentication failed for user "${user}"`,
            },
    };
  }

  private async handle(request: IncomingMessage): Promise<Answer> {
    const url = new URL(request.url ?? '/', this.origin);
    const method = request.method ?? 'GET';
    if (url.pathname === '/_testbed/myip') return { status: 200, body: { ip: this.clientIp } };
    if (url.pathname === '/_testbed/control' && method === 'POST')
      return this.control(await readBody(request));
    const fault = this.faults.find(
      (f) => f.times > 0 && `${url.pathname}${url.search}`.includes(f.pathIncludes),
    );
    if (fault) {
      fault.times -= 1;
      const retry: Record<string, string> =
        fault.retryAfterSec === undefined ? {} : { 'retry-after': String(fault.retryAfterSec) };
      const answer =
        fault.status === 429
          ? armError(429, 'TooManyRequests', 'The request is being throttled.')
          : armError(fault.status, 'InternalServerError', 'An internal server error occurred.');
      return { ...answer, headers: retry };
    }
    const user = await this.caller(request);
    if (typeof user !== 'string') return user;
    if (!url.searchParams.get('api-version'))
      return armError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );
    const body = method === 'PUT' ? await readBody(request) : undefined;
    return this.route(method, url, user, body);
  }

  /** What `npm run testbed -- azure …` changes in a running stack. */
  private control(body: string): Answer {
    const parsed = controlSchema.safeParse(JSON.parse(body || '{}'));
    if (!parsed.success) return armError(400, 'InvalidControl', parsed.error.issues[0]?.message ?? 'invalid');
    const { server: name, clientIp, ...change } = parsed.data;
    if (clientIp) this.clientIp = clientIp;
    if (name) {
      const server = this.servers.find((s) => s.name === name);
      if (!server) return armError(404, 'ResourceNotFound', `no server ${name}`);
      const { clearFirewall, ...rest } = change;
      Object.assign(server, rest);
      if (clearFirewall) server.firewallRules = [];
    }
    return { status: 200, body: { ok: true } };
  }

  private async caller(request: IncomingMessage): Promise<string | Answer> {
    const header = request.headers.authorization ?? '';
    const token = /^Bearer (.+)$/.exec(header)?.[1];
    if (!token)
      return armError(
        401,
        'AuthenticationFailed',
        "Authentication failed. The 'Authorization' header is missing.",
      );
    try {
      const { payload } = await jwtVerify(token, this.options.keys, {
        issuer: this.options.issuer,
        audience: ARM_AUDIENCES,
      });
      const upn = payload.upn ?? payload.unique_name;
      if (typeof upn !== 'string')
        return armError(401, 'InvalidAuthenticationToken', 'The access token has no user.');
      return upn.toLowerCase();
    } catch (error) {
      return armError(
        401,
        'InvalidAuthenticationToken',
        `The access token is invalid: ${(error as Error).message}`,
      );
    }
  }

  private route(method: string, url: URL, user: string, body: string | undefined): Answer {
    const path = url.pathname;
    const operation = /^\/_testbed\/(operations|operationResults)\/([\w-]+)$/.exec(path);
    if (operation) return this.poll(operation[1] === 'operations', operation[2] ?? '');
    // Every user of the fake Entra ID is a member of its one tenant.
    if (path === '/tenants') return this.page(url, [renderTenant(this.options.tenantId)]);
    if (path === '/subscriptions') {
      const visible = this.subscriptions.filter((s) => s.readers.includes(user));
      return this.page(
        url,
        visible.map((s) => renderSubscription(s, this.options.tenantId)),
      );
    }
    const sub = /^\/subscriptions\/([^/]+)(\/.*)$/.exec(path);
    if (!sub) return armError(404, 'NotFound', `no route for ${path}`);
    const subscription = this.subscriptions.find((s) => s.subscriptionId === sub[1]);
    if (!subscription)
      return armError(404, 'SubscriptionNotFound', `The subscription '${sub[1]}' could not be found.`);
    if (!subscription.readers.includes(user))
      return armError(
        403,
        'AuthorizationFailed',
        `The client '${user}' does not have authorization to perform action over scope '/subscriptions/${subscription.subscriptionId}'.`,
      );
    if (subscription.failsWith)
      return armError(subscription.failsWith, 'InternalServerError', 'The provider failed.');
    const rest = sub[2] ?? '';
    const list = /^\/providers\/Microsoft\.DBforPostgreSQL\/(\w+)$/.exec(rest);
    if (list) {
      const kind = kindOf(list[1] ?? '');
      if (!kind) return armError(404, 'InvalidResourceType', `unknown resource type ${list[1]}`);
      const servers = this.servers.filter(
        (s) => s.subscriptionId === subscription.subscriptionId && s.kind === kind,
      );
      return this.page(
        url,
        servers.map((s) => renderServer(s, this.options.tenantId)),
      );
    }
    const item =
      /^\/resourceGroups\/([^/]+)\/providers\/Microsoft\.DBforPostgreSQL\/(\w+)\/([^/]+)(?:\/(\w+)(?:\/([^/]+))?)?$/.exec(
        rest,
      );
    const kind = kindOf(item?.[2] ?? '');
    const server =
      item &&
      kind &&
      this.servers.find(
        (s) =>
          s.subscriptionId === subscription.subscriptionId &&
          s.resourceGroup.toLowerCase() === (item[1] ?? '').toLowerCase() &&
          s.kind === kind &&
          s.name === item[3],
      );
    if (!item || !server) return armError(404, 'ResourceNotFound', `The Resource '${path}' was not found.`);
    const [, , , , child, childName] = item;
    if (!child) return { status: 200, body: renderServer(server, this.options.tenantId) };
    if (child === 'administrators' || child === 'roles')
      return this.page(url, renderAdmins(server, this.options.tenantId));
    if (child !== 'firewallRules') return armError(404, 'NotFound', `no route for ${path}`);
    if (!childName)
      return this.page(
        url,
        server.firewallRules.map((rule) => renderRule(server, rule)),
      );
    const existing = server.firewallRules.find((rule) => rule.name === childName);
    if (method === 'GET')
      return existing
        ? { status: 200, body: renderRule(server, existing) }
        : armError(404, 'ResourceNotFound', `The firewall rule '${childName}' was not found.`);
    if (method === 'PUT') {
      const parsed = JSON.parse(body ?? '{}') as {
        properties?: { startIpAddress?: string; endIpAddress?: string };
      };
      const rule: FakeFirewallRule = {
        name: childName,
        startIpAddress: parsed.properties?.startIpAddress ?? '',
        endIpAddress: parsed.properties?.endIpAddress ?? '',
      };
      return this.startOperation(() => {
        server.firewallRules = [...server.firewallRules.filter((r) => r.name !== childName), rule];
        return renderRule(server, rule);
      });
    }
    if (method === 'DELETE') {
      if (!existing) return { status: 204 };
      return this.startOperation(() => {
        server.firewallRules = server.firewallRules.filter((r) => r.name !== childName);
        return undefined;
      });
    }
    return armError(405, 'MethodNotAllowed', `${method} is not supported here`);
  }

  private startOperation(apply: () => unknown): Answer {
    const id = randomUUID();
    this.operations.set(id, { polls: 0, apply });
    return {
      status: 202,
      headers: {
        'azure-asyncoperation': `${this.origin}/_testbed/operations/${id}?api-version=2025-08-01`,
        location: `${this.origin}/_testbed/operationResults/${id}?api-version=2025-08-01`,
        'retry-after': '0',
      },
    };
  }

  private poll(asyncStatus: boolean, id: string): Answer {
    const operation = this.operations.get(id);
    if (!operation) return armError(404, 'OperationNotFound', `no operation ${id}`);
    operation.polls += 1;
    const done = operation.polls > (this.options.pollsUntilDone ?? 1);
    if (done && !('result' in operation)) operation.result = operation.apply();
    if (asyncStatus) return { status: 200, body: { name: id, status: done ? 'Succeeded' : 'InProgress' } };
    if (!done) return { status: 202, headers: { 'retry-after': '0' } };
    return operation.result === undefined ? { status: 204 } : { status: 200, body: operation.result };
  }

  private page(url: URL, items: unknown[]): Answer {
    const size = this.options.pageSize ?? 2;
    const skip = Number(url.searchParams.get('$skiptoken') ?? '0');
    const value = items.slice(skip, skip + size);
    const next = new URL(url.toString());
    next.searchParams.set('$skiptoken', String(skip + size));
    return {
      status: 200,
      body: {
        value,
        ...(skip + size < items.length ? { nextLink: `${this.origin}${next.pathname}${next.search}` } : {}),
      },
    };
  }
}

/** A Single Server takes Entra tokens once it has an Entra administrator; the others have a switch. */
function entraOn(server: FakeServer): boolean {
  return server.kind === 'single' ? server.admins.length > 0 : server.entraAuth;
}

function kindOf(segment: string): FakeServerKind | undefined {
  return (Object.keys(TYPE_SEGMENT) as FakeServerKind[]).find((kind) => TYPE_SEGMENT[kind] === segment);
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (text += chunk));
    request.on('end', () => resolve(text));
    request.on('error', reject);
  });
}

export async function startFakeArm(options: FakeArmOptions): Promise<FakeArm> {
  const arm = new FakeArm(options);
  await arm.listen();
  return arm;
}
