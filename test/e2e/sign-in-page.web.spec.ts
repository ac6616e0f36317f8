// The page the system browser lands on after the interactive sign-in, as a person sees it: the
// real flow (the previewed tray's "Sign in…", the fake Entra ID, MSAL's loopback redirect) in a
// separate browser context. Screenshots go to the test report, and with PGENTRA_SCREENSHOTS=1 to
// docs/screenshots/signin-*.png.
import type { Browser, Page } from '@playwright/test';
import type { PreviewHost } from '../support/preview/preview-host.js';
import { docScreenshot, expect, openTray, test, trayIcon, trayMenu } from './fixtures.js';

/** "Sign in…" in the tray, then the authorize URL in a browser that is not the app's. */
async function signInFromTray(page: Page, host: PreviewHost, browser: Browser, pageErrors: string[]) {
  const tray = await openTray(page, host, pageErrors, 'mac');
  await trayIcon(tray).click();
  await trayMenu(tray).getByRole('menuitem', { name: 'Sign in…' }).click();
  await expect.poll(() => host.browserUrls()).toHaveLength(1);
  const context = await browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 720, height: 520 },
  });
  const idp = await context.newPage();
  const violations: string[] = [];
  idp.on('console', (message) => {
    if (/Content[- ]Security[- ]Policy/i.test(message.text())) violations.push(message.text());
  });
  await idp.goto((await host.browserUrls())[0] ?? '');
  return { idp, violations, close: () => context.close() };
}

/** The page's own CSP let its inline style in: the card is styled, and no script is present. */
async function expectSelfContained(idp: Page, violations: string[]): Promise<void> {
  await expect(idp.locator('main')).toHaveCSS('border-radius', '12px');
  await expect(idp.locator('script')).toHaveCount(0);
  await expect(idp.locator('link, img, iframe, form')).toHaveCount(0);
  expect(violations).toEqual([]);
}

test.describe('the browser sign-in pages', () => {
  test('success: says pgentra has the sign-in and the tab can be closed, light and dark', async ({
    page,
    host,
    browser,
    pageErrors,
  }, testInfo) => {
    const { idp, violations, close } = await signInFromTray(page, host, browser, pageErrors);
    await expect(idp.getByRole('heading', { name: 'You are signed in to pgentra' })).toBeVisible();
    await expect(idp.getByText('You can close this tab.')).toBeVisible();
    await expect(idp.getByText('It holds no password or token.')).toBeVisible();
    await expectSelfContained(idp, violations);
    const attach = (name: string, body: { body: Buffer; contentType: string }) => testInfo.attach(name, body);
    await docScreenshot(idp, 'signin-success-light', attach);
    await idp.emulateMedia({ colorScheme: 'dark' });
    await expect(idp.locator('body')).toHaveCSS('background-color', 'rgb(15, 18, 23)');
    await docScreenshot(idp, 'signin-success-dark', attach);
    await close();
    // And the app did sign in.
    await expect
      .poll(() => host.notices())
      .toContainEqual({
        title: 'pgentra',
        body: 'Signed in as alice@contoso.com.',
      });
  });

  test('failure: Entra refused; the page says what usually helps, the app says why', async ({
    page,
    host,
    testbed,
    browser,
    pageErrors,
  }, testInfo) => {
    testbed.entra.injectFault({ endpoint: 'authorize', kind: 'access-denied', count: 1 });
    const { idp, violations, close } = await signInFromTray(page, host, browser, pageErrors);
    await expect(idp.getByRole('heading', { name: 'Sign-in did not finish' })).toBeVisible();
    await expect(idp.getByRole('listitem').filter({ hasText: 'cancelled' })).toContainText('pgentra login');
    await expect(idp.getByText('You can close this tab.')).toBeVisible();
    await expectSelfContained(idp, violations);
    await docScreenshot(idp, 'signin-failure', (name, body) => testInfo.attach(name, body));
    await close();
    await expect
      .poll(async () => (await host.notices()).map((notice) => notice.title))
      .toContain('pgentra: sign-in failed');
  });
});
