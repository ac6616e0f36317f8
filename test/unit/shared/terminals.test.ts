// The terminals the window offers are exactly the ones the OS recipes can open.
import { describe, expect, it } from 'vitest';
import { resolveMacTerminal } from '../../../electron/core/launch/terminals/darwin.js';
import { LINUX_TERMINALS } from '../../../electron/core/launch/terminals/linux.js';
import { resolveWindowsTerminal } from '../../../electron/core/launch/terminals/win32.js';
import type { Processes } from '../../../electron/core/ports.js';
import { KNOWN_TERMINALS, knownTerminalsFor } from '../../../electron/shared/terminals.js';

describe('known terminals', () => {
  it('Linux: the list is the recipe table', () => {
    expect([...KNOWN_TERMINALS.linux].sort()).toEqual(Object.keys(LINUX_TERMINALS).sort());
  });

  it('macOS and Windows: every name on the list resolves in its recipe', async () => {
    for (const name of KNOWN_TERMINALS.darwin) expect(resolveMacTerminal(name), name).not.toBeNull();
    const processes = { which: async (name: string) => `C:\\Windows\\${name}` } as unknown as Processes;
    for (const name of KNOWN_TERMINALS.win32)
      expect(await resolveWindowsTerminal(processes, name, {}), name).not.toBeNull();
  });

  it('an OS without recipes offers none', () => {
    expect(knownTerminalsFor('aix')).toEqual([]);
    expect(knownTerminalsFor('darwin')).toEqual(['Terminal', 'iTerm']);
  });
});
