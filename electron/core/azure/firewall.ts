// Firewall rules as pgentra reasons about them: does a rule let this IPv4 address in, and which
// rule "Allow my IP" adds (one address, named so a person sees who added it and for what).
import { isIPv4 } from 'node:net';
import { PgentraError } from '../errors.js';
import type { AzureServer, FirewallRule } from './resources.js';

function ipNumber(ip: string): number {
  return ip.split('.').reduce((value, part) => value * 256 + Number(part), 0);
}

export function ruleCovers(rule: FirewallRule, ip: string): boolean {
  if (!isIPv4(ip) || !isIPv4(rule.start) || !isIPv4(rule.end)) return false;
  const address = ipNumber(ip);
  return ipNumber(rule.start) <= address && address <= ipNumber(rule.end);
}

/** Azure's 0.0.0.0–0.0.0.0 rule admits Azure services, not a client on the internet. */
export function isAzureServicesRule(rule: FirewallRule): boolean {
  return rule.start === '0.0.0.0' && rule.end === '0.0.0.0';
}

export function coveringRule(server: AzureServer, ip: string): FirewallRule | undefined {
  return server.firewallRules.find((rule) => !isAzureServicesRule(rule) && ruleCovers(rule, ip));
}

/**
 * The rule "Allow my IP" adds: exactly this address, named `pgentra-<user>-<a-b-c-d>` so the
 * portal shows who asked for it (rule names allow letters, digits, "-", "_" and ".").
 */
export function ruleForIp(ip: string, user: string): FirewallRule {
  if (!isIPv4(ip))
    throw new PgentraError(
      'azure-access',
      `Your public address ${ip} is not IPv4, and Azure firewall rules take IPv4 addresses only: connect over IPv4, or through a private endpoint.`,
    );
  const who = (user.split('@')[0] ?? 'user').replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40) || 'user';
  return { name: `pgentra-${who}-${ip.replace(/\./g, '-')}`, start: ip, end: ip };
}

export function describeRule(rule: FirewallRule): string {
  return rule.start === rule.end
    ? `${rule.name} (${rule.start})`
    : `${rule.name} (${rule.start}–${rule.end})`;
}
