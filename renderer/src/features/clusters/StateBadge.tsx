// A cluster's state as the tray shows it: the same words and the same colour per level
// (electron/shared/token-status.ts). Colour is never the only sign: the words are always there.
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { LEVEL_STYLES, STATUS_LABELS, type StatusLevel } from '../../../../electron/shared/token-status';
import { useOsTheme } from '../../theme/os-theme';

// Griffel's styles are static: one class per level, for the colour as the tray badge has it
// (white text on it) and for its lighter twin that dots use on a dark background.
const fill = (colour: string) => ({ backgroundColor: colour });
const useLevelStyles = makeStyles({
  fresh: fill(LEVEL_STYLES.fresh.colour),
  refreshing: fill(LEVEL_STYLES.refreshing.colour),
  expiring: fill(LEVEL_STYLES.expiring.colour),
  needsSignIn: fill(LEVEL_STYLES['needs-sign-in'].colour),
  error: fill(LEVEL_STYLES.error.colour),
  idle: fill(LEVEL_STYLES.idle.colour),
  freshOnDark: fill(LEVEL_STYLES.fresh.colourOnDark),
  refreshingOnDark: fill(LEVEL_STYLES.refreshing.colourOnDark),
  expiringOnDark: fill(LEVEL_STYLES.expiring.colourOnDark),
  needsSignInOnDark: fill(LEVEL_STYLES['needs-sign-in'].colourOnDark),
  errorOnDark: fill(LEVEL_STYLES.error.colourOnDark),
  idleOnDark: fill(LEVEL_STYLES.idle.colourOnDark),
});

const useStyles = makeStyles({
  badge: {
    display: 'inline-block',
    borderRadius: tokens.borderRadiusCircular,
    padding: `0 ${tokens.spacingHorizontalS}`,
    fontSize: tokens.fontSizeBase200,
    lineHeight: tokens.lineHeightBase200,
    fontWeight: tokens.fontWeightSemibold,
    color: '#ffffff',
    whiteSpace: 'nowrap',
    // High contrast: the OS's colours, with a border so the badge still has an edge.
    '@media (forced-colors: active)': { border: '1px solid CanvasText', color: 'CanvasText' },
  },
  dot: {
    display: 'inline-block',
    flexShrink: 0,
    width: '10px',
    height: '10px',
    borderRadius: tokens.borderRadiusCircular,
    '@media (forced-colors: active)': { border: '1px solid CanvasText' },
  },
});

function useLevelClass(level: StatusLevel, onDark: boolean): string {
  const styles = useLevelStyles();
  const key = (
    {
      fresh: 'fresh',
      refreshing: 'refreshing',
      expiring: 'expiring',
      'needs-sign-in': 'needsSignIn',
      error: 'error',
      idle: 'idle',
    } as const
  )[level];
  return onDark ? styles[`${key}OnDark`] : styles[key];
}

export function StateBadge({ status, level }: { status: ClusterSnapshot['status']; level: StatusLevel }) {
  const styles = useStyles();
  // The badge carries white text: always the tray badge's own colour, in every theme.
  return (
    <span className={mergeClasses(styles.badge, useLevelClass(level, false))} data-testid="status">
      {STATUS_LABELS[status]}
    </span>
  );
}

/** The list's small coloured dot; decorative (the row says the state in words). */
export function StateDot({ level }: { level: StatusLevel }) {
  const styles = useStyles();
  const onDark = useOsTheme() === 'dark';
  return <span aria-hidden="true" className={mergeClasses(styles.dot, useLevelClass(level, onDark))} />;
}
