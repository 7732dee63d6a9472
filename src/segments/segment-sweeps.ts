import type { Database } from '../db/database.ts';
import type { MemberKey } from '../members/member-key.ts';
import { listProgramTimezones, programArchivedAt } from '../programs/program-store.ts';
import { activity } from '../shared/activity.ts';
import type { Clock } from '../shared/clock.ts';
import { type RecomputeResult, recomputeProgram, refreshMembers } from './recompute-segments.ts';

/**
 * Keeping segments current: the sweep computes every program that is due (never computed, its
 * settings or segments changed, or `recomputeEveryMinutes` passed: time-driven changes such as a
 * member who stopped buying), and between sweeps members whose ledger moved are judged again
 * shortly after (`SegmentRefresher`).
 */
export async function runSegmentSweeps(db: Database, clock: Clock): Promise<RecomputeResult[]> {
  const done: RecomputeResult[] = [];
  for (const { id } of await listProgramTimezones(db)) {
    if ((await programArchivedAt(db, id)) !== null) continue;
    const result = await recomputeProgram(db, id, clock);
    if (result) done.push(result);
  }
  return done;
}

/**
 * Collects the members whose ledger moved (after their transaction committed) and judges them
 * again every `intervalMs`, a batch per program. What it misses (a crash, another server's
 * writes, orders that earned nothing) the sweep catches up.
 */
const REFRESH_CHUNK = 1_000;

export class SegmentRefresher {
  private readonly touched = new Map<string, Set<MemberKey>>();
  private readonly unsubscribe: () => void;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
    private readonly options: { intervalMs?: number; log?: (message: string) => void } = {},
  ) {
    this.unsubscribe = activity.membersMoved.subscribe(({ programId, memberKeys }) => {
      const keys = this.touched.get(programId) ?? new Set<MemberKey>();
      this.touched.set(programId, keys);
      for (const key of memberKeys) keys.add(key as MemberKey);
    });
    this.schedule();
  }

  private schedule(): void {
    this.timer = setTimeout(() => {
      this.running = this.flush().finally(() => this.schedule());
    }, this.options.intervalMs ?? 2_000);
    this.timer.unref();
  }

  /** Judges every member touched so far; resolves when done. */
  async flush(): Promise<void> {
    const batches = [...this.touched];
    this.touched.clear();
    for (const [programId, keys] of batches) {
      const all = [...keys];
      for (let i = 0; i < all.length; i += REFRESH_CHUNK) {
        await refreshMembers(this.db, programId, all.slice(i, i + REFRESH_CHUNK), this.clock).catch(
          (error: unknown) =>
            this.options.log?.(
              `refreshing segments failed, the sweep will catch up: ${(error as Error).message}`,
            ),
        );
      }
    }
  }

  async stop(): Promise<void> {
    this.unsubscribe();
    clearTimeout(this.timer);
    await this.running;
  }
}
