// The Browser port over shell.openExternal, for sign-in pages. Only web URLs: a `file:`,
// `javascript:` or custom-scheme URL never reaches the OS launcher, whoever built it.
import type { Browser } from '../../core/ports.js';
import { isSafeExternalUrl } from '../windows/url-policy.js';

export function createElectronBrowser(openExternal: (url: string) => Promise<void>): Browser {
  return {
    async open(url) {
      if (!isSafeExternalUrl(url, ['https:', 'http:']))
        throw new Error('pgentra only opens http(s) links in the browser.');
      await openExternal(url);
    },
  };
}
