// The compact cluster list: name, state colour and words, time left. One tab stop; the arrow keys
// (and Home, End) move through it and show each cluster at once, as a list of mail does.
import { makeStyles, mergeClasses, Text, tokens } from '@fluentui/react-components';
import type { ClusterSnapshot } from '../../../../electron/shared/ipc-contract';
import { clusterLevel, formatCountdown } from '../../../../electron/shared/time-left';
import { STATUS_LABELS } from '../../../../electron/shared/token-status';
import { StateDot } from './StateBadge';

interface Props {
  clusters: ClusterSnapshot[];
  selected: string | null;
  now: number;
  onSelect: (name: string) => void;
}

const useStyles = makeStyles({
  list: { listStyle: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '2px' },
  item: {
    display: 'grid',
    gridTemplateColumns: 'auto 1fr auto',
    alignItems: 'center',
    columnGap: tokens.spacingHorizontalS,
    width: '100%',
    padding: `${tokens.spacingVerticalS} ${tokens.spacingHorizontalM}`,
    border: `1px solid transparent`,
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: 'transparent',
    color: tokens.colorNeutralForeground1,
    font: 'inherit',
    textAlign: 'left',
    cursor: 'pointer',
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundHover },
    ':focus-visible': { outline: `2px solid ${tokens.colorStrokeFocus2}`, outlineOffset: '-2px' },
  },
  selected: {
    backgroundColor: tokens.colorSubtleBackgroundSelected,
    border: `1px solid ${tokens.colorNeutralStroke1}`,
    ':hover': { backgroundColor: tokens.colorSubtleBackgroundSelected },
  },
  name: { fontWeight: tokens.fontWeightSemibold, overflow: 'hidden', textOverflow: 'ellipsis' },
  state: { gridColumn: '2', color: tokens.colorNeutralForeground2 },
  time: { gridRow: '1 / span 2', gridColumn: '3', fontVariantNumeric: 'tabular-nums' },
});

export function ClusterListPane({ clusters, selected, now, onSelect }: Props) {
  const styles = useStyles();
  const move = (event: React.KeyboardEvent, index: number) => {
    const last = clusters.length - 1;
    const next = {
      ArrowDown: Math.min(index + 1, last),
      ArrowUp: Math.max(index - 1, 0),
      Home: 0,
      End: last,
    }[event.key];
    const target = next === undefined ? undefined : clusters[next];
    if (!target) return;
    event.preventDefault();
    onSelect(target.name);
    document.getElementById(`cluster-item-${target.name}`)?.focus();
  };
  return (
    <ul className={styles.list} aria-label="Clusters">
      {clusters.map((cluster, index) => {
        const msLeft = cluster.expiresAt === null ? null : cluster.expiresAt - now;
        const secondsLeft = msLeft === null ? null : Math.max(0, Math.floor(msLeft / 1000));
        const isSelected = cluster.name === selected;
        const time = secondsLeft === null ? '—' : formatCountdown(secondsLeft);
        return (
          <li key={cluster.name}>
            <button
              type="button"
              id={`cluster-item-${cluster.name}`}
              data-testid={`cluster-item-${cluster.name}`}
              className={mergeClasses(styles.item, isSelected && styles.selected)}
              aria-current={isSelected ? 'true' : undefined}
              // One tab stop: the selected cluster (or the first); arrows reach the rest.
              tabIndex={isSelected || (selected === null && index === 0) ? 0 : -1}
              onClick={() => onSelect(cluster.name)}
              onKeyDown={(event) => move(event, index)}
            >
              <StateDot level={clusterLevel(cluster.status, msLeft)} />
              <span className={styles.name}>{cluster.name}</span>
              <Text className={styles.time}>{time}</Text>
              <Text size={200} className={styles.state} data-testid="status">
                {STATUS_LABELS[cluster.status]}
              </Text>
            </button>
          </li>
        );
      })}
    </ul>
  );
}
