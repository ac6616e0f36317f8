// The pages the browser shows when Entra ID sends it back to pgentra's loopback redirect after an
// interactive sign-in: what happened and what to do next. MSAL serves them as they are (no
// headers, no templating) the moment the authorization code or error arrives, so each is one
// self-contained document: inline CSS allowed by its own CSP (by hash), no script, no outside
// resource, light and dark by prefers-color-scheme. They never hold a token (there is none yet),
// and the one value that can come from outside, the account name, is HTML-escaped.
import { createHash } from 'node:crypto';
import { adviceFor } from '../errors.js';

const STYLE = `
:root { color-scheme: light dark; --bg: #f5f7fa; --card: #ffffff; --fg: #1b1f24; --muted: #57606a;
  --line: #d7dce2; --ok: #2e7d32; --bad: #c62828; --code: #eef1f4; }
@media (prefers-color-scheme: dark) {
  :root { --bg: #0f1217; --card: #181c22; --fg: #e6e9ed; --muted: #9aa4b0; --line: #2c333c;
    --ok: #66bb6a; --bad: #ff7a7a; --code: #222831; }
}
* { box-sizing: border-box; }
body { margin: 0; min-height: 100vh; display: grid; place-items: center; padding: 24px;
  background: var(--bg); color: var(--fg);
  font: 15px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, Ubuntu, sans-serif; }
main { width: min(100%, 460px); background: var(--card); border: 1px solid var(--line);
  border-radius: 12px; padding: 28px 32px; box-shadow: 0 6px 24px rgba(0, 0, 0, 0.08); }
header { display: flex; align-items: center; gap: 14px; margin-bottom: 12px; }
svg { flex: none; }
.ok { color: var(--ok); }
.bad { color: var(--bad); }
h1 { font-size: 20px; line-height: 1.3; margin: 0; }
p { margin: 10px 0; }
ul { margin: 10px 0; padding-left: 20px; }
li { margin: 6px 0; }
code { background: var(--code); border-radius: 4px; padding: 1px 5px; font-size: 13px; }
.who { font-weight: 600; overflow-wrap: anywhere; }
footer { margin-top: 18px; padding-top: 12px; border-top: 1px solid var(--line); color: var(--muted); font-size: 13px; }
`;

const STYLE_HASH = createHash('sha256').update(STYLE).digest('base64');

/** Only this page's own style block: no script, no request anywhere, no form to submit. */
export const SIGN_IN_PAGE_CSP = `default-src 'none'; style-src 'sha256-${STYLE_HASH}'; base-uri 'none'; form-action 'none'`;

/** A name as HTML text: account names come from Entra ID, which we do not control. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[char] ?? char,
  );
}

/** Advice from the failure table as HTML: its `commands` set as code. */
function adviceHtml(advice: string): string {
  return escapeHtml(advice).replace(/`([^`]+)`/g, '<code>$1</code>');
}

/** A tick or a cross in the state's colour (inline SVG needs no img-src). */
function badge(ok: boolean): string {
  const mark = ok ? 'M15 25 l5 5 l10 -11' : 'M16 18 l12 12 M28 18 l-12 12';
  return `<svg width="44" height="44" viewBox="0 0 44 44" aria-hidden="true" class="${ok ? 'ok' : 'bad'}">
<circle cx="22" cy="22" r="21" fill="currentColor" opacity="0.14"/>
<path d="${mark}" fill="none" stroke="currentColor" stroke-width="3.5" stroke-linecap="round" stroke-linejoin="round"/>
</svg>`;
}

function page(title: string, ok: boolean, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${SIGN_IN_PAGE_CSP}">
<meta name="referrer" content="no-referrer">
<meta name="color-scheme" content="light dark">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${title}</title>
<style>${STYLE}</style>
</head>
<body>
<main>
<header>${badge(ok)}<h1>${title}</h1></header>
${body}
<footer>This page comes from pgentra on this computer. It holds no password or token.</footer>
</main>
</body>
</html>`;
}

/**
 * After Entra ID sent the sign-in back. MSAL shows this before it has redeemed the sign-in for a
 * token, so the account is only named when pgentra asked Entra for a specific one.
 */
export function signInSuccessPage(options: { account?: string | null } = {}): string {
  const who = options.account
    ? `<p>pgentra is signed in as <span class="who">${escapeHtml(options.account)}</span>.</p>`
    : `<p>pgentra has your sign-in and is finishing it now; the account shows in pgentra’s window and tray in a moment.</p>`;
  return page(
    'You are signed in to pgentra',
    true,
    `${who}
<p><strong>You can close this tab.</strong> pgentra keeps your database tokens fresh from now on; nothing else is needed in this browser.</p>`,
  );
}

/**
 * When Entra ID sent an error instead. MSAL serves this page as it is, without the error, so it
 * names the usual causes; pgentra's window, notification or terminal shows Entra's own message
 * and code.
 */
export function signInFailurePage(): string {
  return page(
    'Sign-in did not finish',
    false,
    `<p>Entra ID did not sign you in to pgentra. pgentra shows Entra’s message and code where you started the sign-in (its window, a notification or the terminal).</p>
<ul>
<li>If you cancelled or chose the wrong account: close this tab and sign in again. ${adviceHtml(adviceFor('needs-sign-in'))}</li>
<li>If your organisation must approve pgentra first, or a Conditional Access policy blocked the sign-in: send your administrator the code pgentra shows.</li>
<li>If Entra said the app or tenant is unknown, pgentra’s settings are off. ${adviceHtml(adviceFor('config'))}</li>
</ul>
<p><strong>You can close this tab.</strong></p>`,
  );
}
