// The selected cluster's server in Azure, before connecting: is it running, is Entra sign-in on,
// does the person have a role, does the firewall let their address in; each problem with the fix
// to act on (the SQL an administrator runs, the command for an owner). "Allow my IP" shows the
// rule it would add and adds it only after a yes; the rule it added can be removed the same way.
import { Button, makeStyles, mergeClasses, Spinner, Text, tokens } from '@fluentui/react-components';
import {
  CheckmarkCircleFilled,
  DismissCircleFilled,
  GlobeAddRegular,
  GlobeProhibitedRegular,
  ShieldTaskRegular,
  SubtractCircleRegular,
  WarningFilled,
} from '@fluentui/react-icons';
import { useRef, useState } from 'react';
import type { AzureCheckSnapshot, AzureChecksSnapshot } from '../../../../electron/shared/ipc-contract';
import { call, detailsOf, errorText, getApi } from '../../api/client';
import { useConfirm } from '../../components/ConfirmDialog';
import { ErrorNotice } from '../../components/ErrorNotice';
import { useLayoutStyles, type OnNotice } from '../../theme/layout';

interface Props {
  cluster: string;
  onNotice: OnNotice;
}

const STATUS: Record<AzureCheckSnapshot['status'], { word: string; icon: React.ReactElement }> = {
  ok: { word: 'Passed', icon: <CheckmarkCircleFilled color={tokens.colorPaletteGreenForeground1} /> },
  fail: { word: 'Problem', icon: <DismissCircleFilled color={tokens.colorPaletteRedForeground1} /> },
  warn: { word: 'Warning', icon: <WarningFilled color={tokens.colorPaletteDarkOrangeForeground1} /> },
  skip: { word: 'Not checked', icon: <SubtractCircleRegular /> },
};

const CHECK_NAMES: Record<AzureCheckSnapshot['id'], string> = {
  state: 'Server running',
  entra: 'Entra sign-in enabled',
  principal: 'Your role on the server',
  network: 'Network and firewall',
};

const useStyles = makeStyles({
  root: {
    display: 'flex',
    flexDirection: 'column',
    gap: tokens.spacingVerticalM,
    paddingTop: tokens.spacingVerticalM,
    borderTop: `1px solid ${tokens.colorNeutralStroke2}`,
  },
  heading: { margin: 0, fontSize: tokens.fontSizeBase400, fontWeight: tokens.fontWeightSemibold },
  result: {
    display: 'grid',
    gridTemplateColumns: '20px 1fr',
    columnGap: tokens.spacingHorizontalS,
    alignItems: 'start',
  },
  icon: { fontSize: '20px', lineHeight: tokens.lineHeightBase300 },
  label: { fontWeight: tokens.fontWeightSemibold },
  fix: { display: 'block', marginTop: tokens.spacingVerticalXXS },
  code: {
    margin: `${tokens.spacingVerticalXS} 0`,
    padding: tokens.spacingVerticalS,
    whiteSpace: 'pre-wrap',
    overflowWrap: 'anywhere',
    fontFamily: tokens.fontFamilyMonospace,
    fontSize: tokens.fontSizeBase200,
    backgroundColor: tokens.colorNeutralBackground3,
    borderRadius: tokens.borderRadiusMedium,
  },
});

export function AzureChecks({ cluster, onNotice }: Props) {
  const styles = { ...useLayoutStyles(), ...useStyles() };
  const api = getApi();
  const [confirmDialog, confirm] = useConfirm();
  const [busy, setBusy] = useState<'check' | 'allow' | 'remove' | null>(null);
  const [report, setReport] = useState<AzureChecksSnapshot | null>(null);
  const [failure, setFailure] = useState<unknown>(null);
  // The rule "Allow my IP" added (or found already there under pgentra's name): what Remove removes.
  const [ourRule, setOurRule] = useState<string | null>(null);
  const headingId = `azure-${cluster}-heading`;

  const check = async () => {
    setFailure(null);
    try {
      setReport(await call(api.azureChecks(cluster)));
    } catch (error) {
      setReport(null);
      setFailure(error);
    }
  };
  const run = async (what: NonNullable<typeof busy>, work: () => Promise<void>) => {
    setBusy(what);
    try {
      await work();
    } catch (error) {
      onNotice(errorText(error), true, detailsOf(error));
    } finally {
      setBusy(null);
    }
  };
  // After a firewall change, the results on screen would be stale: check again when they are shown.
  const recheck = async () => {
    if (report || failure) await check();
  };

  const allow = () =>
    run('allow', async () => {
      const plan = await call(api.planAllowMyIp(cluster));
      if (plan.existing) {
        if (plan.existing.name === plan.rule.name) setOurRule(plan.rule.name);
        onNotice(
          `Your IP ${plan.ip} is already allowed on ${plan.server.name} by firewall rule ${plan.existing.name} (${range(plan.existing)}). Nothing changed.`,
        );
        return;
      }
      const yes = await confirm({
        title: `Allow ${plan.ip} on ${plan.server.name}?`,
        body: `pgentra adds the firewall rule "${plan.rule.name}" for ${range(plan.rule)} to ${plan.server.name} in Azure. Connections from that address then reach the server; each still needs a sign-in. You can remove the rule here again.`,
        confirmLabel: 'Add the rule',
        returnFocusTo: allowButton.current,
      });
      if (!yes || !plan.confirmId) return;
      const done = await call(api.allowMyIp(plan.confirmId));
      setOurRule(plan.rule.name);
      onNotice(
        `Added firewall rule ${done?.rule ?? plan.rule.name} (${range(plan.rule)}) to ${plan.server.name}.`,
      );
      await recheck();
    });

  const remove = (rule: string) =>
    run('remove', async () => {
      const yes = await confirm({
        title: `Remove firewall rule ${rule}?`,
        body: `pgentra removes the rule "${rule}" from the server of ${cluster} in Azure. Connections from your address are refused again unless another rule allows them.`,
        confirmLabel: 'Remove the rule',
        danger: true,
      });
      if (!yes) return;
      const done = await call(api.removeFirewallRule(cluster, rule));
      setOurRule(null);
      onNotice(
        done.removed
          ? `Removed firewall rule ${rule} from ${done.server}.`
          : `${done.server} has no firewall rule ${rule}; nothing changed.`,
      );
      await recheck();
    });
  const allowButton = useRef<HTMLButtonElement>(null);

  return (
    <section className={styles.root} aria-labelledby={headingId} data-testid="azure-checks">
      {confirmDialog}
      <h3 id={headingId} className={styles.heading}>
        Before you connect
      </h3>
      <Text className={styles.muted}>
        Checks the server in Azure: running, Microsoft Entra sign-in on, a role for you, and the firewall
        letting your address in.
      </Text>
      <div className={styles.actions}>
        <Button
          icon={busy === 'check' ? <Spinner size="tiny" /> : <ShieldTaskRegular />}
          disabled={busy !== null}
          onClick={() => void run('check', check)}
        >
          {busy === 'check' ? 'Checking…' : 'Check connection'}
        </Button>
        <Button
          ref={allowButton}
          icon={busy === 'allow' ? <Spinner size="tiny" /> : <GlobeAddRegular />}
          disabled={busy !== null}
          onClick={() => void allow()}
        >
          {busy === 'allow' ? 'Looking up your IP…' : 'Allow my IP…'}
        </Button>
        {ourRule && (
          <Button
            icon={busy === 'remove' ? <Spinner size="tiny" /> : <GlobeProhibitedRegular />}
            disabled={busy !== null}
            onClick={() => void remove(ourRule)}
          >
            Remove rule {ourRule}…
          </Button>
        )}
      </div>
      {failure !== null && (
        <ErrorNotice
          testId="azure-checks-error"
          summary="The server could not be checked in Azure."
          advice={errorText(failure)}
          details={detailsOf(failure).join('\n') || undefined}
        />
      )}
      {report && report.server === null && (
        <Text role="status">
          No server with this host is among those your account sees in Azure, so there is nothing to check
          there. If it is in another subscription or tenant, sign in with an account that can read it.
        </Text>
      )}
      {report?.server && (
        <ul className={styles.stack} aria-label={`Checks of ${report.server.name}`}>
          {report.results.map((result) => (
            <li key={result.id} className={styles.result} data-testid={`check-${result.id}`}>
              <span className={styles.icon}>{STATUS[result.status].icon}</span>
              <div>
                <Text className={styles.label}>
                  {CHECK_NAMES[result.id]}:{' '}
                  <span data-testid="check-status">{STATUS[result.status].word}</span>
                </Text>
                <Text className={styles.fix}>{sentence(result.message)}</Text>
                {result.fix && <Text className={mergeClasses(styles.fix, styles.muted)}>{result.fix}</Text>}
                {result.sql && <CodeToCopy label="SQL for an administrator" text={result.sql} />}
                {result.command && <CodeToCopy label="Azure CLI command" text={result.command} />}
              </div>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

const range = (rule: { start: string; end: string }) =>
  rule.start === rule.end ? rule.start : `${rule.start}–${rule.end}`;

// The core's messages start lower case ("your public IP …") or with a name that keeps its case
// ("pg-flex is Ready", "alice@contoso.com is not …"): only plain words get a capital.
const sentence = (text: string) =>
  `${/^(your|you|the|azure|microsoft)\b/.test(text) ? text.charAt(0).toUpperCase() + text.slice(1) : text}.`;

/** A fix to hand on: shown in full, with a button that copies it (or selects it where copying is not allowed). */
function CodeToCopy({ label, text }: { label: string; text: string }) {
  const styles = useStyles();
  const code = useRef<HTMLPreElement>(null);
  const [said, setSaid] = useState('');
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setSaid('Copied.');
    } catch {
      // The app's window grants no clipboard permission to the page: select it for Ctrl+C instead.
      const selection = window.getSelection();
      if (code.current && selection) selection.selectAllChildren(code.current);
      setSaid('Selected: press Ctrl+C (⌘C on a Mac) to copy.');
    }
  };
  return (
    <div>
      <pre className={styles.code} ref={code} aria-label={label} tabIndex={0}>
        {text}
      </pre>
      <Button size="small" onClick={() => void copy()}>
        Copy {label.startsWith('SQL') ? 'SQL' : 'command'}
      </Button>{' '}
      <Text size={200} role="status">
        {said}
      </Text>
    </div>
  );
}
