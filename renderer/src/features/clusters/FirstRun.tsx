// What a new person sees instead of an empty list: two steps, sign in, then add a first cluster
// (or bring them in from Azure, once that exists), each saying why, the next one to do marked.
import { Button, makeStyles, mergeClasses, Spinner, tokens } from '@fluentui/react-components';
import {
  AddRegular,
  CheckmarkCircleFilled,
  CloudArrowDownRegular,
  PersonRegular,
} from '@fluentui/react-icons';
import { useState } from 'react';
import type { AppSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useLayoutStyles, type OnNotice } from '../../theme/layout';
import { useAddFromAzure } from './add-from-azure';

interface Props {
  snapshot: AppSnapshot;
  onAdd: () => void;
  onShowAccounts: () => void;
  onNotice: OnNotice;
}

const useStyles = makeStyles({
  step: {
    display: 'grid',
    gridTemplateColumns: '32px 1fr',
    columnGap: tokens.spacingHorizontalM,
    padding: tokens.spacingVerticalL,
    borderRadius: tokens.borderRadiusLarge,
    border: `1px solid ${tokens.colorNeutralStroke2}`,
    backgroundColor: tokens.colorNeutralBackground1,
  },
  current: { border: `2px solid ${tokens.colorBrandStroke1}` },
  number: {
    width: '28px',
    height: '28px',
    borderRadius: tokens.borderRadiusCircular,
    display: 'grid',
    placeItems: 'center',
    fontWeight: tokens.fontWeightSemibold,
    backgroundColor: tokens.colorNeutralBackground3,
    color: tokens.colorNeutralForeground1,
  },
  done: { color: tokens.colorPaletteGreenForeground1, fontSize: '28px' },
  title: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  body: {
    margin: `${tokens.spacingVerticalXS} 0 ${tokens.spacingVerticalM}`,
    color: tokens.colorNeutralForeground2,
  },
});

export function FirstRun({ snapshot, onAdd, onShowAccounts, onNotice }: Props) {
  const styles = { ...useLayoutStyles(), ...useStyles() };
  const [signingIn, setSigningIn] = useState(false);
  const fromAzure = useAddFromAzure();
  const account = snapshot.accounts[0];
  const signIn = async () => {
    setSigningIn(true);
    try {
      const signedIn = await call(getApi().signInBrowser());
      onNotice(`Signed in as ${signedIn.username}.`);
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
    } finally {
      setSigningIn(false);
    }
  };
  const marker = (n: number, done: boolean) =>
    done ? (
      <CheckmarkCircleFilled className={styles.done} aria-label="Done" />
    ) : (
      <span className={styles.number} aria-hidden="true">
        {n}
      </span>
    );
  return (
    <section className={styles.page} aria-labelledby="first-run-heading">
      <h2 id="first-run-heading" className={styles.pageHeading}>
        Get started with pgentra
      </h2>
      <ol className={styles.stack}>
        <li className={mergeClasses(styles.step, !account && styles.current)}>
          {marker(1, Boolean(account))}
          <div>
            <h3 className={styles.title}>Sign in</h3>
            {account ? (
              <p className={styles.body}>Signed in as {account.username}.</p>
            ) : (
              <>
                <p className={styles.body}>
                  Not signed in. Sign in once with your Microsoft Entra ID account; pgentra keeps your
                  database tokens fresh from then on.
                </p>
                <div className={styles.actions}>
                  <Button
                    appearance="primary"
                    icon={signingIn ? <Spinner size="tiny" /> : <PersonRegular />}
                    disabled={signingIn}
                    onClick={() => void signIn()}
                  >
                    {signingIn ? 'Waiting for the browser…' : 'Sign in with browser'}
                  </Button>
                  <Button onClick={onShowAccounts}>Other ways to sign in</Button>
                </div>
              </>
            )}
          </div>
        </li>
        <li className={mergeClasses(styles.step, account && styles.current)}>
          {marker(2, false)}
          <div>
            <h3 className={styles.title}>Add your first cluster</h3>
            <p className={styles.body}>
              No clusters yet. Add one: paste its host name or connection string and pgentra works out the
              rest.
            </p>
            <div className={styles.actions}>
              <Button appearance={account ? 'primary' : 'secondary'} icon={<AddRegular />} onClick={onAdd}>
                Add a cluster
              </Button>
              {fromAzure && (
                <Button icon={<CloudArrowDownRegular />} disabled={!account} onClick={fromAzure.start}>
                  {fromAzure.label}
                </Button>
              )}
            </div>
          </div>
        </li>
      </ol>
    </section>
  );
}
