// The command pgAdmin (PasswordExecCommand) and the agent service are given for this CLI when it
// was installed with npm (issue 17, item 20): it must survive a Node.js upgrade.
import { describe, expect, it } from 'vitest';
import { isVersionedNodePath, selfCommand } from '../../../electron/cli/self-command.js';

/** A file system of symlinks (name → target) and files, resolved like realpath(3). */
function disk(links: Record<string, string>, files: readonly string[]) {
  return (file: string): string | null => {
    let current = file;
    for (let hops = 0; hops < 10 && links[current]; hops += 1) current = links[current] ?? current;
    return files.includes(current) ? current : null;
  };
}

describe('selfCommand', () => {
  it('keeps node and the script where nothing is versioned (a system Node.js)', () => {
    expect(
      selfCommand({
        execPath: '/usr/bin/node',
        script: '/usr/lib/node_modules/pgentra/bin/pgentra.cjs',
        env: { PATH: '/usr/bin' },
        platform: 'linux',
        realpath: disk({}, ['/usr/bin/node']),
      }),
    ).toEqual(['/usr/bin/node', '/usr/lib/node_modules/pgentra/bin/pgentra.cjs']);
  });

  it('Homebrew: names /opt/homebrew/bin/node, not the Cellar path process.execPath resolves to', () => {
    const cellar = '/opt/homebrew/Cellar/node/24.1.0/bin/node';
    const script = '/opt/homebrew/lib/node_modules/pgentra/bin/pgentra.cjs';
    expect(
      selfCommand({
        execPath: cellar,
        script,
        env: { PATH: '/opt/homebrew/bin:/usr/bin' },
        platform: 'darwin',
        realpath: disk({ '/opt/homebrew/bin/node': cellar }, [cellar]),
      }),
    ).toEqual(['/opt/homebrew/bin/node', script]);
  });

  it("Volta: names Volta's stable pgentra shim instead of the versioned image", () => {
    const home = '/home/ann/.volta';
    const warnings: string[] = [];
    expect(
      selfCommand({
        execPath: `${home}/tools/image/node/24.1.0/bin/node`,
        script: `${home}/tools/image/packages/pgentra/lib/node_modules/pgentra/bin/pgentra.cjs`,
        env: { PATH: `${home}/bin:/usr/bin` },
        platform: 'linux',
        realpath: disk({ [`${home}/bin/pgentra`]: `${home}/bin/volta-shim` }, [
          `${home}/bin/volta-shim`,
          `${home}/tools/image/node/24.1.0/bin/node`,
        ]),
        warn: (text) => warnings.push(text),
      }),
    ).toEqual([`${home}/bin/pgentra`]);
    expect(warnings).toEqual([]);
  });

  it('nvm-windows with nothing stable on PATH: keeps the command and says what will break and what to do', () => {
    const node = 'C:\\Users\\ann\\AppData\\Roaming\\nvm\\v24.1.0\\node.exe';
    const script = 'C:\\Users\\ann\\AppData\\Roaming\\nvm\\v24.1.0\\node_modules\\pgentra\\bin\\pgentra.cjs';
    const warnings: string[] = [];
    const command = selfCommand({
      execPath: node,
      script,
      // nvm-windows' symlink C:\nvm4w\nodejs is stable, but holds no pgentra of its own here.
      env: { Path: 'C:\\nvm4w\\nodejs;C:\\Windows' },
      platform: 'win32',
      realpath: disk({ 'C:\\nvm4w\\nodejs\\node.exe': node }, [node]),
      warn: (text) => warnings.push(text),
    });
    // The Node.js under the stable symlink is the same one, but the script is versioned too.
    expect(command).toEqual([node, script]);
    expect(warnings.join('\n')).toMatch(
      /names C:\\Users\\ann\\AppData\\Roaming\\nvm\\v24\.1\.0\\node\.exe, a Node\.js install your version manager removes/,
    );
    expect(warnings.join('\n')).toContain('Use the pgentra app');
  });

  it('recognises the usual version managers and nothing else', () => {
    for (const versioned of [
      '/home/a/.nvm/versions/node/v24.1.0/bin/node',
      '/home/a/.local/share/fnm/node-versions/v24.1.0/installation/bin/node',
      '/run/user/1000/fnm_multishells/123_456/bin/node',
      '/home/a/.asdf/installs/nodejs/24.1.0/bin/node',
      '/home/a/.local/share/mise/installs/node/24.1.0/bin/node',
      '/usr/local/Cellar/node@22/22.3.0/bin/node',
      'C:\\Users\\a\\AppData\\Roaming\\nvm\\v24.1.0\\node.exe',
    ])
      expect(isVersionedNodePath(versioned)).toBe(true);
    for (const stable of ['/usr/bin/node', '/opt/homebrew/bin/node', 'C:\\Program Files\\nodejs\\node.exe'])
      expect(isVersionedNodePath(stable)).toBe(false);
  });
});
