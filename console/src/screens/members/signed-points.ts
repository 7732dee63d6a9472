import { formatNumber } from '../../format.ts';

/** Points with their sign (+120, -40, 0). */
export const signed = (points: number) => (points > 0 ? `+${formatNumber(points)}` : formatNumber(points));
/** Green for points in, red for points out. */
export const pointsColor = (points: number) => (points > 0 ? '#389e0d' : points < 0 ? '#cf1322' : undefined);
