// The window's Azure side against the testbed's fake Azure Resource Manager, as a person uses it:
// "Add from Azure" finds the servers the account can see, says which subscription could not be
// read, and adds the ones ticked; a cluster's "Check connection" shows each problem with its fix,
// and "Allow my IP" shows the rule, adds it only after a yes, and the check then passes.
import type { Page } from '@playwright/test';
import { SUBSCRIPTIONS } from '../support/testbed/fake-arm/world.js';
import { clusterItem, expect, signInWithDeviceCode, signedInWithFlex, tab, test } from './fixtures.js';

function azureDialog(page: Page) {
  return page.getByRole('dialog', { name: 'Add from Azure' });
}

test.describe('Add from Azure', () => {
  test('finds the servers, names the subscription that failed, and adds the two ticked', async ({
    page,
    testbed,
  }) => {
    // The development subscription refuses to list its servers; production still answers.
    testbed.arm.injectFault({
      pathIncludes: `/subscriptions/${SUBSCRIPTIONS.dev}/providers`,
      status: 403,
      times: 50,
    });
    // Everything the page hears from the core, from a fresh load on: no token may be in it.
    const heard: string[] = [];
    page.on('websocket', (socket) =>
      socket.on('framereceived', (frame) => heard.push(String(frame.payload))),
    );
    await page.reload();
    await signInWithDeviceCode(page, testbed);
    await tab(page, 'Clusters').click();
    await page.getByRole('button', { name: 'Add from Azure' }).click();

    const dialog = azureDialog(page);
    await expect(dialog).toBeVisible();
    const servers = dialog.getByRole('table', { name: 'Servers found in Azure' });
    await expect(servers.getByTestId('azure-server-pg-flex')).toBeVisible();
    for (const name of ['pg-elastic', 'pg-reporting', 'pg-cosmos'])
      await expect(servers.getByTestId(`azure-server-${name}`)).toBeVisible();
    await expect(dialog.getByTestId('azure-failed-subscriptions')).toContainText('Contoso Development');
    await expect(servers.getByTestId('azure-server-pg-private')).toHaveCount(0);
    const flexRow = servers.getByTestId('azure-server-pg-flex');
    await expect(flexRow).toContainText('Flexible Server');
    await expect(flexRow).toContainText('westeurope');
    await expect(flexRow).toContainText('Ready');
    await expect(flexRow).toContainText('Public (1 firewall rule)');
    await expect(servers.getByTestId('azure-server-pg-elastic')).toContainText('elastic cluster (4 nodes)');

    const add = dialog.getByRole('button', { name: /^Add/ });
    await expect(add).toBeDisabled();
    // Search narrows the list; a tick survives a new search.
    const search = dialog.getByRole('searchbox', { name: 'Search servers' });
    await search.fill('cosmos');
    await expect(servers.getByRole('row')).toHaveCount(2);
    await dialog.getByRole('checkbox', { name: 'Select pg-cosmos' }).check();
    await search.fill('pg-flex');
    await expect(servers.getByTestId('azure-server-pg-cosmos')).toHaveCount(0);
    // By keyboard: Space ticks the focused box.
    await dialog.getByRole('checkbox', { name: 'Select pg-flex' }).focus();
    await page.keyboard.press('Space');
    await expect(dialog.getByRole('checkbox', { name: 'Select pg-flex' })).toBeChecked();
    await search.fill('');
    await expect(dialog.getByRole('checkbox', { name: 'Select pg-cosmos' })).toBeChecked();
    await expect(dialog.getByRole('checkbox', { name: 'Select pg-elastic' })).not.toBeChecked();

    await expect(add).toHaveText('Add 2 servers');
    await add.click();
    await expect(dialog).toBeHidden();
    // In the order the table lists them (Azure's order).
    await expect(page.getByTestId('toast')).toContainText(
      /Added (pg-flex and pg-cosmos|pg-cosmos and pg-flex)\./,
    );
    await expect(clusterItem(page, 'pg-flex')).toBeVisible();
    await expect(clusterItem(page, 'pg-cosmos')).toBeVisible();
    await expect(clusterItem(page, 'pg-elastic')).toHaveCount(0);
    // The first one added is selected, its detail open.
    await expect(page.getByRole('heading', { level: 2, name: /^pg-(flex|cosmos)/ })).toBeVisible();

    // Adding one again is refused in plain words on its row, and nothing else changes.
    await page.getByRole('button', { name: 'Add from Azure' }).click();
    await expect(dialog.getByText('Already in your list as pg-flex')).toBeVisible();
    await dialog.getByRole('checkbox', { name: 'Select pg-flex' }).check();
    await dialog.getByRole('button', { name: 'Add 1 server' }).click();
    await expect(dialog.getByTestId('azure-server-pg-flex').getByRole('alert')).toContainText(
      /^Not added: .*pg-flex/,
    );
    await expect(page.getByTestId('toast')).toContainText('Nothing was added.');
    await dialog.getByRole('button', { name: 'Close', exact: true }).click();
    await expect(dialog).toBeHidden();
    expect(heard.some((frame) => frame.includes('pg-elastic'))).toBe(true);
    expect(heard.join('\n')).not.toMatch(/eyJ[\w-]{20,}\./);
  });
});

test.describe('checks before connecting', () => {
  test('a closed firewall and a missing role show their fixes; Allow my IP after a yes makes the check pass', async ({
    page,
    testbed,
  }) => {
    const detail = await signedInWithFlex(page, testbed);
    const server = testbed.arm.findServer('pg-flex');
    const bob = testbed.facts.users.find((user) => user.upn === 'bob@contoso.com');
    server.firewallRules = [];
    server.admins = [{ principalName: 'bob@contoso.com', objectId: bob?.oid ?? '', principalType: 'User' }];

    const checks = detail.getByTestId('azure-checks');
    await checks.getByRole('button', { name: 'Check connection' }).click();
    const network = checks.getByTestId('check-network');
    await expect(network.getByTestId('check-status')).toHaveText('Problem');
    await expect(network).toContainText(
      'Your public IP 203.0.113.7 is not allowed by any firewall rule of pg-flex',
    );
    await expect(network).toContainText('Add a rule for your address');
    await expect(checks.getByTestId('check-state').getByTestId('check-status')).toHaveText('Passed');
    const principal = checks.getByTestId('check-principal');
    await expect(principal.getByTestId('check-status')).toHaveText('Warning');
    await expect(principal).toContainText('Ask bob@contoso.com to connect to the postgres database');
    await expect(principal.getByLabel('SQL for an administrator')).toContainText(
      "pgaadauth_create_principal('alice@contoso.com'",
    );

    // Asked first, with the rule's name and range; Cancel changes nothing in Azure.
    await checks.getByRole('button', { name: 'Allow my IP…' }).click();
    const confirm = page.getByRole('alertdialog', { name: 'Allow 203.0.113.7 on pg-flex?' });
    await expect(confirm).toContainText('"pgentra-alice-203-0-113-7" for 203.0.113.7');
    await confirm.getByRole('button', { name: 'Cancel' }).click();
    await expect(confirm).toBeHidden();
    expect(server.firewallRules).toEqual([]);

    await checks.getByRole('button', { name: 'Allow my IP…' }).click();
    await confirm.getByRole('button', { name: 'Add the rule' }).click();
    await expect(page.getByTestId('toast')).toContainText(
      'Added firewall rule pgentra-alice-203-0-113-7 (203.0.113.7) to pg-flex.',
    );
    await expect(network.getByTestId('check-status')).toHaveText('Passed');
    await expect(network).toContainText('allowed by firewall rule pgentra-alice-203-0-113-7');
    expect(server.firewallRules.map((rule) => rule.name)).toEqual(['pgentra-alice-203-0-113-7']);

    // And removed again, also after a yes.
    await checks.getByRole('button', { name: 'Remove rule pgentra-alice-203-0-113-7…' }).click();
    await page
      .getByRole('alertdialog', { name: 'Remove firewall rule pgentra-alice-203-0-113-7?' })
      .getByRole('button', { name: 'Remove the rule' })
      .click();
    await expect(page.getByTestId('toast')).toContainText(
      'Removed firewall rule pgentra-alice-203-0-113-7 from pg-flex.',
    );
    await expect(network.getByTestId('check-status')).toHaveText('Problem');
    expect(server.firewallRules).toEqual([]);
  });
});
