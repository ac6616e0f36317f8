// The selected cluster: its state and time left, its one main button (Open psql or Open in
// pgAdmin, the person's choice), Refresh now, and everything else in the "More actions" menu.
import {
  Button,
  makeStyles,
  Menu,
  mergeClasses,
  MenuDivider,
  MenuGroup,
  MenuGroupHeader,
  MenuItem,
  MenuItemRadio,
  MenuList,
  MenuPopover,
  MenuTrigger,
  Spinner,
  Text,
  tokens,
} from '@fluentui/react-components';
import {
  ArrowClockwiseRegular,
  CopyRegular,
  DeleteRegular,
  EditRegular,
  KeyRegular,
  MoreHorizontalRegular,
  OpenRegular,
} from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import type { ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { clusterLevel, formatCountdown } from '../../../../electron/shared/time-left';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { formatAgo } from '../../components/countdown';
import { useLayoutStyles, type OnNotice } from '../../theme/layout';
import { ErrorNotice } from '../../components/ErrorNotice';
import { clusterActions, inUserWords, needsSignIn, type ActionId } from './cluster-actions';
import { useMainAction } from './main-action';
import { AzureChecks } from './AzureChecks';
import { StateBadge } from './StateBadge';

interface Props {
  cluster: ClusterSnapshot;
  now: number;
  onEdit: () => void;
  onNotice: OnNotice;
}

const KIND_NAMES: Record<ClusterSnapshot['kind'], string> = {
  flexible: 'Flexible Server',
  single: 'Single Server',
  cosmos: 'Cosmos DB for PostgreSQL',
};

const useStyles = makeStyles({
  root: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalL, maxWidth: '720px' },
  head: { display: 'flex', alignItems: 'flex-start', gap: tokens.spacingHorizontalM },
  title: { display: 'flex', flexDirection: 'column', gap: tokens.spacingVerticalXXS, minWidth: 0 },
  name: {
    margin: 0,
    fontSize: tokens.fontSizeBase500,
    lineHeight: tokens.lineHeightBase500,
    fontWeight: tokens.fontWeightSemibold,
    display: 'flex',
    alignItems: 'center',
    gap: tokens.spacingHorizontalS,
  },
  meta: { color: tokens.colorNeutralForeground2, overflowWrap: 'anywhere' },
  timeLeft: { marginLeft: 'auto', textAlign: 'right', flexShrink: 0 },
  countdown: {
    fontSize: tokens.fontSizeBase600,
    lineHeight: tokens.lineHeightBase600,
    fontWeight: tokens.fontWeightSemibold,
    fontVariantNumeric: 'tabular-nums',
  },
  factsRule: {
    rowGap: tokens.spacingVerticalS,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  // Fluent's own group header grey is below 4.5:1 on the menu's background.
  groupHeader: { color: tokens.colorNeutralForeground2 },
});

export function ClusterDetail({ cluster, now, onEdit, onNotice }: Props) {
  const styles = { ...useLayoutStyles(), ...useStyles() };
  const [busy, setBusy] = useState<ActionId | 'sign-in' | 'remove' | null>(null);
  const [confirmDialog, confirm] = useConfirm();
  const [main, chooseMain] = useMainAction();
  const more = useRef<HTMLButtonElement>(null);
  const secondsLeft = cluster.expiresAt ? Math.max(0, Math.floor((cluster.expiresAt - now) / 1000)) : null;
  const level = clusterLevel(cluster.status, cluster.expiresAt === null ? null : cluster.expiresAt - now);
  const actions = clusterActions(cluster, secondsLeft);
  const api = getApi();

  const act = async (id: NonNullable<typeof busy>, work: () => Promise<string | void>) => {
    setBusy(id);
    try {
      const message = await work();
      if (message) onNotice(message);
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
    } finally {
      setBusy(null);
    }
  };
  const button = (id: ActionId, appearance: 'primary' | 'secondary', icon: React.ReactElement) => (
    <Button
      appearance={appearance}
      icon={busy === id ? <Spinner size="tiny" /> : icon}
      disabled={busy !== null}
      onClick={() => void act(id, actions[id].run)}
    >
      {busy === id ? actions[id].busyLabel : actions[id].label}
    </Button>
  );
  const other = main === 'psql' ? 'pgadmin' : 'psql';
  const remove = async () => {
    const yes = await confirm({
      title: `Remove ${cluster.name}?`,
      body: `pgentra forgets ${cluster.name} and takes its token out of the pgpass file. Your sign-in and the server are not touched.`,
      confirmLabel: 'Remove',
      danger: true,
      // Asked from a menu item, which is gone with its menu: back to the menu's button.
      returnFocusTo: more.current,
    });
    if (yes)
      await act('remove', async () => {
        await call(api.removeCluster(cluster.name));
        return `Removed ${cluster.name}.`;
      });
  };
  const error = cluster.error ? inUserWords(cluster.error, secondsLeft) : null;

  return (
    <section className={styles.root} aria-labelledby={`cluster-${cluster.name}-name`}>
      {confirmDialog}
      <div className={styles.head}>
        <div className={styles.title}>
          <h2 className={styles.name} id={`cluster-${cluster.name}-name`}>
            {cluster.name} <StateBadge status={cluster.status} level={level} />
          </h2>
          <Text className={styles.meta}>
            {cluster.kind} · {cluster.host}:{cluster.port} · {cluster.database} · {cluster.loginUser}
            {cluster.group ? ' (group)' : ''}
          </Text>
        </div>
        <div className={styles.timeLeft}>
          <div
            className={styles.countdown}
            data-testid="countdown"
            role="timer"
            aria-label={`time left: ${secondsLeft === null ? 'no token yet' : formatCountdown(secondsLeft)}`}
            title={cluster.expiresAt ? new Date(cluster.expiresAt).toLocaleString() : undefined}
          >
            {secondsLeft === null ? '—' : formatCountdown(secondsLeft)}
          </div>
          <Text size={200} className={styles.meta}>
            {cluster.lastRefreshAt ? `refreshed ${formatAgo(now - cluster.lastRefreshAt)}` : 'time left'}
          </Text>
        </div>
      </div>
      {cluster.error && error && (
        <ErrorNotice
          testId="error"
          summary={error.summary}
          advice={error.advice}
          warning={error.stillWorks}
          details={[cluster.error.message, cluster.error.entraCode].filter(Boolean).join('\n')}
          action={
            needsSignIn(cluster) ? (
              <Button
                appearance="primary"
                disabled={busy !== null}
                onClick={() =>
                  void act('sign-in', async () => {
                    const account = await call(api.signInBrowser());
                    return `Signed in as ${account.username}.`;
                  })
                }
              >
                Sign in
              </Button>
            ) : undefined
          }
        />
      )}
      <div className={styles.actions}>
        {button(main, 'primary', <OpenRegular />)}
        {button('refresh', 'secondary', <ArrowClockwiseRegular />)}
        <Menu
          checkedValues={{ main: [main] }}
          onCheckedValueChange={(_event, data) =>
            chooseMain(data.checkedItems[0] === 'pgadmin' ? 'pgadmin' : 'psql')
          }
        >
          <MenuTrigger disableButtonEnhancement>
            <Button ref={more} icon={<MoreHorizontalRegular />} disabled={busy !== null}>
              More actions
            </Button>
          </MenuTrigger>
          <MenuPopover>
            <MenuList>
              <MenuItem icon={<OpenRegular />} onClick={() => void act(other, actions[other].run)}>
                {actions[other].label}
              </MenuItem>
              <MenuItem icon={<CopyRegular />} onClick={() => void act('conn', actions.conn.run)}>
                {actions.conn.label}
              </MenuItem>
              <MenuItem icon={<KeyRegular />} onClick={() => void act('copy', actions.copy.run)}>
                {actions.copy.label}
              </MenuItem>
              <MenuItem icon={<EditRegular />} onClick={onEdit}>
                Edit…
              </MenuItem>
              <MenuItem icon={<DeleteRegular />} onClick={() => void remove()}>
                Remove…
              </MenuItem>
              <MenuDivider />
              <MenuGroup>
                <MenuGroupHeader className={styles.groupHeader}>Main button</MenuGroupHeader>
                <MenuItemRadio name="main" value="psql">
                  Open psql
                </MenuItemRadio>
                <MenuItemRadio name="main" value="pgadmin">
                  Open in pgAdmin
                </MenuItemRadio>
              </MenuGroup>
            </MenuList>
          </MenuPopover>
        </Menu>
      </div>
      <dl className={mergeClasses(styles.facts, styles.factsRule)}>
        <dt className={styles.term}>Server</dt>
        <dd className={styles.value}>
          {KIND_NAMES[cluster.kind]} in the {cluster.cloud} cloud
        </dd>
        <dt className={styles.term}>Account</dt>
        <dd className={styles.value}>{cluster.account ?? 'the signed-in account'}</dd>
        {cluster.tenant && (
          <>
            <dt className={styles.term}>Server's tenant</dt>
            <dd className={styles.value}>{cluster.tenant}</dd>
          </>
        )}
        <dt className={styles.term}>Server check</dt>
        <dd className={styles.value} data-testid="tls">
          {cluster.tls.sslmode === 'verify-full'
            ? `TLS verify-full: the server is checked against ${cluster.tls.rootCert ?? 'the root certificates'}`
            : `Warning: ${cluster.tls.warning ?? 'the server is not verified'}`}
        </dd>
      </dl>
      <AzureChecks cluster={cluster.name} onNotice={onNotice} />
    </section>
  );
}
