import type { CompiledCondition, RuleProblem, Verdict } from './compile-condition.ts';
import type { Schedule } from './rule-types.ts';
import { WEEKDAY_EN, WEEKDAY_ZH } from './weekday-names.ts';

/**
 * When a rule applies, judged on the event's own moment in the program's timezone (not on when it
 * arrived): a date range, weekdays, days of the month (member day), an hour window, the member's
 * birthday or birth month.
 */
export function compileSchedule(
  schedule: Schedule | undefined,
  at: string,
  problems: RuleProblem[],
): CompiledCondition {
  if (!schedule) return () => PASS;
  const { from, until, weekdays, monthDays, hours, birthday } = schedule;
  if (from && until && from > until) {
    problems.push({
      field: `${at}/until`,
      message: `the schedule ends (${until}) before it starts (${from})`,
    });
  }
  if (hours && hours.from === hours.to) {
    problems.push({ field: `${at}/hours`, message: 'the hour window is empty: "from" equals "to"' });
  }
  const weekdaySet = weekdays && new Set(weekdays);
  const monthDaySet = monthDays && new Set(monthDays);
  return (facts) => {
    const { time, member } = facts;
    if (from && time.date < from) return fail(`活动 ${from} 开始`, `the rule starts on ${from}`);
    if (until && time.date > until) return fail(`活动已于 ${until} 结束`, `the rule ended on ${until}`);
    if (weekdaySet && !weekdaySet.has(time.weekday)) {
      return fail(
        `星期${WEEKDAY_ZH[time.weekday]}不在活动日内`,
        `${WEEKDAY_EN[time.weekday]} is not one of the rule's weekdays`,
      );
    }
    if (monthDaySet && !monthDaySet.has(time.monthDay)) {
      return fail(
        `${time.monthDay} 日不是活动日`,
        `day ${time.monthDay} of the month is not one of the rule's days`,
      );
    }
    if (hours && !inWindow(minuteOfDay(time.hour, time.minute), hours.from, hours.to)) {
      return fail(`不在 ${hours.from}–${hours.to} 时段内`, `outside ${hours.from}–${hours.to}`);
    }
    if (birthday) {
      const born = member.birthday?.slice(-5);
      const today = time.date.slice(5);
      if (!born) return fail('会员未填写生日', 'the member has no birthday on file');
      if (birthday === 'day' && !isBirthday(born, time.date))
        return fail('今天不是会员生日', "it is not the member's birthday");
      if (birthday === 'month' && born.slice(0, 2) !== today.slice(0, 2)) {
        return fail('本月不是会员生日月', "it is not the member's birth month");
      }
    }
    return PASS;
  };
}

const PASS: Verdict = { ok: true };

function fail(zh: string, en: string): Verdict {
  return { ok: false, why: { zh: zh, en } };
}

function minuteOfDay(hour: number, minute: number): number {
  return hour * 60 + minute;
}

function parseTime(text: string): number {
  const [hour, minute] = text.split(':').map(Number) as [number, number];
  return minuteOfDay(hour, minute);
}

/** [from, to): a window that crosses midnight (22:00–02:00) wraps. */
function inWindow(minute: number, from: string, to: string): boolean {
  const start = parseTime(from);
  const end = parseTime(to);
  return start < end ? minute >= start && minute < end : minute >= start || minute < end;
}

/** A 29 February birthday is celebrated on 28 February in common years. */
function isBirthday(born: string, date: string): boolean {
  const today = date.slice(5);
  if (born === today) return true;
  const year = Number(date.slice(0, 4));
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  return born === '02-29' && !leap && today === '02-28';
}
