// Just enough of Azure Resource Manager for `az login` to finish against the fake Entra ID: after
// the sign-in it lists the user's tenants and each tenant's subscriptions. Served as a virtual host
// of the fake Entra (same address and port, told apart by the Host header), because Azure CLI
// hard-codes `management.azure.com` as it does `login.microsoftonline.com`.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { VirtualHost } from './fake-entra/index.js';

export const ARM_HOST = 'management.azure.com';

export interface FakeArmOptions {
  tenantId: string;
  subscriptionId?: string;
  subscriptionName?: string;
}

export interface ArmRequestRecord {
  method: string;
  /** The path without the query (`/tenants`, `/subscriptions` …). */
  path: string;
  status: number;
}

export interface FakeArm extends VirtualHost {
  subscriptionId: string;
  requests: ArmRequestRecord[];
}

/** The payload of a JWT, unverified: ARM's answer only depends on the token being meant for it. */
function bearerAudience(header: string | undefined): string | undefined {
  const payload = /^Bearer [\w-]+\.([\w-]+)\.[\w-]+$/.exec(header ?? '')?.[1];
  if (!payload) return undefined;
  try {
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { aud?: unknown };
    return typeof claims.aud === 'string' ? claims.aud : undefined;
  } catch {
    return undefined;
  }
}

const ARM_AUDIENCES = new Set(['https://management.core.windows.net/', 'https://management.azure.com/']);

export function createFakeArm(options: FakeArmOptions): FakeArm {
  const subscriptionId = options.subscriptionId ?? randomUUID();
  const requests: ArmRequestRecord[] = [];
  const tenant = {
    id: `/tenants/${options.tenantId}`,
    tenantId: options.tenantId,
    tenantCategory: 'Home',
    countryCode: 'DE',
    displayName: 'Contoso (fake)',
    domains: ['contoso.com'],
    defaultDomain: 'contoso.com',
    tenantType: 'AAD',
  };
  const subscription = {
    id: `/subscriptions/${subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    subscriptionId,
    tenantId: options.tenantId,
    displayName: options.subscriptionName ?? 'pgentra bench (fake)',
    state: 'Enabled',
    subscriptionPolicies: {
      locationPlacementId: 'Public_2014-09-01',
      quotaId: 'PayAsYouGo_2014-09-01',
      spendingLimit: 'Off',
    },
  };

  const answer = (request: IncomingMessage): [number, unknown] => {
    const path = new URL(request.url ?? '/', `https://${ARM_HOST}`).pathname;
    if (!ARM_AUDIENCES.has(bearerAudience(request.headers.authorization) ?? ''))
      return [
        401,
        { error: { code: 'AuthenticationFailed', message: 'Authentication failed. The token is missing.' } },
      ];
    if (request.method === 'GET' && path === '/tenants') return [200, { value: [tenant] }];
    if (request.method === 'GET' && path === '/subscriptions')
      return [200, { value: [subscription], count: { type: 'Total', value: 1 } }];
    return [
      404,
      { error: { code: 'NotFound', message: `The fake ARM has no ${request.method ?? ''} ${path}.` } },
    ];
  };

  return {
    hostName: ARM_HOST,
    subscriptionId,
    requests,
    handle(request, response) {
      // The body is never needed, but it must be read for the connection to be reused.
      request.resume();
      request.on('end', () => {
        const [status, body] = answer(request);
        requests.push({
          method: request.method ?? 'GET',
          path: new URL(request.url ?? '/', `https://${ARM_HOST}`).pathname,
          status,
        });
        response.writeHead(status, {
          'content-type': 'application/json; charset=utf-8',
          'x-ms-request-id': randomUUID(),
        });
        response.end(JSON.stringify(body));
      });
    },
  };
}
