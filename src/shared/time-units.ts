/** A day in milliseconds: for offsets counted in whole days of elapsed time (not calendar days). */
export const DAY_MS = 86_400_000;
