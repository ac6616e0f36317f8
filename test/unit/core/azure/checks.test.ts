// The checks before connecting, from a server as ARM describes it and the user as the token does:
// each result says what is wrong and what to do; firewall arithmetic and rule names by property.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  preconnectChecks,
  principalSql,
  type CheckedIdentity,
} from '../../../../electron/core/azure/checks.js';
import { coveringRule, ruleCovers, ruleForIp } from '../../../../electron/core/azure/firewall.js';
import { parseResourceId, type AzureServer } from '../../../../electron/core/azure/resources.js';

const ALICE = '00000000-0000-4000-8000-00000000a11c';
const DEVS = '00000000-0000-4000-8000-0000000000de';

function server(patch: Partial<AzureServer> = {}): AzureServer {
  return {
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.DBforPostgreSQL/flexibleServers/pg',
    subscriptionId: 's',
    resourceGroup: 'rg',
    name: 'pg',
    kind: 'flexible',
    location: 'westeurope',
    version: '16',
    state: 'Ready',
    stopped: false,
    host: 'pg.postgres.database.azure.com',
    database: 'postgres',
    publicAccess: true,
    privateEndpoints: [],
    entraAuth: true,
    admins: [{ name: 'alice@contoso.com', objectId: ALICE, type: 'User' }],
    firewallRules: [{ name: 'office', start: '203.0.113.0', end: '203.0.113.255' }],
    problems: [],
    ...patch,
  };
}
const alice: CheckedIdentity = { user: 'alice@contoso.com', group: false, objectId: ALICE, groupIds: [] };
const check = (s: AzureServer, identity = alice, ip: string | Error = '203.0.113.7') =>
  Object.fromEntries(
    preconnectChecks({ clusterName: 'prod', server: s, identity, publicIp: ip }).map((r) => [r.id, r]),
  );

describe('pre-connect checks', () => {
  it('all well: four oks', () => {
    expect(Object.values(check(server())).map((r) => r.status)).toEqual(['ok', 'ok', 'ok', 'ok']);
  });

  it('a group the token names that is an administrator counts, and says to log in as the group', () => {
    const s = server({ admins: [{ name: 'DB Admins', objectId: DEVS, type: 'Group' }] });
    const result = check(s, { ...alice, objectId: 'someone-else', groupIds: [DEVS] }).principal;
    expect(result?.status).toBe('ok');
    expect(result?.message).toContain('your group DB Admins is a Microsoft Entra administrator of pg');
    expect(result?.message).toContain('--group');
  });

  it('no administrator role: the exact SQL, quoted safely', () => {
    const bob = { ...alice, user: "bob.o'neil@contoso.com", objectId: 'b0b' };
    const result = check(server(), bob).principal;
    expect(result?.status).toBe('warn');
    expect(result?.sql).toBe(
      "SELECT * FROM pgaadauth_create_principal('bob.o''neil@contoso.com', false, false);",
    );
    expect(result?.fix).toContain('Ask alice@contoso.com to connect to the postgres database');
  });

  it('Cosmos DB for PostgreSQL: the portal step and the SQL on the coordinator, database citus', () => {
    const result = check(server({ kind: 'cosmos', admins: [] }), { ...alice, objectId: 'x' }).principal;
    expect(result?.fix).toContain('Authentication → Add Microsoft Entra ID admins');
    expect(result?.fix).toContain('database citus');
    expect(result?.sql).toBe(principalSql(alice));
  });

  it('stopped, Entra off, Single Server without an Entra administrator: each with its fix', () => {
    const stopped = check(server({ stopped: true, state: 'Stopped' })).state;
    expect(stopped?.status).toBe('fail');
    expect(stopped?.command).toBe('az postgres flexible-server start --resource-group rg --name pg');
    expect(check(server({ entraAuth: false })).entra?.command).toContain('--microsoft-entra-auth Enabled');
    const single = check(server({ kind: 'single', entraAuth: false, admins: [] })).entra;
    expect(single?.message).toContain('has no Microsoft Entra administrator');
    expect(single?.command).toContain('az postgres server ad-admin create');
  });

  it('firewall: not allowed names the command; the Azure-services rule does not count; private access names the network', () => {
    const outside = check(
      server({ firewallRules: [{ name: 'AllowAllAzure', start: '0.0.0.0', end: '0.0.0.0' }] }),
    ).network;
    expect(outside).toMatchObject({ status: 'fail', command: 'pgentra firewall allow-my-ip prod' });
    expect(outside?.message).toContain('the 0.0.0.0 rule admits Azure services only');
    const subnet =
      '/subscriptions/s/resourceGroups/n/providers/Microsoft.Network/virtualNetworks/hub/subnets/db';
    expect(check(server({ publicAccess: false, privateSubnet: subnet })).network?.message).toContain(
      'reachable only from the virtual network hub (subnet db)',
    );
    expect(check(server(), alice, new Error('offline')).network?.status).toBe('skip');
  });

  it('what could not be read is skipped, not guessed', () => {
    const results = check(server({ problems: ['Entra administrators: denied', 'firewall rules: denied'] }));
    expect(results.principal?.status).toBe('skip');
    expect(results.network?.status).toBe('skip');
  });
});

const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((parts) => parts.join('.'));
const toNumber = (ip: string) => ip.split('.').reduce((v, p) => v * 256 + Number(p), 0);

describe('firewall rules', () => {
  it('a rule covers exactly the addresses between its ends', () => {
    fc.assert(
      fc.property(ipv4, ipv4, ipv4, (a, b, ip) => {
        const [start, end] = toNumber(a) <= toNumber(b) ? [a, b] : [b, a];
        const inside = toNumber(start) <= toNumber(ip) && toNumber(ip) <= toNumber(end);
        expect(ruleCovers({ name: 'r', start, end }, ip)).toBe(inside);
      }),
    );
  });

  it('"Allow my IP" adds a one-address rule whose name ARM accepts and that covers the address', () => {
    fc.assert(
      fc.property(ipv4, fc.string(), (ip, user) => {
        const rule = ruleForIp(ip, user);
        expect(rule.name).toMatch(/^[-\w.]{1,128}$/);
        expect(rule).toMatchObject({ start: ip, end: ip });
        expect(coveringRule(server({ firewallRules: [rule] }), ip)).toEqual(rule);
      }),
    );
  });

  it('IPv6 is explained, not sent', () => {
    expect(() => ruleForIp('2001:db8::1', 'alice')).toThrow('Azure firewall rules take IPv4 addresses only');
  });

  it('resource IDs: the parts, and nothing else is one', () => {
    expect(parseResourceId(server().id)).toEqual({
      subscriptionId: 's',
      resourceGroup: 'rg',
      type: 'flexibleServers',
      name: 'pg',
    });
    for (const bad of ['pg', '/subscriptions/s/providers/x', `${server().id}/firewallRules/x`])
      expect(parseResourceId(bad)).toBeNull();
  });
});
