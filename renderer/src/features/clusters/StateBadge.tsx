// A cluster's state as the tray shows it: the same words and the same colour per level
// (electron/shared/token-look.ts). Colour is never the only sign: the words are always there.
import { makeStyles, mergeClasses, tokens } from '@fluentui/react-components';
import type { ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { LEVEL_COLOURS, STATUS_NAMES, type TokenLevel } from '../../../../electron/shared/token-look';

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
  fresh: { backgroundColor: LEVEL_COLOURS.fresh },
  refreshing: { backgroundColor: LEVEL_COLOURS.refreshing },
  expiring: { backgroundColor: LEVEL_COLOURS.expiring },
  needsSignIn: { backgroundColor: LEVEL_COLOURS['needs-sign-in'] },
  error: { backgroundColor: LEVEL_COLOURS.error },
  idle: { backgroundColor: LEVEL_COLOURS.idle },
});

function useLevelClass(level: TokenLevel): string {
  const styles = useStyles();
  return {
    fresh: styles.fresh,
    refreshing: styles.refreshing,
    expiring: styles.expiring,
    'needs-sign-in': styles.needsSignIn,
    error: styles.error,
    idle: styles.idle,
  }[level];
}

export function StateBadge({ status, level }: { status: ClusterSnapshot['status']; level: TokenLevel }) {
  const styles = useStyles();
  return (
    <span className={mergeClasses(styles.badge, useLevelClass(level))} data-testid="status">
      {STATUS_NAMES[status]}
    </span>
  );
}

/** The list's small coloured dot; decorative (the row says the state in words). */
export function StateDot({ level }: { level: TokenLevel }) {
  const styles = useStyles();
  return <span aria-hidden="true" className={mergeClasses(styles.dot, useLevelClass(level))} />;
}
