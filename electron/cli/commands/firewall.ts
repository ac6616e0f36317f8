// `pgentra firewall`: "Allow my IP" for a cluster's server, and removing the rule again. Nothing
// changes before the rule's name and range are shown and confirmed (a prompt, or --yes).
import { parseCommand, type CommandHelp, formatHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode, usageError } from '../exit-codes.js';
import type { Io } from '../io.js';
import { askOnTerminal } from '../prompt.js';
import { describeRule } from '../../core/azure/firewall.js';

const allowHelp: CommandHelp = {
  usage: 'pgentra firewall allow-my-ip CLUSTER [--yes]',
  summary:
    "Adds a firewall rule to CLUSTER's Azure server that lets in your current public IP address (and only it). " +
    'pgentra shows the rule (name and range) and asks before it changes anything; --yes answers yes (for scripts). ' +
    'If a rule already lets your address in, nothing changes.',
  options: [['--yes', 'do not ask: add the rule shown']],
  examples: ['pgentra firewall allow-my-ip prod'],
};

const removeHelp: CommandHelp = {
  usage: 'pgentra firewall remove CLUSTER [--rule NAME] [--yes]',
  summary:
    'Removes a firewall rule from the server: by default the one `allow-my-ip` adds for your current address, or the ' +
    'rule named with --rule. pgentra asks first; --yes answers yes.',
  options: [
    ['--rule NAME', 'the rule to remove'],
    ['--yes', 'do not ask'],
  ],
  examples: ['pgentra firewall remove prod', 'pgentra firewall remove prod --rule pgentra-alice-203-0-113-7'],
};

const help: CommandHelp = {
  usage: 'pgentra firewall allow-my-ip|remove CLUSTER …',
  summary: "Changes the firewall rules of a cluster's Azure server, after showing what and asking.",
  options: [
    ['allow-my-ip CLUSTER [--yes]', 'add a rule for your public IP'],
    ['remove CLUSTER [--rule NAME] [--yes]', 'remove that rule (or another)'],
  ],
  examples: ['pgentra firewall allow-my-ip prod', 'pgentra firewall remove prod'],
};

async function ask(io: Io, yes: boolean | undefined, question: string): Promise<boolean> {
  if (yes) return true;
  const answer = await (io.ask ?? askOnTerminal)(`${question} [y/N] `);
  if (answer === null)
    throw usageError('nothing was changed: confirm with --yes (there is no terminal to ask on)');
  return /^\s*y(es)?\s*$/i.test(answer);
}

export async function run(argv: string[], io: Io): Promise<number> {
  const [verb, ...rest] = argv;
  if (verb === 'allow-my-ip') return allow(rest, io);
  if (verb === 'remove') return remove(rest, io);
  if (verb === '--help' || verb === '-h') {
    io.stdout(formatHelp(help));
    return ExitCode.ok;
  }
  io.stderr(formatHelp(help));
  return ExitCode.usage;
}

async function allow(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { yes: { type: 'boolean' } }, allowHelp, io, { min: 1, max: 1 });
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const cluster = core.cluster(parsed.positionals[0] ?? '');
  const plan = await core.azure.planAllowMyIp(cluster);
  if (plan.existing) {
    io.stderr(
      `Your public IP ${plan.ip} is already allowed on ${plan.server.name} by rule ${describeRule(plan.existing)}; nothing changed.\n`,
    );
    return ExitCode.ok;
  }
  io.stderr(
    `Server ${plan.server.name} (${plan.server.id})\nNew firewall rule: ${plan.rule.name}, from ${plan.rule.start} to ${plan.rule.end} (your public IP)\n`,
  );
  if (!(await ask(io, parsed.values.yes, 'Add this rule?'))) {
    io.stderr('Nothing changed.\n');
    return ExitCode.ok;
  }
  await core.azure.applyFirewallPlan(cluster, plan);
  io.stderr(
    `Added firewall rule ${describeRule(plan.rule)} to ${plan.server.name}. Remove it with \`pgentra firewall remove ${cluster.name}\`.\n`,
  );
  return ExitCode.ok;
}

async function remove(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(argv, { rule: { type: 'string' }, yes: { type: 'boolean' } }, removeHelp, io, {
    min: 1,
    max: 1,
  });
  if (!parsed) return ExitCode.ok;
  const core = await openCore(io);
  const cluster = core.cluster(parsed.positionals[0] ?? '');
  const target = await core.azure.firewallRuleToRemove(cluster, parsed.values.rule);
  if (!target.rule) {
    // Your address may have changed since allow-my-ip: name the rules it added for you before.
    const prefix = target.name.replace(/-\d+-\d+-\d+-\d+$/, '-');
    const earlier = target.server.firewallRules.filter((r) => r.name.startsWith(prefix));
    io.stderr(
      `${target.server.name} has no firewall rule ${target.name}; nothing changed.\n` +
        (earlier.length
          ? `Rules allow-my-ip added for you earlier: ${earlier.map(describeRule).join(', ')} (remove one with --rule NAME).\n`
          : ''),
    );
    return ExitCode.ok;
  }
  io.stderr(`Server ${target.server.name}\nFirewall rule to remove: ${describeRule(target.rule)}\n`);
  if (!(await ask(io, parsed.values.yes, 'Remove this rule?'))) {
    io.stderr('Nothing changed.\n');
    return ExitCode.ok;
  }
  await core.azure.removeFirewallRule(cluster, target.rule.name);
  io.stderr(`Removed firewall rule ${target.rule.name} from ${target.server.name}.\n`);
  return ExitCode.ok;
}
