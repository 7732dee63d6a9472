/** Weekday names by ISO number (1 = Monday … 7 = Sunday), as rules' texts say them. */
export const WEEKDAY_ZH = ['', '一', '二', '三', '四', '五', '六', '日'] as const;
export const WEEKDAY_EN = [
  '',
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
] as const;
