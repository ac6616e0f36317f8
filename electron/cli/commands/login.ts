import { parseCommand, type CommandHelp } from '../args.js';
import { openCore } from '../core-loader.js';
import { ExitCode } from '../exit-codes.js';
import type { Io } from '../io.js';

const help: CommandHelp = {
  usage: 'pgentra login [--device-code] [--no-browser] [--tenant TENANT] [--cloud CLOUD]',
  summary:
    'Signs you in to Entra ID once; the sign-in is kept encrypted by your OS keychain and shared by the tray app and ' +
    'every pgentra command. By default your browser opens; over SSH use --device-code, or --no-browser to get a URL to open yourself.',
  options: [
    ['--device-code', 'sign in on another device with a short code (works over SSH)'],
    ['--no-browser', 'print the sign-in URL instead of opening a browser'],
    ['--tenant TENANT', 'tenant ID or domain (default: the configured tenant, usually "organizations")'],
    ['--cloud CLOUD', 'public, china, usgov or a custom cloud from config.json'],
  ],
  examples: [
    'pgentra login',
    'pgentra login --device-code',
    'pgentra login --tenant contoso.onmicrosoft.com',
  ],
};

export async function run(argv: string[], io: Io): Promise<number> {
  const parsed = parseCommand(
    argv,
    {
      'device-code': { type: 'boolean' },
      'no-browser': { type: 'boolean' },
      tenant: { type: 'string' },
      cloud: { type: 'string' },
    },
    help,
    io,
  );
  if (!parsed) return ExitCode.ok;
  const { values } = parsed;
  const core = await openCore(io);
  const account = await core.signIn({
    method: values['device-code'] ? 'device-code' : 'browser',
    cloud: values.cloud,
    tenant: values.tenant,
    openBrowser: values['no-browser']
      ? async (url) =>
          io.stderr(`Open this URL in a browser to sign in:\n\n  ${url}\n\nWaiting for you to finish…\n`)
      : undefined,
    onDeviceCode: (prompt) => io.stderr(`${prompt.message}\n`),
  });
  io.stderr(`Signed in as ${account.username} (tenant ${account.tenantId}).\n`);
  return ExitCode.ok;
}
