// The pgentra window in Debian Chromium, served by the preview host: the real renderer talking
// over the real IPC contract to the real core, against the offline testbed (fake Entra ID,
// PostgreSQL behind token-checking gateways, a private keyring). Each test has its own stack.
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Locator } from '@playwright/test';
import WebSocket from 'ws';
import { runCli } from '../support/testbed/cli.js';
import { conninfoOf, runPsql } from '../support/testbed/psql.js';
import {
  addForm,
  clusterItem,
  clusterMenu,
  clusterRow,
  docScreenshot,
  expect,
  expectFresh,
  openAddForm,
  openCluster,
  secondsLeft,
  seedClusters,
  signInWithDeviceCode,
  signedInAddForm,
  signedInWithFlex,
  tab,
  test,
  testbedCluster,
} from './fixtures.js';

const execFileAsync = promisify(execFile);
const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;

/** Pastes text into a focused input as a person does (a paste event carrying the clipboard's text). */
async function paste(input: Locator, text: string): Promise<void> {
  await input.focus();
  await input.evaluate((element, value) => {
    const data = new DataTransfer();
    data.setData('text/plain', value);
    element.dispatchEvent(
      new ClipboardEvent('paste', { clipboardData: data, bubbles: true, cancelable: true }),
    );
  }, text);
}

test.describe('sign-in', () => {
  // The fake Entra approves only when told to (by then the code must have been on screen).
  test.use({ deviceCodeAutoApproveAfterPolls: 10_000 });

  test('device code: the code is shown, then the sign-in finishes and the account is listed', async ({
    page,
    testbed,
  }) => {
    const notSignedIn = page.getByText('Not signed in.').filter({ visible: true });
    await expect(notSignedIn).toBeVisible();
    await tab(page, 'Accounts').click();
    await page.getByRole('button', { name: 'Sign in with a device code' }).click();

    const prompt = page.getByTestId('device-code');
    await expect(prompt.locator('.code')).toHaveText(/^[0-9A-Z]{6,12}$/);
    const code = await prompt.locator('.code').textContent();
    await expect(prompt.getByRole('link')).toHaveAttribute('href', /^https:\/\/[^/]+\/devicelogin$/);
    await expect(prompt).toContainText('Waiting for you to finish');
    // The fake Entra waits for the person; the code stays up until they approve it, even while
    // they look at another tab.
    await page.waitForTimeout(1500);
    await tab(page, 'Clusters').click();
    await tab(page, 'Accounts').click();
    await expect(prompt.locator('.code')).toHaveText(code ?? '');

    await tab(page, 'Clusters').click();
    testbed.entra.approveDeviceCode();
    await expect(page.getByRole('status')).toContainText('Signed in as alice@contoso.com.');
    await expect(notSignedIn).toBeHidden();
    await tab(page, 'Accounts').click();
    await expect(page.getByTestId('account')).toHaveText('alice@contoso.com');
    await expect(prompt).toBeHidden();
    await expect(page.getByRole('button', { name: 'Sign in with a device code' })).toBeEnabled();
  });

  test('browser: the core opens the authorize URL, the person signs in there, the account is listed', async ({
    page,
    host,
    browser,
  }) => {
    await tab(page, 'Accounts').click();
    await page.getByRole('button', { name: 'Sign in with browser' }).click();
    await expect.poll(async () => (await host.browserUrls()).length).toBe(1);
    const [url] = await host.browserUrls();
    expect(url).toMatch(/\/oauth2\/v2\.0\/authorize\?.*code_challenge=/);

    // "The system browser": a separate context that trusts nothing of the app's page.
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const idp = await context.newPage();
    await idp.goto(url ?? '');
    await expect(idp.getByText('you are signed in')).toBeVisible();
    await context.close();

    await expect(page.getByTestId('account')).toHaveText('alice@contoso.com');
    await expect(page.getByRole('status')).toContainText('Signed in as alice@contoso.com.');
  });
});

test.describe('clusters', () => {
  test('the add form infers kind and cloud from the host, prefills the user and shows the Single Server login', async ({
    page,
    testbed,
  }) => {
    await signInWithDeviceCode(page, testbed);
    const form = await openAddForm(page);

    await form.getByLabel('Name').fill('orders');
    await form.getByLabel('Host').fill('orders.postgres.database.azure.com');
    await expect(form.getByText('Flexible Server in the public cloud')).toBeVisible();
    await expect(form.getByLabel('Kind').locator('option:checked')).toHaveText('Automatic (flexible)');
    await expect(form.getByLabel('Cloud').locator('option:checked')).toHaveText('Automatic (public)');
    // The database user defaults to the signed-in account.
    const user = form.getByLabel('Database user');
    await expect(user).toHaveAttribute('placeholder', 'alice@contoso.com');
    await expect(form.getByText('Logs in as alice@contoso.com', { exact: true })).toBeVisible();

    await form.getByLabel('Host').fill('shop.postgres.cosmos.azure.com');
    await expect(form.getByText('Cosmos DB for PostgreSQL in the public cloud')).toBeVisible();

    // Single Server wants user@server: the hint shows the suffix pgentra adds.
    await form.getByLabel('Host').fill('legacy.postgres.database.azure.com');
    await form.getByLabel('Kind').selectOption('single');
    await expect(form.getByText('Single Server in the public cloud')).toBeVisible();
    await expect(form.getByText('Logs in as alice@contoso.com@legacy')).toBeVisible();
    await user.fill('bob@contoso.com');
    await expect(form.getByText('Logs in as bob@contoso.com@legacy')).toBeVisible();

    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(page.getByRole('status')).toContainText('Added orders.');
    // The dialog closes and the new cluster is the one shown.
    await expect(form).toBeHidden();
    const row = clusterRow(page, 'orders');
    await expect(row).toContainText('single · legacy.postgres.database.azure.com:5432 · postgres');
    await expect(row).toContainText('bob@contoso.com@legacy');
    // Nothing configured: the server is still verified, with the Azure roots pgentra ships.
    await expect(row.getByTestId('tls')).toContainText(
      /TLS verify-full: the server is checked against .*assets[/\\]tls[/\\]azure-public\.pem/,
    );
    await expect(tab(page, 'Clusters')).toHaveAccessibleName('Clusters (1)');
    // The form is empty again for the next one.
    await openAddForm(page);
    await expect(form.getByLabel('Name')).toHaveValue('');
  });

  test('a bad field shows its problem next to it and blocks submit; fixing it clears the problem', async ({
    page,
    testbed,
  }) => {
    await signInWithDeviceCode(page, testbed);
    const form = await openAddForm(page);
    const g = testbed.facts.gateways.flexible;

    const name = form.getByLabel('Name');
    await name.fill('my db');
    await expect(name).toHaveAttribute('aria-invalid', 'true');
    const nameProblem = form.locator(`#${await name.getAttribute('aria-describedby')}`);
    await expect(nameProblem).toContainText('no spaces');
    // One bad field does not stop the live hints for the others.
    const host = form.getByLabel('Host');
    await host.fill('orders.postgres.database.azure.com');
    await expect(form.getByText('Flexible Server in the public cloud')).toBeVisible();

    await host.fill(g.host);
    const port = form.getByLabel('Port');
    await port.fill('99999');
    await expect(port).toHaveAttribute('aria-invalid', 'true');
    const portProblem = form.locator(`#${await port.getAttribute('aria-describedby')}`);
    await expect(portProblem).toHaveText('the port is between 1 and 65535 (PostgreSQL listens on 5432)');

    // Submit is blocked: nothing is added, every problem shows (the kind of 127.0.0.1 is
    // unknown), and focus lands on the first one.
    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(name).toBeFocused();
    const kind = form.getByLabel('Kind');
    await expect(kind).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator(`#${await kind.getAttribute('aria-describedby')}`)).toContainText(
      'cannot tell the server kind',
    );
    await page.waitForTimeout(500);
    // Nothing was added: behind the dialog, the first-run guide still says so.
    await expect(page.getByText('No clusters yet.')).toBeVisible();

    // Fixing each field clears its problem.
    await name.fill('my-db');
    await expect(name).not.toHaveAttribute('aria-invalid');
    await expect(nameProblem).toBeHidden();
    await port.fill(String(g.port));
    await expect(port).not.toHaveAttribute('aria-invalid');
    await expect(portProblem).toBeHidden();
    await kind.selectOption('flexible');
    await expect(kind).not.toHaveAttribute('aria-invalid');
    await form.getByLabel('Database', { exact: true }).fill(testbed.facts.database);

    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(page.getByRole('status')).toContainText('Added my-db.');
    await expectFresh(clusterRow(page, 'my-db'));
  });

  test('a host that is neither a host name nor a connection string is one problem, on Host, not on Kind', async ({
    page,
    testbed,
  }) => {
    const form = await signedInAddForm(page, testbed);
    await form.getByLabel('Name').fill('orders');
    const host = form.getByLabel('Host');
    await host.fill('orders db.postgres.database.azure.com');
    // Past the form's 120 ms preview debounce, at a person's pace.
    await page.waitForTimeout(1_000);
    await expect(host).toHaveAttribute('aria-invalid', 'true');
    await expect(form.locator(`#${await host.getAttribute('aria-describedby')}`)).toContainText(
      'a host name has only letters',
    );
    await expect(form.getByLabel('Kind')).not.toHaveAttribute('aria-invalid');
    await expect(form.getByText(/a host name has only letters/)).toHaveCount(1);

    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(host).toBeFocused();
    await page.waitForTimeout(500);
    await expect(form.getByText(/a host name has only letters/)).toHaveCount(1);
    await expect(form.getByRole('alert')).toHaveCount(1);
    // Nothing was added: behind the dialog, the first-run guide still says so.
    await expect(page.getByText('No clusters yet.')).toBeVisible();
  });

  // Issue 12, finding 8: the portal's connection strings pasted into Host were "not a host name".
  test("pasting the portal's psql string into Host fills port, database and user, keeps what you typed, says so", async ({
    page,
    testbed,
  }) => {
    const form = await signedInAddForm(page, testbed);
    const g = testbed.facts.gateways.flexible;
    await form.getByLabel('Name').fill('pasted');
    // The person typed a database before pasting: theirs stays.
    const database = form.getByLabel('Database', { exact: true });
    await database.fill(testbed.facts.database);
    const host = form.getByLabel('Host');
    await paste(
      host,
      `psql "host=${g.host} port=${g.port} dbname=portaldb user=alice@contoso.com password=hunter2 sslmode=require"`,
    );
    await page.waitForTimeout(1_000);
    await expect(host).toHaveValue(g.host);
    await expect(form.getByLabel('Port')).toHaveValue(String(g.port));
    await expect(database).toHaveValue(testbed.facts.database);
    await expect(form.getByLabel('Database user')).toHaveValue('alice@contoso.com');
    await expect(form.getByTestId('paste-note')).toHaveText(
      'Took host, port and user from the pasted psql command; kept your database. ' +
        'The password in it was not kept: your Entra token is the password. ' +
        "Its sslmode was not taken: pgentra verifies the server's certificate (verify-full).",
    );
    await expect(host).not.toHaveAttribute('aria-invalid');
    await expect(form.getByRole('alert')).toHaveCount(0);

    // 127.0.0.1 does not tell the kind; a person picks it, then looks before clicking.
    await form.getByLabel('Kind').selectOption('flexible');
    await page.waitForTimeout(1_000);
    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(page.getByRole('status')).toContainText('Added pasted.');
    await expectFresh(clusterRow(page, 'pasted'));
    const config = await readFile(path.join(testbed.facts.pgentraHome, 'config.json'), 'utf8');
    expect(config).not.toContain('hunter2');
  });

  test('a JDBC URL typed into Host is read when you move on; Cosmos shows citus as the database', async ({
    page,
    testbed,
  }) => {
    const form = await signedInAddForm(page, testbed);
    const host = form.getByLabel('Host');
    const database = form.getByLabel('Database', { exact: true });
    await expect(database).toHaveAttribute('placeholder', 'postgres');
    await host.fill(
      'jdbc:postgresql://shop.postgres.cosmos.azure.com:5432/{your_database}?user=citus&sslmode=require',
    );
    await host.press('Tab');
    await page.waitForTimeout(1_000);
    await expect(host).toHaveValue('shop.postgres.cosmos.azure.com');
    await expect(form.getByTestId('paste-note')).toContainText(
      'Took host, port and user from the pasted JDBC URL. Its database is a placeholder: fill in your own.',
    );
    await expect(form.getByText('Cosmos DB for PostgreSQL in the public cloud')).toBeVisible();
    // The core's default for Cosmos DB for PostgreSQL is citus, not postgres.
    await expect(database).toHaveAttribute('placeholder', 'citus');
    await host.fill('orders.postgres.database.azure.com');
    await page.waitForTimeout(1_000);
    await expect(database).toHaveAttribute('placeholder', 'postgres');
    await expect(form.getByTestId('paste-note')).toHaveCount(0);
  });

  // Issue 12, finding 11: a Single Server added by IP logged in as `alice@contoso.com@127`.
  test('a Single Server by IP asks for its server name, which the login user then ends in', async ({
    page,
    testbed,
  }) => {
    const form = await signedInAddForm(page, testbed);
    const g = testbed.facts.gateways.single;
    await form.getByLabel('Name').fill('legacy');
    await expect(form.getByLabel('Server name')).toHaveCount(0);
    await form.getByLabel('Host').fill('127.0.0.1');
    await form.getByLabel('Port').fill(String(g.port));
    await form.getByLabel('Database', { exact: true }).fill(testbed.facts.database);
    await form.getByLabel('Kind').selectOption('single');
    await page.waitForTimeout(1_000);
    await expect(form.getByText(/Logs in as .*@127/)).toHaveCount(0);
    const serverName = form.getByLabel('Server name');
    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(serverName).toBeFocused();
    await expect(form.locator(`#${await serverName.getAttribute('aria-describedby')}`)).toContainText(
      "does not tell the Single Server's name",
    );
    await serverName.fill('localhost');
    await page.waitForTimeout(1_000);
    await expect(form.getByText('Logs in as alice@contoso.com@localhost', { exact: true })).toBeVisible();
    await form.getByRole('button', { name: 'Add cluster' }).click();
    await expect(page.getByRole('status')).toContainText('Added legacy.');
    await expect(clusterRow(page, 'legacy')).toContainText('alice@contoso.com@localhost');
  });

  test('Remove asks in the window: Escape keeps the cluster and gives focus back, Remove removes it', async ({
    page,
    testbed,
  }) => {
    const row = await signedInWithFlex(page, testbed);
    const more = row.getByRole('button', { name: 'More actions' });
    await clusterMenu(row, 'Remove…');
    const dialog = page.getByRole('alertdialog', { name: 'Remove flex?' });
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAccessibleDescription(/takes its token out of the pgpass file/);
    await expect(dialog.getByRole('button', { name: 'Cancel' })).toBeFocused();
    // Tab stays inside the dialog.
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await dialog.evaluate((element) => element.contains(document.activeElement))).toBe(true);
    }
    await page.keyboard.press('Escape');
    await expect(dialog).toBeHidden();
    // The menu item that asked has gone with its menu: focus is back on the menu's button.
    await expect(more).toBeFocused();
    await page.waitForTimeout(500);
    await expect(row).toBeVisible();

    await clusterMenu(row, 'Remove…');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await expect(page.getByRole('status')).toHaveText('Removed flex.');
    await expect(row).toBeHidden();
  });

  test('keyboard only: tab to Add a cluster, fill the dialog, submit with Enter', async ({
    page,
    testbed,
  }) => {
    await signInWithDeviceCode(page, testbed);
    await tab(page, 'Clusters').click();
    const g = testbed.facts.gateways.flexible;
    await page.locator('body').click({ position: { x: 1, y: 1 } });

    const add = page.getByRole('button', { name: 'Add a cluster' });
    let presses = 0;
    while (!(await add.evaluate((element) => element === document.activeElement))) {
      expect(++presses, 'Tab never reached Add a cluster').toBeLessThan(40);
      await page.keyboard.press('Tab');
    }
    await page.keyboard.press('Enter');
    // The dialog opens with focus in its first field.
    const name = addForm(page).getByLabel('Name');
    await expect(name).toBeFocused();
    await page.keyboard.type('kbd');
    await page.keyboard.press('Tab');
    await page.keyboard.type(g.host);
    await page.keyboard.press('Tab');
    await page.keyboard.type(String(g.port));
    await page.keyboard.press('Tab');
    await page.keyboard.type(testbed.facts.database);
    // User (empty: the account's UPN), the group checkbox, then the kind select.
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(addForm(page).getByLabel('Kind')).toBeFocused();
    await page.keyboard.press('ArrowDown');
    await expect(addForm(page).getByLabel('Kind')).toHaveValue('flexible');
    // Back to a text field; Enter there submits the form.
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await page.keyboard.press('Shift+Tab');
    await expect(addForm(page).getByLabel('Database', { exact: true })).toBeFocused();
    await page.keyboard.press('Enter');

    await expect(page.getByRole('status')).toContainText('Added kbd.');
    // Focus goes to the new cluster in the list, not to the top of the page.
    await expect(clusterItem(page, 'kbd')).toBeFocused();
    await expect(clusterRow(page, 'kbd')).toContainText(
      `flexible · ${g.host}:${g.port} · appdb · alice@contoso.com`,
    );
    await expectFresh(clusterRow(page, 'kbd'));
  });

  test('a cluster added in the window works for psql through the pgpass file the app keeps', async ({
    page,
    testbed,
    stackEnv,
  }) => {
    const row = await signedInWithFlex(page, testbed);
    // An hour-long token counts in minutes (seconds only in its last ten minutes), in the list too.
    await expect(row.getByTestId('countdown')).toHaveText(/^(59 min|1 h 00 min)$/);
    await expect(clusterItem(page, 'flex')).toContainText(/59 min|1 h 00 min/);
    // The testbed's cloud brings its CA, so psql verifies the gateway's certificate.
    await expect(clusterRow(page, 'flex').getByTestId('tls')).toHaveText(
      `TLS verify-full: the server is checked against ${testbed.facts.caFile}`,
    );
    const g = testbed.facts.gateways.flexible;
    const conninfo = conninfoOf({
      host: g.host,
      port: g.port,
      dbname: testbed.facts.database,
      user: 'alice@contoso.com',
      sslmode: 'verify-full',
      sslrootcert: testbed.facts.caFile,
    });
    await expect
      .poll(
        async () =>
          (await runPsql(conninfo, 'select current_user', { PGPASSFILE: stackEnv.PGPASSFILE ?? '' })).stdout,
      )
      .toBe('alice@contoso.com');
  });
});

test.describe('tokens', () => {
  // Short tokens: a refresh visibly moves the countdown (and half-life refresh is a minute away).
  test.use({ tokenLifetimeSec: 120 });

  test('the countdown falls, and jumps back up after Refresh now', async ({ page, testbed }) => {
    const row = await signedInWithFlex(page, testbed);
    await expect(row.getByTestId('countdown')).toHaveText(/^[12]:\d\d$/);
    await expect(row.getByRole('timer')).toHaveAccessibleName(/^time left: [12]:\d\d$/);

    const first = await secondsLeft(row);
    await page.waitForTimeout(2500);
    const second = await secondsLeft(row);
    expect(first).not.toBeNull();
    expect(second).not.toBeNull();
    expect(second ?? 0).toBeLessThan(first ?? 0);
    expect(first ?? 0).toBeLessThanOrEqual(120);

    await page.waitForTimeout(2000);
    const beforeRefresh = (await secondsLeft(row)) ?? 0;
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect.poll(() => secondsLeft(row)).toBeGreaterThan(beforeRefresh + 2);
    await expect(row).toContainText(/refreshed \d s ago/);
  });

  test('revoked refresh tokens: the card says a sign-in is needed in plain words and its Sign in button fixes it', async ({
    page,
    testbed,
    host,
    browser,
  }) => {
    const row = await signedInWithFlex(page, testbed);

    testbed.entra.revokeRefreshTokens();
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(row.getByTestId('status')).toHaveText('sign-in needed');
    await expect(page.getByRole('status')).toHaveText(
      'Refresh of flex failed: sign-in needed: use Sign in on its card.',
    );
    const error = row.getByTestId('error');
    await expect(error).toContainText('Sign-in needed: your Entra sign-in expired or was revoked.');
    // Entra's own text (AADSTS code, trace and correlation IDs) only behind Details.
    await expect(error.getByText(/AADSTS/)).toBeHidden();
    await error.getByText('Details').click();
    await expect(error.getByText(/AADSTS/)).toBeVisible();

    await row.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(async () => (await host.browserUrls()).length).toBe(1);
    const context = await browser.newContext({ ignoreHTTPSErrors: true });
    const idp = await context.newPage();
    await idp.goto((await host.browserUrls())[0] ?? '');
    await expect(idp.getByText('you are signed in')).toBeVisible();
    await context.close();
    await expect(page.getByRole('status')).toHaveText('Signed in as alice@contoso.com.');
    await expectFresh(row);
    await expect(row.getByTestId('error')).toBeHidden();
  });

  test('Entra answering 503: Refresh now says so, and the card shows the failure while the old token works', async ({
    page,
    testbed,
  }) => {
    const row = await signedInWithFlex(page, testbed);

    testbed.entra.injectFault({ endpoint: 'token', kind: 'http-503' });
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(page.getByRole('status')).toHaveText(
      /^Refresh of flex failed: Entra ID did not answer\. The current token still works for \d+ min; pgentra keeps retrying\.$/,
    );
    // Still fresh (the old token opens connections), but no longer silent about it.
    await expect(row.getByTestId('status')).toHaveText('fresh');
    const error = row.getByTestId('error');
    await expect(error).toContainText(/^Refresh failed — \d+ min left — retrying at \d\d:\d\d/);
    await expect(error).toContainText('Entra ID did not answer.');

    testbed.entra.clearFaults();
    await row.getByRole('button', { name: 'Refresh now' }).click();
    await expect(page.getByRole('status')).toHaveText('Refreshed flex.');
    await expect(error).toBeHidden();
  });

  test('Copy token puts a JWT on the clipboard and says when it is cleared', async ({
    page,
    testbed,
    host,
  }) => {
    const row = await signedInWithFlex(page, testbed);

    await clusterMenu(row, 'Copy token');
    await expect(page.getByRole('status')).toHaveText('Token copied; it leaves the clipboard in 30 s.');
    const token = await host.clipboardText();
    expect(token).toMatch(JWT);
    expect(await host.clipboardSecret()).toBe(true);
    const claims = JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString()) as {
      aud: string;
      upn: string;
    };
    expect(claims).toMatchObject({ aud: testbed.facts.gateways.flexible.resource, upn: 'alice@contoso.com' });
    // The window itself never holds the token.
    expect(await page.content()).not.toContain(token);
  });

  test('Open psql and Open in pgAdmin reach the launchers; Copy connection string has no token', async ({
    page,
    testbed,
    host,
  }) => {
    const row = await signedInWithFlex(page, testbed);

    // psql is the main button until the person picks pgAdmin; the other one is in the menu.
    await row.getByRole('button', { name: 'Open psql' }).click();
    await expect.poll(() => host.launches()).toEqual([{ tool: 'psql', cluster: 'flex' }]);
    await clusterMenu(row, 'Open in pgAdmin');
    await expect(page.getByRole('status')).toContainText('pgAdmin would open flex');
    await clusterMenu(row, 'Copy connection string');
    await expect(page.getByRole('status')).toContainText('Connection string copied (it contains no token).');
    const conninfo = await host.clipboardText();
    expect(conninfo).toContain(`port=${testbed.facts.gateways.flexible.port}`);
    expect(conninfo).not.toMatch(/eyJ/);

    // Picking pgAdmin as the main button keeps it, also after the window reloads.
    await row.getByRole('button', { name: 'More actions' }).click();
    await page.getByRole('menuitemradio', { name: 'Open in pgAdmin' }).click();
    await expect(row.getByRole('button', { name: 'Open in pgAdmin' })).toBeVisible();
    await page.reload();
    await expect(clusterRow(page, 'flex').getByRole('button', { name: 'Open in pgAdmin' })).toBeVisible();
    await expect(clusterRow(page, 'flex').getByRole('button', { name: 'Open psql' })).toHaveCount(0);
  });
});

test.describe('window', () => {
  test('the tabs (a vertical list) move with the arrow keys, Home and End, and are one tab stop', async ({
    page,
  }) => {
    const clusters = tab(page, 'Clusters');
    await expect(page.getByRole('tablist', { name: 'Sections' })).toHaveAttribute(
      'aria-orientation',
      'vertical',
    );
    await clusters.focus();
    await page.keyboard.press('ArrowDown');
    await expect(tab(page, 'Accounts')).toBeFocused();
    await expect(tab(page, 'Accounts')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByRole('tabpanel', { name: 'Accounts' })).toBeVisible();
    await page.keyboard.press('End');
    await expect(tab(page, 'Settings')).toBeFocused();
    await expect(page.getByRole('tabpanel', { name: 'Settings' })).toBeVisible();
    await page.keyboard.press('ArrowDown');
    await expect(clusters).toBeFocused();
    await page.keyboard.press('ArrowUp');
    await expect(tab(page, 'Settings')).toHaveAttribute('aria-selected', 'true');
    await page.keyboard.press('Home');
    await expect(clusters).toHaveAttribute('aria-selected', 'true');
    // One tab stop: Tab leaves the tab list for the section it shows, Shift+Tab comes back.
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.getAttribute('role'))).not.toBe('tab');
    await page.keyboard.press('Shift+Tab');
    await expect(clusters).toBeFocused();
  });

  test('the cluster list: a click or the arrow keys pick a cluster, the detail follows, one tab stop', async ({
    page,
    testbed,
  }) => {
    await signInWithDeviceCode(page, testbed);
    await seedClusters(page, [testbedCluster(testbed, 'alpha'), testbedCluster(testbed, 'beta', 'cosmos')]);
    const [alpha, beta] = [clusterItem(page, 'alpha'), clusterItem(page, 'beta')];
    // The first cluster is shown until the person picks another.
    await expect(alpha).toHaveAttribute('aria-current', 'true');
    await expect(clusterRow(page, 'alpha')).toContainText('flexible · ');

    const detail = await openCluster(page, 'beta');
    await expect(detail).toContainText('cosmos · ');
    await expect(clusterRow(page, 'alpha')).toHaveCount(0);
    await expect(beta).toHaveAttribute('aria-current', 'true');
    await expect(alpha).not.toHaveAttribute('aria-current');

    await beta.focus();
    await page.keyboard.press('ArrowUp');
    await expect(alpha).toBeFocused();
    await expect(clusterRow(page, 'alpha')).toBeVisible();
    await page.keyboard.press('End');
    await expect(beta).toBeFocused();
    await expect(clusterRow(page, 'beta')).toBeVisible();
    // One tab stop: Tab leaves the list for the selected cluster's buttons.
    await page.keyboard.press('Tab');
    await expect(clusterRow(page, 'beta').getByRole('button', { name: 'Open psql' })).toBeFocused();
  });

  test('Sign out asks first; Cancel keeps the account', async ({ page, testbed }) => {
    await signInWithDeviceCode(page, testbed);
    const signOut = page.getByRole('button', { name: 'Sign out' });
    await signOut.click();
    const dialog = page.getByRole('alertdialog', { name: 'Sign out alice@contoso.com?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(dialog).toBeHidden();
    await expect(signOut).toBeFocused();
    await page.waitForTimeout(500);
    await expect(page.getByTestId('account')).toHaveText('alice@contoso.com');
    await signOut.click();
    await dialog.getByRole('button', { name: 'Sign out' }).click();
    await expect(page.getByRole('status')).toHaveText('Signed out alice@contoso.com.');
    await expect(page.getByTestId('account')).toBeHidden();
  });

  test("the tray's Settings… and Open pgentra… open the window at that section", async ({ page, host }) => {
    await expect(tab(page, 'Clusters')).toHaveAttribute('aria-selected', 'true');
    await host.showView('settings');
    await expect(tab(page, 'Settings')).toHaveAttribute('aria-selected', 'true');
    await expect(page.getByLabel('Refresh this many minutes before expiry')).toBeVisible();
    await host.showView('clusters');
    await expect(tab(page, 'Clusters')).toHaveAttribute('aria-selected', 'true');
  });
});

test.describe('editing', () => {
  test('editing a cluster in the window keeps what only the CLI sets; the tenant can be cleared there', async ({
    page,
    testbed,
    stackEnv,
  }) => {
    await signInWithDeviceCode(page, testbed);
    const g = testbed.facts.gateways.flexible;
    const added = await runCli(
      [
        'cluster',
        'add',
        'guest',
        '--host',
        g.host,
        '--port',
        String(g.port),
        '--kind',
        'flexible',
        '--tenant',
        'organizations',
        '--sslrootcert',
        testbed.facts.caFile,
      ],
      stackEnv,
    );
    expect(added.code, added.stderr).toBe(0);
    // The window picks up a cluster added from the CLI by itself (config reload, 15 s).
    await expect(tab(page, 'Clusters')).toHaveAccessibleName('Clusters (1)', { timeout: 30_000 });
    await tab(page, 'Clusters').click();
    const row = clusterRow(page, 'guest');
    await clusterMenu(row, 'Edit…');
    const form = page.getByRole('form', { name: 'Edit guest' });
    await form.getByLabel('Database', { exact: true }).fill('postgres');
    // At a person's pace: the form's own name must not count as a duplicate once the preview ran
    // (its login hint shows only then, so this waits for the preview, not just for time).
    await page.waitForTimeout(1_000);
    await expect(form.getByText('Logs in as alice@contoso.com', { exact: true })).toBeVisible();
    await expect(form.getByRole('alert')).toHaveCount(0);
    await form.getByRole('button', { name: /Save/ }).click();
    await expect(page.getByRole('status')).toContainText('Saved guest.');
    const config = JSON.parse(
      await readFile(path.join(testbed.facts.pgentraHome, 'config.json'), 'utf8'),
    ) as {
      clusters: { name: string; database: string; tenant?: string; sslRootCert?: string }[];
    };
    expect(config.clusters.find((c) => c.name === 'guest')).toMatchObject({
      database: 'postgres',
      tenant: 'organizations',
      sslRootCert: testbed.facts.caFile,
    });

    // The tenant is in the form too; clearing it there takes it away.
    await clusterMenu(row, 'Edit…');
    const tenant = form.getByLabel("Server's tenant (guest access)");
    await expect(tenant).toHaveValue('organizations');
    await tenant.fill('');
    await page.waitForTimeout(1_000);
    await form.getByRole('button', { name: /Save/ }).click();
    const saved = async () =>
      (
        JSON.parse(await readFile(path.join(testbed.facts.pgentraHome, 'config.json'), 'utf8')) as {
          clusters: { name: string; tenant?: string; sslRootCert?: string }[];
        }
      ).clusters.find((c) => c.name === 'guest');
    await expect.poll(async () => (await saved())?.tenant ?? 'cleared').toBe('cleared');
    expect((await saved())?.sslRootCert).toBe(testbed.facts.caFile);
  });
});

test.describe('settings', () => {
  test('a bad setting names its field as the form does and marks it invalid; saving is refused', async ({
    page,
  }) => {
    await tab(page, 'Settings').click();
    const margin = page.getByLabel('Refresh this many minutes before expiry');
    await margin.fill('0');
    await expect(page.getByRole('alert')).toHaveText(
      'Refresh this many minutes before expiry: at least 1 minute',
    );
    await expect(margin).toHaveAttribute('aria-invalid', 'true');
    await expect(margin).toHaveAccessibleDescription(
      'Refresh this many minutes before expiry: at least 1 minute',
    );
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).not.toContainText('Settings saved.');
    await margin.fill('20');
    await expect(page.getByRole('alert')).toBeHidden();
    await expect(margin).not.toHaveAttribute('aria-invalid', 'true');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toContainText('Settings saved.');
  });

  test('moving the pgpass file writes the tokens there at once and takes them out of the old one', async ({
    page,
    testbed,
    stackEnv,
    host,
  }) => {
    await signedInWithFlex(page, testbed);
    const oldFile = stackEnv.PGPASSFILE ?? '';
    await expect
      .poll(async () => (await readFile(oldFile, 'utf8').catch(() => '')).includes(':alice@contoso.com:'))
      .toBe(true);

    const newFile = path.join(path.dirname(oldFile), 'moved.pgpass');
    await tab(page, 'Settings').click();
    await host.willChoose(newFile);
    await page.getByRole('group', { name: 'pgpass file' }).getByRole('button', { name: 'Choose…' }).click();
    await expect(page.getByRole('status')).toHaveText(`pgpass file: ${newFile}`);
    // No refresh is due for an hour: the new file is written by the save itself.
    await expect
      .poll(async () => (await readFile(newFile, 'utf8').catch(() => '')).includes(':alice@contoso.com:'))
      .toBe(true);
    expect(await readFile(oldFile, 'utf8')).not.toContain('pgentra managed block');
  });
});

test.describe('trust', () => {
  test("adopting a pgpass file of someone else's lines needs a yes in the window", async ({
    page,
    host,
    stackEnv,
  }) => {
    const theirs = path.join(stackEnv.HOME ?? '', 'team.pgpass');
    await writeFile(theirs, 'db1:5432:*:bob:secret\ndb2:5432:*:bob:other\n', { mode: 0o600 });
    await tab(page, 'Settings').click();
    const pgpass = page.getByRole('group', { name: 'pgpass file' });
    await host.willChoose(theirs);
    await pgpass.getByRole('button', { name: 'Choose…' }).click();
    const dialog = page.getByRole('alertdialog', { name: 'Use this pgpass file?' });
    await expect(dialog).toHaveAccessibleDescription(
      `${theirs} has 2 lines not written by pgentra; pgentra will add its block at the top — continue?`,
    );
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await expect(page.getByRole('status')).toHaveText('The pgpass file was not changed.');
    await expect(pgpass.getByTestId('pgpass-value')).toContainText('(the default)');
    expect(await readFile(theirs, 'utf8')).toBe('db1:5432:*:bob:secret\ndb2:5432:*:bob:other\n');

    await host.willChoose(theirs);
    await pgpass.getByRole('button', { name: 'Choose…' }).click();
    await dialog.getByRole('button', { name: 'Use this file' }).click();
    await expect(page.getByRole('status')).toHaveText(`pgpass file: ${theirs}`);
    await expect(pgpass.getByTestId('pgpass-value')).toHaveText(theirs);
  });

  test('the window cannot set a program or a path: the channel refuses them, naming the field', async ({
    page,
  }) => {
    const refused = await page.evaluate(async () => {
      const api = window.pgentra;
      if (!api) throw new Error('window.pgentra is missing');
      const shell = await api.updateSettings({ terminal: ['sh', '-c', 'touch /tmp/pwned'] } as never);
      const path = await api.updateSettings({ pgpassPath: '/etc/passwd' } as never);
      return [shell, path];
    });
    expect(refused).toEqual([
      { ok: false, code: 'invalid-argument', message: expect.stringMatching(/^terminal\.0: /) },
      { ok: false, code: 'invalid-argument', message: expect.stringMatching(/^pgpassPath: /) },
    ]);
    await tab(page, 'Settings').click();
    const terminal = page.getByLabel('Terminal for psql');
    await terminal.selectOption('xterm');
    await page.getByRole('button', { name: 'Save settings' }).click();
    await expect(page.getByRole('status')).toHaveText('Settings saved.');
    await expect(page.getByLabel('Terminal for psql')).toHaveValue('xterm');
  });
});

test.describe('command line', () => {
  test('Install the pgentra command puts a launcher on PATH that runs the CLI', async ({
    page,
    stackEnv,
  }) => {
    await tab(page, 'Settings').click();
    await page.getByRole('button', { name: 'Install the pgentra command' }).click();
    const shim = path.join(stackEnv.HOME ?? '', '.local', 'bin', 'pgentra');
    await expect(page.getByRole('status')).toContainText(`Installed ${shim}`);
    const { stdout } = await execFileAsync('/bin/sh', ['-c', 'pgentra cluster --help'], {
      env: { PATH: `${path.dirname(shim)}:/usr/bin:/bin`, HOME: stackEnv.HOME },
    });
    expect(stdout).toMatch(/^Usage: pgentra cluster/m);
  });
});

test.describe('preview host', () => {
  test('refuses WebSockets from any other origin', async ({ host }) => {
    // With this run's key: the origin check alone is what is under test here.
    const cookie = `pgentra-preview-${host.port}=${new URL(host.url).searchParams.get('key') ?? ''}`;
    const attempt = (origin: string) =>
      new Promise<string>((resolve) => {
        const socket = new WebSocket(`ws://127.0.0.1:${host.port}/ipc`, { origin, headers: { cookie } });
        socket.on('open', () => {
          socket.send(JSON.stringify({ id: 1, channel: 'app:snapshot', args: [] }));
        });
        socket.on('message', () => {
          socket.close();
          resolve('answered');
        });
        socket.on('unexpected-response', (_request, response) => resolve(`refused ${response.statusCode}`));
        socket.on('error', (error) => resolve(`error ${error.message}`));
      });
    expect(await attempt('http://evil.example')).toBe('refused 403');
    expect(await attempt(`http://localhost:${host.port}`)).toBe('refused 403');
    expect(await attempt(`http://127.0.0.1:${host.port}`)).toBe('answered');
  });
});

test.describe('screenshots', () => {
  test('the window in light and dark', async ({ page, testbed }, testInfo) => {
    await page.setViewportSize({ width: 960, height: 820 });
    await signInWithDeviceCode(page, testbed);
    await seedClusters(page, [
      testbedCluster(testbed, 'orders-flex'),
      testbedCluster(testbed, 'shop-cosmos', 'cosmos'),
    ]);
    for (const name of ['orders-flex', 'shop-cosmos']) await expectFresh(clusterItem(page, name));
    await page.getByRole('button', { name: 'Close the message' }).click();
    await page.mouse.move(0, 0);

    for (const colorScheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme });
      const background = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      if (colorScheme === 'dark') expect(background).not.toBe('rgb(255, 255, 255)');
      await docScreenshot(page, `window-${colorScheme}`, (name, body) => testInfo.attach(name, body));
    }
  });
});
