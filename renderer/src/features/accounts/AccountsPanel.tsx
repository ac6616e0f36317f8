import { useEffect, useState } from 'react';
import type { AppSnapshot, DeviceCodeInfo } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';

interface Props {
  snapshot: AppSnapshot;
  onNotice: (message: string, isError?: boolean, details?: readonly string[]) => void;
}

export function AccountsPanel({ snapshot, onNotice }: Props) {
  const [deviceCode, setDeviceCode] = useState<DeviceCodeInfo | null>(null);
  const [busy, setBusy] = useState(false);
  const [confirmDialog, confirm] = useConfirm();

  useEffect(
    () =>
      getApi().onSignInFinished((event) => {
        setDeviceCode(null);
        setBusy(false);
        onNotice(event.message, !event.ok);
      }),
    [onNotice],
  );

  const run = async (work: () => Promise<void>) => {
    setBusy(true);
    try {
      await work();
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
      setBusy(false);
    }
  };

  return (
    <section aria-labelledby="accounts-heading" className="panel">
      {confirmDialog}
      <h2 id="accounts-heading">Accounts</h2>
      {snapshot.accounts.length === 0 ? (
        <p className="empty">Not signed in. Sign in once; pgentra keeps your tokens fresh from then on.</p>
      ) : (
        <ul className="accounts">
          {snapshot.accounts.map((account) => (
            <li key={account.id}>
              <span data-testid="account">{account.username}</span>{' '}
              <span className="muted">tenant {account.tenantId}</span>
              <button
                // Asked before the buttons go busy, so focus can return to this one on Cancel.
                onClick={async () => {
                  const yes = await confirm({
                    title: `Sign out ${account.username}?`,
                    body: "pgentra stops refreshing this account's tokens and takes them out of the pgpass file; its clusters need a new sign-in.",
                    confirmLabel: 'Sign out',
                    danger: true,
                  });
                  if (yes)
                    await run(async () => {
                      await call(getApi().signOut(account.id));
                      onNotice(`Signed out ${account.username}.`);
                      setBusy(false);
                    });
                }}
                disabled={busy}
              >
                Sign out
              </button>
            </li>
          ))}
        </ul>
      )}
      {deviceCode ? (
        <div className="device-code" role="status" data-testid="device-code">
          <p>
            Open <a href={deviceCode.verificationUri}>{deviceCode.verificationUri}</a> on any device and enter
          </p>
          <p className="code">{deviceCode.userCode}</p>
          <p className="muted">Waiting for you to finish…</p>
        </div>
      ) : (
        <div className="actions">
          <button
            className="primary"
            disabled={busy}
            onClick={() =>
              run(async () => {
                const account = await call(getApi().signInBrowser());
                onNotice(`Signed in as ${account.username}.`);
                setBusy(false);
              })
            }
          >
            Sign in with browser
          </button>
          <button
            disabled={busy}
            onClick={() => run(async () => setDeviceCode(await call(getApi().signInDeviceCode())))}
          >
            Sign in with a device code
          </button>
        </div>
      )}
    </section>
  );
}
