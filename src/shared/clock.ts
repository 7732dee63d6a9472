import { DAY_MS } from './time-units.ts';

/** Where "now" comes from. Tests pass a ManualClock to move time; production uses the system clock. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

export class ManualClock implements Clock {
  private millis: number;

  constructor(start: Date | string = '2026-01-01T00:00:00Z') {
    this.millis = new Date(start).getTime();
  }

  now(): Date {
    return new Date(this.millis);
  }

  advance(milliseconds: number): void {
    this.millis += milliseconds;
  }

  advanceDays(days: number): void {
    this.advance(days * DAY_MS);
  }

  set(at: Date | string): void {
    this.millis = new Date(at).getTime();
  }
}
