import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  SIGN_IN_PAGE_CSP,
  signInFailurePage,
  signInSuccessPage,
} from '../../../../electron/core/auth/sign-in-page.js';

/** The one <style> block, as the browser hashes it for the CSP. */
function styleOf(html: string): string {
  const match = /<style>([\s\S]*?)<\/style>/.exec(html);
  if (!match?.[1]) throw new Error('no style block');
  return match[1];
}

describe('the loopback sign-in pages', () => {
  const pages = {
    success: signInSuccessPage(),
    named: signInSuccessPage({ account: 'a@b.c' }),
    failure: signInFailurePage(),
  };

  it('allow exactly their own style block and nothing else', () => {
    for (const [name, html] of Object.entries(pages)) {
      const hash = createHash('sha256').update(styleOf(html)).digest('base64');
      expect(SIGN_IN_PAGE_CSP, name).toContain(`style-src 'sha256-${hash}'`);
      expect(html, name).toContain(`content="${SIGN_IN_PAGE_CSP}"`);
      expect(SIGN_IN_PAGE_CSP).toMatch(/^default-src 'none';/);
      expect(html, name).not.toMatch(/<script|<link|<img|<iframe|<form|https?:\/\//i);
      expect(html, name).toContain('You can close this tab.');
    }
  });

  it('names the account when pgentra asked for one, HTML-escaped', () => {
    expect(pages.named).toContain('signed in as <span class="who">a@b.c</span>');
    expect(pages.success).not.toContain('signed in as');
    const hostile = signInSuccessPage({ account: '<img src=x onerror="alert(1)">@evil' });
    expect(hostile).not.toContain('<img');
    expect(hostile).toContain('&lt;img src=x onerror=&quot;alert(1)&quot;&gt;@evil');
  });

  it('gives the failure page the advice table’s words, commands as code', () => {
    expect(pages.failure).toContain('<code>pgentra login</code>');
    expect(pages.failure).toContain('Check the client ID, tenant and cloud');
  });

  it('escapes the five HTML specials', () => {
    expect(escapeHtml(`<a href="x">&'`)).toBe('&lt;a href=&quot;x&quot;&gt;&amp;&#39;');
  });
});
