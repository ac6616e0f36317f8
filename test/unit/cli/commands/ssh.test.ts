import { describe, expect, it } from 'vitest';
import { remoteCommand, splitSshArgv, sshArguments } from '../../../../electron/cli/commands/ssh.js';
import { sh } from '../../../support/fakes/quoting.js';

describe('pgentra ssh arguments', () => {
  it("takes pgentra's options before HOST and gives ssh everything after it", () => {
    expect(
      splitSshArgv(['--cluster', 'prod', '--label=jump', 'me@jump', '-p', '2222', '--', 'psql', '-l']),
    ).toEqual({
      own: ['--cluster', 'prod', '--label=jump'],
      host: 'me@jump',
      ssh: ['-p', '2222'],
      command: ['psql', '-l'],
    });
    expect(splitSshArgv(['jump'])).toEqual({ own: [], host: 'jump', ssh: [], command: [] });
  });

  it('forwards the socket, fails when the forward cannot be made, and asks for a terminal for a shell', () => {
    const args = sshArguments({
      host: 'jump',
      ssh: ['-p', '2222'],
      command: [],
      remoteSocket: '/tmp/pgentra-x.sock',
      localSocket: '/run/user/1000/pgentra/fwd-1.sock',
    });
    expect(args.slice(0, 8)).toEqual([
      '-o',
      'ExitOnForwardFailure=yes',
      '-o',
      'StreamLocalBindUnlink=yes',
      '-R',
      '/tmp/pgentra-x.sock:/run/user/1000/pgentra/fwd-1.sock',
      '-t',
      'jump',
    ]);
    expect(args.at(-1)).toBe(`exec env PGENTRA_AGENT='/tmp/pgentra-x.sock' "$SHELL" -l`);
    const tunnel = sshArguments({
      host: 'jump',
      ssh: ['-N'],
      command: [],
      remoteSocket: '/r',
      localSocket: '/l',
    });
    expect(tunnel).not.toContain('-t');
    expect(tunnel.at(-1)).toBe('-N');
  });

  it('runs the remote command as ssh would (one string for the login shell) with PGENTRA_AGENT set', () => {
    const line = remoteCommand("/tmp/it's.sock", ['echo "$PGENTRA_AGENT"', '&&', 'echo', "'two words'"]);
    expect(sh(`SHELL=/bin/sh; ${line}`)).toBe("/tmp/it's.sock\ntwo words\n");
  });
});
