// The terminal programs pgentra knows how to open psql in, per OS: the names the window offers.
// The per-OS recipes (core/launch/terminals/) are typed against these lists, so a recipe without
// a name here, or a name without a recipe, does not compile. A custom `command args…` is not one
// of them on purpose: it runs whatever it says, so only config.json may hold it, never the window.
import { z } from 'zod';

export const KNOWN_TERMINALS = {
  linux: [
    'x-terminal-emulator',
    'gnome-terminal',
    'konsole',
    'xfce4-terminal',
    'kitty',
    'alacritty',
    'foot',
    'wezterm',
    'xterm',
  ],
  darwin: ['Terminal', 'iTerm'],
  win32: ['cmd', 'wt'],
} as const;

export type LinuxTerminalName = (typeof KNOWN_TERMINALS.linux)[number];
export type KnownTerminal = (typeof KNOWN_TERMINALS)[keyof typeof KNOWN_TERMINALS][number];

/** The known terminals of a platform (none on one pgentra has no recipe for). */
export function knownTerminalsFor(platform: string): readonly KnownTerminal[] {
  return Object.hasOwn(KNOWN_TERMINALS, platform)
    ? KNOWN_TERMINALS[platform as keyof typeof KNOWN_TERMINALS]
    : [];
}

export const knownTerminalSchema = z.enum(
  [...KNOWN_TERMINALS.linux, ...KNOWN_TERMINALS.darwin, ...KNOWN_TERMINALS.win32],
  'not a terminal pgentra knows: choose one from the list (a custom command goes in config.json, "settings.terminal")',
);
