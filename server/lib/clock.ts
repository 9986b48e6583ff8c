/** Time comes from here, so holding periods and cookie windows are testable. */
export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };

/** A clock for tests: starts at a fixed instant and only moves when told. */
export class FixedClock implements Clock {
  private current: number;
  constructor(start: string | Date = '2026-11-25T12:00:00.000Z') {
    this.current = new Date(start).getTime();
  }
  now(): Date {
    return new Date(this.current);
  }
  set(to: string | Date): void {
    this.current = new Date(to).getTime();
  }
  advance(ms: number): void {
    this.current += ms;
  }
  advanceDays(days: number): void {
    this.advance(days * 86_400_000);
  }
}

export const iso = (d: Date): string => d.toISOString();
export const addDays = (d: Date, days: number): Date => new Date(d.getTime() + days * 86_400_000);
