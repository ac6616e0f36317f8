// The window as docs/troubleshooting.md shows it, one screenshot per failure category the window
// shows on its own (needs-sign-in, unreachable, config, invalid-input): each test brings the real
// window into that state against the testbed and checks what the doc says is on screen before it
// takes the picture. Run with PGENTRA_SCREENSHOTS=1 to rewrite docs/screenshots/troubleshooting-*.png
// (the command is in the doc); playwright.config.ts leaves this file out otherwise, since
// ui.web.spec.ts already checks these states and a normal run must not write into docs/.
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  clusterItem,
  docScreenshot,
  expect,
  openAddForm,
  signInWithDeviceCode,
  signedInWithFlex,
  test,
} from './fixtures.js';

test.describe('troubleshooting screenshots', () => {
  test.beforeEach(async ({ page }) => {
    await page.setViewportSize({ width: 960, height: 820 });
  });

  test('needs-sign-in: the card says so, with its Sign in button and Entra’s code behind Details', async ({
    page,
    testbed,
  }, testInfo) => {
    const row = await signedInWithFlex(page, testbed);
    testbed.entra.revokeRefreshTokens();
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(row.getByTestId('status')).toHaveText('sign-in needed');
    await expect(row.getByRole('button', { name: 'Sign in' })).toBeVisible();
    const error = row.getByTestId('error');
    await expect(error).toContainText('Sign-in needed: your Entra sign-in expired or was revoked.');
    await error.getByText('Details').click();
    await expect(error.getByText(/AADSTS50173/)).toBeVisible();
    await page.mouse.move(0, 0);
    await docScreenshot(row, 'troubleshooting-needs-sign-in', (n, b) => testInfo.attach(n, b));
  });

  test('unreachable: the refresh failed, the card says so while the token still works', async ({
    page,
    testbed,
  }, testInfo) => {
    const row = await signedInWithFlex(page, testbed);
    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-503' });
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(row.getByTestId('status')).toHaveText('fresh');
    await expect(row.getByTestId('error')).toContainText(/^Refresh failed — \d+ min left — retrying at/);
    await expect(row.getByTestId('error')).toContainText('Entra ID did not answer.');
    await page.mouse.move(0, 0);
    await docScreenshot(row, 'troubleshooting-unreachable', (n, b) => testInfo.attach(n, b));
  });

  test('config: an invalid entry of config.json is set aside and named, the other clusters work', async ({
    page,
    testbed,
  }, testInfo) => {
    await signedInWithFlex(page, testbed);
    // A hand edit gone wrong: a second cluster whose port is not a number.
    const file = path.join(testbed.facts.pgentraHome, 'config.json');
    const config = JSON.parse(await readFile(file, 'utf8')) as { clusters: Record<string, unknown>[] };
    config.clusters.push({ ...config.clusters[0], name: 'reports', port: 'abc' });
    await writeFile(file, JSON.stringify(config, null, 2));
    // The app reads config.json again every 15 s.
    const problems = page.getByRole('list', { name: 'Invalid entries in config.json' });
    await expect(problems).toContainText('cluster "reports"', { timeout: 30_000 });
    await expect(problems).toContainText('the port is a number from 1 to 65535');
    await expect(problems.getByRole('button', { name: 'Remove' })).toBeVisible();
    await expect(clusterItem(page, 'flex').getByTestId('status')).toHaveText('fresh');
    await page.mouse.move(0, 0);
    const clusters = page.getByRole('list', { name: 'Clusters' });
    await docScreenshot([problems, clusters], 'troubleshooting-config', (n, b) => testInfo.attach(n, b));
  });

  test('invalid-input: the add form names each bad field next to it and adds nothing', async ({
    page,
    testbed,
  }, testInfo) => {
    await signInWithDeviceCode(page, testbed);
    const form = await openAddForm(page);
    await form.getByLabel('Name').fill('my db');
    await form.getByLabel('Host').fill('orders.postgres.database.azure.com');
    const port = form.getByLabel('Port');
    await port.fill('99999');
    await expect(port).toHaveAttribute('aria-invalid', 'true');
    await expect(form.getByLabel('Name')).toHaveAttribute('aria-invalid', 'true');
    await expect(form).toContainText('the port is between 1 and 65535');
    await page.mouse.move(0, 0);
    await docScreenshot(form, 'troubleshooting-invalid-input', (n, b) => testInfo.attach(n, b));
  });
});
