// The Browser port over shell.openExternal: the app's one way into the OS launcher, for sign-in
// pages and links from the window. Only web URLs: a `file:`, `javascript:` or custom-scheme URL
// never reaches the launcher, whoever built it.
import type { Browser } from '../../core/ports.js';
import { isSafeExternalUrl } from '../windows/url-policy.js';

/** The part of Electron's shell we use. */
export interface ShellLike {
  openExternal(url: string): Promise<void>;
}

export function createElectronBrowser(shell: ShellLike): Browser {
  return {
    async open(url) {
      if (!isSafeExternalUrl(url, ['https:', 'http:']))
        throw new Error('pgentra only opens http(s) links in the browser.');
      await shell.openExternal(url);
    },
  };
}
