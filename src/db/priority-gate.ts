/**
 * PGlite has one connection and runs each statement synchronously on the main thread (WebAssembly),
 * so the process does nothing else — not even accept a connection — while a statement runs, and
 * a background loop that chains transactions through promise callbacks alone can keep the event loop
 * from ever reaching its I/O phase. This gate orders every operation on the connection: foreground
 * work (the API) goes first, and background work (sweeps, dispatcher, reminders) first yields to
 * the event loop (setImmediate), so requests that arrived meanwhile are read and queued ahead of it.
 */
export type Priority = 'foreground' | 'background';

export class PriorityGate {
  private busy = false;
  private readonly waiting: Record<Priority, Array<() => void>> = { foreground: [], background: [] };

  /** Operations holding or waiting for the connection. */
  get queued(): number {
    return (this.busy ? 1 : 0) + this.waiting.foreground.length + this.waiting.background.length;
  }

  async run<T>(priority: Priority, operation: () => Promise<T>): Promise<T> {
    if (priority === 'background') await new Promise<void>((resolve) => setImmediate(resolve));
    if (this.busy) await new Promise<void>((resolve) => this.waiting[priority].push(resolve));
    else this.busy = true;
    try {
      return await operation();
    } finally {
      const next = this.waiting.foreground.shift() ?? this.waiting.background.shift();
      if (next) next();
      else this.busy = false;
    }
  }
}
