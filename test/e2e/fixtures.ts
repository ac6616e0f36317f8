// Fixtures for the web project: every test gets its own offline Azure (testbed: fake Entra ID,
// PostgreSQL behind token-checking gateways, a private unlocked keyring) and its own preview host
// (the real renderer + the real core in a child process), and a Chromium page opened on it.
// Helpers drive the UI the way a person does; the only shortcut is seeding clusters through the
// page's own `window.pgentra` (the same IPC channel the form uses).
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Locator, type Page } from '@playwright/test';
import type { ClusterForm } from '../../electron/shared/ipc-contract.js';
import { startPreviewHostProcess, type PreviewHost } from '../support/preview/preview-host.js';
import { startTestbed, type Testbed } from '../support/testbed/testbed.js';

export interface WebOptions {
  /** Lifetime of tokens the fake Entra issues (seconds). */
  tokenLifetimeSec: number;
  /** Polls before the fake Entra approves a device code by itself (a huge number: only approveDeviceCode()). */
  deviceCodeAutoApproveAfterPolls: number;
}

export interface WebFixtures {
  testbed: Testbed;
  host: PreviewHost;
  /** Environment for the CLI and psql against this test's stack (PGPASSFILE is the host's). */
  stackEnv: Record<string, string>;
  /** Uncaught page errors and console errors, checked after every test. */
  pageErrors: string[];
}

export const test = base.extend<WebOptions & WebFixtures>({
  tokenLifetimeSec: [3600, { option: true }],
  deviceCodeAutoApproveAfterPolls: [1, { option: true }],

  testbed: async ({ tokenLifetimeSec, deviceCodeAutoApproveAfterPolls }, use) => {
    const testbed = await startTestbed({ keyring: true, tokenLifetimeSec, deviceCodeAutoApproveAfterPolls });
    try {
      await use(testbed);
    } finally {
      await testbed.stop();
    }
  },

  stackEnv: async ({ testbed }, use) => {
    const home = path.join(testbed.dir, 'home');
    const run = path.join(testbed.dir, 'run');
    await fs.mkdir(home, { recursive: true, mode: 0o700 });
    await fs.mkdir(run, { recursive: true, mode: 0o700 });
    await use({
      ...testbed.facts.env,
      HOME: home,
      XDG_RUNTIME_DIR: run,
      PGENTRA_HOME: testbed.facts.pgentraHome,
      PGPASSFILE: path.join(home, 'pgpass'),
      PGSERVICEFILE: path.join(home, 'pg_service.conf'),
    });
  },

  host: async ({ testbed, stackEnv }, use, testInfo) => {
    const host = await startPreviewHostProcess({ configDir: testbed.facts.pgentraHome, env: stackEnv });
    try {
      await use(host);
    } finally {
      if (testInfo.status !== testInfo.expectedStatus) {
        const logs = await host.logs().catch(() => []);
        await testInfo.attach('preview-host.log', { body: logs.join('\n'), contentType: 'text/plain' });
      }
      await host.stop();
    }
  },

  // Playwright reads a fixture's dependencies from its first parameter: this one has none.
  // eslint-disable-next-line no-empty-pattern
  pageErrors: async ({}, use) => {
    await use([]);
  },

  page: async ({ page, host, pageErrors }, use) => {
    page.on('pageerror', (error) => pageErrors.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') pageErrors.push(`console: ${message.text()}`);
    });
    await page.goto(host.url);
    await expect(page.getByRole('heading', { name: 'pgentra', level: 1 })).toBeVisible();
    await use(page);
    expect(pageErrors, 'the page logged errors').toEqual([]);
  },
});

export { expect };

// ---- helpers ----------------------------------------------------------------------------------

export function tab(page: Page, name: 'Clusters' | 'Accounts' | 'Settings'): Locator {
  return page.getByRole('tab', { name: new RegExp(`^${name}`) });
}

/** Signs in by device code through the Accounts tab and waits until the account is listed. */
export async function signInWithDeviceCode(page: Page, testbed: Testbed): Promise<string> {
  await tab(page, 'Accounts').click();
  await page.getByRole('button', { name: 'Sign in with a device code' }).click();
  const code = (await page.getByTestId('device-code').locator('.code').textContent())?.trim() ?? '';
  // Approves the code if the testbed waits for it (no-op when it already approved by itself).
  testbed.entra.approveDeviceCode();
  await expect(page.getByTestId('account')).toHaveText(testbed.facts.users[0]?.upn ?? '');
  return code;
}

/** A cluster on one of this testbed's gateways (its kind cannot be inferred from 127.0.0.1). */
export function testbedCluster(
  testbed: Testbed,
  name: string,
  kind: 'flexible' | 'cosmos' | 'single' = 'flexible',
): ClusterForm {
  const gateway = testbed.facts.gateways[kind];
  return {
    name,
    host: kind === 'single' ? 'localhost' : gateway.host,
    port: gateway.port,
    database: testbed.facts.database,
    kind,
    // localhost does not tell a Single Server's name (user@servername): the testbed's is localhost.
    ...(kind === 'single' ? { serverName: 'localhost' } : {}),
  };
}

/** Adds clusters through the page's own API (the channel the form uses) and waits for their rows. */
export async function seedClusters(page: Page, forms: ClusterForm[]): Promise<void> {
  for (const form of forms) {
    const result = await page.evaluate(async (f) => {
      const api = window.pgentra;
      if (!api) throw new Error('window.pgentra is missing');
      return api.addCluster(f);
    }, form);
    expect(result, JSON.stringify(result)).toMatchObject({ ok: true });
  }
  await tab(page, 'Clusters').click();
  for (const form of forms) await expect(clusterItem(page, form.name)).toBeVisible();
}

/** The selected cluster's detail (its state, time left, actions); only the selected one is shown. */
export function clusterRow(page: Page, name: string): Locator {
  return page.getByTestId(`cluster-${name}`);
}

/** A cluster's entry in the list on the left: name, state, time left. */
export function clusterItem(page: Page, name: string): Locator {
  return page.getByTestId(`cluster-item-${name}`);
}

/** Selects a cluster in the list, as a person clicks it, and returns its detail. */
export async function openCluster(page: Page, name: string): Promise<Locator> {
  await clusterItem(page, name).click();
  const detail = clusterRow(page, name);
  await expect(detail).toBeVisible();
  return detail;
}

/** Runs an item of a cluster's "More actions" menu (Copy token, Edit…, Remove… and the like). */
export async function clusterMenu(detail: Locator, item: string): Promise<void> {
  await detail.getByRole('button', { name: 'More actions' }).click();
  await detail.page().getByRole('menuitem', { name: item }).click();
}

/** Signed in, with the testbed's flexible server added as `flex` and its token fresh: its row. */
export async function signedInWithFlex(page: Page, testbed: Testbed): Promise<Locator> {
  await signInWithDeviceCode(page, testbed);
  await seedClusters(page, [testbedCluster(testbed, 'flex')]);
  const row = clusterRow(page, 'flex');
  await expectFresh(row);
  return row;
}

/** Waits for a cluster's token to be fresh; on failure says what the cluster shows instead. */
export async function expectFresh(row: Locator): Promise<void> {
  try {
    await expect(row.getByTestId('status')).toHaveText('fresh');
  } catch (error) {
    const shown = await row
      .getByTestId('error')
      .textContent({ timeout: 1000 })
      .catch(() => null);
    if (!shown) throw error;
    throw new Error(`the cluster's token is not fresh; the window says: ${shown}`, { cause: error });
  }
}

/** "1:04:09" / "1:57" → seconds; null for "—" or "expired". */
export function parseTimeLeft(text: string | null): number | null {
  const parts = text?.trim().split(':').map(Number);
  if (!parts || parts.length < 2 || parts.some((n) => !Number.isInteger(n))) return null;
  return parts.reduce((total, n) => total * 60 + n, 0);
}

export async function secondsLeft(row: Locator): Promise<number | null> {
  return parseTimeLeft(await row.getByTestId('countdown').textContent());
}

/** The add-cluster form (not an edit form). */
export function addForm(page: Page): Locator {
  return page.getByRole('form', { name: 'Add a cluster' });
}

/** Opens the add dialog from the Clusters tab (the list's button, or the first-run guide's). */
export async function openAddForm(page: Page): Promise<Locator> {
  await tab(page, 'Clusters').click();
  await page.getByRole('button', { name: 'Add a cluster' }).click();
  const form = addForm(page);
  await expect(form).toBeVisible();
  return form;
}

/** Signed in, the add dialog open: the form, as a person starting to add a cluster sees it. */
export async function signedInAddForm(page: Page, testbed: Testbed): Promise<Locator> {
  await signInWithDeviceCode(page, testbed);
  return openAddForm(page);
}

/** Set to regenerate the PNGs in docs/screenshots/; without it no test writes into docs/. */
export const WRITE_DOC_SCREENSHOTS = process.env.PGENTRA_SCREENSHOTS === '1';

/**
 * Screenshots `what` (the page, one part of it, or the box around several parts) for the docs:
 * attached to the test report always, written to docs/screenshots/NAME.png only with
 * PGENTRA_SCREENSHOTS=1.
 */
export async function docScreenshot(
  what: Page | Locator | Locator[],
  name: string,
  attach: (name: string, options: { body: Buffer; contentType: string }) => Promise<void>,
): Promise<void> {
  let shot: Buffer;
  if (Array.isArray(what)) {
    const boxes = await Promise.all(what.map((part) => part.boundingBox()));
    const [x, y] = [Math.min(...boxes.map((b) => b?.x ?? 0)), Math.min(...boxes.map((b) => b?.y ?? 0))];
    const right = Math.max(...boxes.map((b) => (b ? b.x + b.width : 0)));
    const bottom = Math.max(...boxes.map((b) => (b ? b.y + b.height : 0)));
    const page = what[0]?.page();
    if (!page) throw new Error('docScreenshot: nothing to take');
    shot = await page.screenshot({
      clip: { x, y, width: right - x, height: bottom - y },
      animations: 'disabled',
    });
  } else
    // Transitions stopped: a theme switch or a hover fades colours in over a few frames.
    shot =
      'mainFrame' in what
        ? await what.screenshot({ fullPage: true, animations: 'disabled' })
        : await what.screenshot({ animations: 'disabled' });
  await attach(`${name}.png`, { body: shot, contentType: 'image/png' });
  if (!WRITE_DOC_SCREENSHOTS) return;
  const file = path.resolve(import.meta.dirname, '..', '..', 'docs', 'screenshots', `${name}.png`);
  await fs.mkdir(path.dirname(file), { recursive: true });
  await fs.writeFile(file, shot);
}

// ---- the previewed tray ---------------------------------------------------------------------

/**
 * Opens the preview host's tray page (the tray icon and its menu, drawn from the real tray model)
 * beside the window, in the given look; page errors there fail the test like the window's.
 */
export async function openTray(
  page: Page,
  host: PreviewHost,
  pageErrors: string[],
  look: 'mac' | 'windows' = 'mac',
): Promise<Page> {
  const tray = await page.context().newPage();
  tray.on('pageerror', (error) => pageErrors.push(`tray page error: ${error.message}`));
  tray.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(`tray console: ${message.text()}`);
  });
  await tray.goto(`${host.trayUrl}&look=${look}`);
  await expect(tray.getByTestId('tray-stage')).toHaveAttribute('data-level', /.+/);
  return tray;
}

/** The tray icon; clicking it opens the menu, as on macOS and Windows. */
export function trayIcon(tray: Page): Locator {
  return tray.locator('#tray-icon');
}

/** The open tray menu (submenus are menus inside it, named after their item). */
export function trayMenu(tray: Page): Locator {
  return tray.getByRole('menu', { name: 'pgentra', exact: true });
}
