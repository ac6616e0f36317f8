// Every view of the window, reached the way a person reaches it, in one testbed stack: the
// accessibility spec checks each with axe, the screenshot spec takes its picture. One list, so a
// new view gets both.
import type { Page } from '@playwright/test';
import type { FakeServer } from '../support/testbed/fake-arm/index.js';
import type { Testbed } from '../support/testbed/testbed.js';
import {
  clusterItem,
  clusterRow,
  expect,
  expectFresh,
  openAddForm,
  seedClusters,
  signInWithDeviceCode,
  tab,
  testbedCluster,
} from './fixtures.js';

export const THEMES = ['light', 'dark', 'high-contrast'] as const;
export type ThemeName = (typeof THEMES)[number];

/** Switches the OS appearance the page sees; the window follows it (renderer/src/theme/os-theme.ts). */
export async function useTheme(page: Page, theme: ThemeName): Promise<void> {
  await page.emulateMedia({
    colorScheme: theme === 'dark' ? 'dark' : 'light',
    forcedColors: theme === 'high-contrast' ? 'active' : 'none',
  });
  await expect(page.locator('.app-root').first()).toHaveAttribute('data-theme', theme);
  await settled(page);
}

/**
 * Waits for the page's transitions to end (colours fade over a few frames after a theme switch
 * or a dialog opening): a contrast check or a picture takes the colours at rest. Endless
 * animations (a spinner) are left running.
 */
export async function settled(page: Page): Promise<void> {
  await page.evaluate(async () => {
    const finite = document
      .getAnimations()
      .filter((animation) =>
        Number.isFinite(Number(animation.effect?.getComputedTiming().endTime ?? Infinity)),
      );
    await Promise.all(finite.map((animation) => animation.finished.catch(() => undefined)));
  });
}

export interface WindowView {
  name: string;
  /** Brings the window into this view from the one before. */
  enter: () => Promise<void>;
  /** Leaves it as the next view expects (closes a dialog or menu). */
  leave?: () => Promise<void>;
}

async function closeToast(page: Page): Promise<void> {
  const close = page.getByRole('button', { name: 'Close the message' });
  if (await close.isVisible()) await close.click();
}

export function windowViews(page: Page, testbed: Testbed): WindowView[] {
  const row = () => clusterRow(page, 'orders-flex');
  let azureBefore: Partial<FakeServer> = {};
  return [
    {
      name: 'first-run',
      enter: async () => {
        await expect(page.getByRole('heading', { name: 'Get started with pgentra' })).toBeVisible();
      },
    },
    {
      name: 'accounts',
      enter: async () => {
        await signInWithDeviceCode(page, testbed);
        await closeToast(page);
      },
    },
    {
      name: 'clusters',
      enter: async () => {
        await seedClusters(page, [
          testbedCluster(testbed, 'orders-flex'),
          testbedCluster(testbed, 'shop-cosmos', 'cosmos'),
        ]);
        for (const name of ['orders-flex', 'shop-cosmos']) await expectFresh(clusterItem(page, name));
        await clusterItem(page, 'orders-flex').click();
        await closeToast(page);
      },
    },
    {
      name: 'add-from-azure',
      enter: async () => {
        await page.getByRole('button', { name: 'Add from Azure' }).click();
        const dialog = page.getByRole('dialog', { name: 'Add from Azure' });
        await expect(dialog.getByTestId('azure-server-pg-elastic')).toBeVisible();
        await dialog.getByRole('checkbox', { name: 'Select pg-elastic' }).check();
      },
      leave: async () => {
        await page.keyboard.press('Escape');
        await expect(page.getByRole('dialog', { name: 'Add from Azure' })).toBeHidden();
      },
    },
    {
      name: 'azure-checks',
      enter: async () => {
        // A firewall without the person's address and no Entra role: two fixes to show.
        const server = testbed.arm.findServer('pg-flex');
        azureBefore = { firewallRules: server.firewallRules, admins: server.admins };
        server.firewallRules = [];
        const bob = testbed.facts.users.find((user) => user.upn === 'bob@contoso.com');
        server.admins = [
          { principalName: 'bob@contoso.com', objectId: bob?.oid ?? '', principalType: 'User' },
        ];
        await row().getByRole('button', { name: 'Check connection' }).click();
        await expect(row().getByTestId('check-network').getByTestId('check-status')).toHaveText('Problem');
        await expect(row().getByLabel('SQL for an administrator')).toBeVisible();
        await row().getByTestId('check-network').scrollIntoViewIfNeeded();
      },
      leave: async () => {
        Object.assign(testbed.arm.findServer('pg-flex'), azureBefore);
      },
    },
    {
      name: 'cluster-menu',
      enter: async () => {
        await row().getByRole('button', { name: 'More actions' }).click();
        await expect(page.getByRole('menu')).toBeVisible();
      },
      leave: async () => {
        await page.keyboard.press('Escape');
        await expect(page.getByRole('menu')).toBeHidden();
      },
    },
    {
      name: 'add-cluster',
      enter: async () => {
        const form = await openAddForm(page);
        await form.getByLabel('Name').fill('my db');
        await form.getByLabel('Host').fill('orders.postgres.database.azure.com');
        await form.getByLabel('Port').fill('99999');
        await expect(form.getByText('Flexible Server in the public cloud')).toBeVisible();
        await expect(form.getByLabel('Port')).toHaveAttribute('aria-invalid', 'true');
      },
      leave: async () => {
        await page.keyboard.press('Escape');
        await expect(page.getByRole('form', { name: 'Add a cluster' })).toBeHidden();
      },
    },
    {
      name: 'confirm-remove',
      enter: async () => {
        await row().getByRole('button', { name: 'More actions' }).click();
        await page.getByRole('menuitem', { name: 'Remove…' }).click();
        await expect(page.getByRole('alertdialog', { name: 'Remove orders-flex?' })).toBeVisible();
      },
      leave: async () => {
        await page.getByRole('button', { name: 'Cancel' }).click();
        await expect(page.getByRole('alertdialog')).toBeHidden();
      },
    },
    {
      name: 'settings',
      enter: async () => {
        await tab(page, 'Settings').click();
        await expect(page.getByRole('heading', { name: 'Advanced sign-in' })).toBeVisible();
      },
    },
    {
      name: 'sign-in-needed',
      enter: async () => {
        await tab(page, 'Clusters').click();
        testbed.entra.revokeRefreshTokens();
        await row().getByRole('button', { name: 'Refresh now' }).click();
        await expect(row().getByTestId('status')).toHaveText('sign-in needed');
        await closeToast(page);
      },
    },
  ];
}
