// Who pgentra signs in as: each account with its tenant, its cloud and the clusters that use it,
// sign-out per account, and the two ways to sign in (browser, or a code for another device).
import {
  Avatar,
  Button,
  Card,
  CardHeader,
  Link,
  makeStyles,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import { GlobeRegular, PhoneLaptopRegular, SignOutRegular } from '@fluentui/react-icons';
import { useEffect, useState } from 'react';
import type { AccountSnapshot, AppSnapshot, DeviceCodeInfo } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { useLayoutStyles, type OnNotice } from '../../theme/layout';

interface Props {
  snapshot: AppSnapshot;
  onNotice: OnNotice;
}

const useStyles = makeStyles({
  code: {
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeHero700,
    lineHeight: tokens.lineHeightHero700,
    fontWeight: tokens.fontWeightBold,
    letterSpacing: '4px',
    margin: `${tokens.spacingVerticalS} 0`,
  },
});

/** The clusters that sign in with this account: named for it, or left to the first account. */
function clustersOf(snapshot: AppSnapshot, account: AccountSnapshot): string[] {
  const isFirst = snapshot.accounts[0]?.id === account.id;
  return snapshot.clusters
    .filter((cluster) => cluster.account === account.username || (cluster.account === null && isFirst))
    .map((cluster) => cluster.name);
}

export function AccountsPanel({ snapshot, onNotice }: Props) {
  const styles = { ...useLayoutStyles(), ...useStyles() };
  const [deviceCode, setDeviceCode] = useState<DeviceCodeInfo | null>(null);
  const [busy, setBusy] = useState<'browser' | 'device' | 'sign-out' | null>(null);
  const [confirmDialog, confirm] = useConfirm();

  useEffect(
    () =>
      getApi().onSignInFinished((event) => {
        setDeviceCode(null);
        setBusy(null);
        onNotice(event.message, !event.ok);
      }),
    [onNotice],
  );

  const run = async (what: NonNullable<typeof busy>, work: () => Promise<void>) => {
    setBusy(what);
    try {
      await work();
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
      setBusy(null);
    }
  };
  const signOut = async (account: AccountSnapshot) => {
    // Asked before the buttons go busy, so focus can return to this one on Cancel.
    const yes = await confirm({
      title: `Sign out ${account.username}?`,
      body: "pgentra stops refreshing this account's tokens and takes them out of the pgpass file; its clusters need a new sign-in.",
      confirmLabel: 'Sign out',
      danger: true,
    });
    if (yes)
      await run('sign-out', async () => {
        await call(getApi().signOut(account.id));
        onNotice(`Signed out ${account.username}.`);
        setBusy(null);
      });
  };

  return (
    <section aria-labelledby="accounts-heading" className={styles.page}>
      {confirmDialog}
      <h2 id="accounts-heading" className={styles.pageHeading}>
        Accounts
      </h2>
      {snapshot.accounts.length === 0 ? (
        <Text className={styles.muted}>
          Not signed in. Sign in once; pgentra keeps your tokens fresh from then on.
        </Text>
      ) : (
        <ul className={styles.stack} aria-label="Signed-in accounts">
          {snapshot.accounts.map((account) => {
            const clusters = clustersOf(snapshot, account);
            return (
              <li key={account.id}>
                <Card>
                  <CardHeader
                    image={
                      <Avatar name={account.name ?? account.username} color="colorful" aria-hidden="true" />
                    }
                    header={<Text weight="semibold">{account.name ?? account.username}</Text>}
                    description={
                      <Text className={styles.muted} data-testid="account">
                        {account.username}
                      </Text>
                    }
                    action={
                      <Button
                        icon={<SignOutRegular />}
                        disabled={busy !== null}
                        onClick={() => void signOut(account)}
                      >
                        Sign out
                      </Button>
                    }
                  />
                  <dl className={styles.facts}>
                    <dt className={styles.term}>Tenant</dt>
                    <dd className={styles.value}>{account.tenantId}</dd>
                    <dt className={styles.term}>Cloud</dt>
                    <dd className={styles.value}>{snapshot.settings.cloud}</dd>
                    <dt className={styles.term}>Clusters</dt>
                    <dd className={styles.value}>{clusters.length > 0 ? clusters.join(', ') : 'none yet'}</dd>
                  </dl>
                </Card>
              </li>
            );
          })}
        </ul>
      )}
      {deviceCode ? (
        <Card role="status" data-testid="device-code">
          <Text>
            Open <Link href={deviceCode.verificationUri}>{deviceCode.verificationUri}</Link> on any device and
            enter
          </Text>
          <p className={`code ${styles.code}`}>{deviceCode.userCode}</p>
          <Text className={styles.muted}>
            <Spinner size="tiny" labelPosition="after" label="Waiting for you to finish…" />
          </Text>
        </Card>
      ) : (
        <div className={styles.actions}>
          <Button
            appearance="primary"
            icon={busy === 'browser' ? <Spinner size="tiny" /> : <GlobeRegular />}
            disabled={busy !== null}
            onClick={() =>
              void run('browser', async () => {
                const account = await call(getApi().signInBrowser());
                onNotice(`Signed in as ${account.username}.`);
                setBusy(null);
              })
            }
          >
            Sign in with browser
          </Button>
          <Button
            icon={<PhoneLaptopRegular />}
            disabled={busy !== null}
            onClick={() =>
              void run('device', async () => setDeviceCode(await call(getApi().signInDeviceCode())))
            }
          >
            Sign in with a device code
          </Button>
        </div>
      )}
    </section>
  );
}
