import { type LatencySummary, nowMs, round, Samples } from './stats.ts';

export interface LoopLimits {
  clients: number;
  warmupMs: number;
  /** Measured time; ignored when maxUnits is set (then hardCapMs bounds the run). */
  durationMs: number;
  /** Stop once this many units of the primary kind were measured. */
  maxUnits: number | null;
  /** No run ever lasts longer than this, whatever the limits. */
  hardCapMs: number;
}

export interface KindFigures {
  /** Operations (requests, transactions, batches) measured. */
  count: number;
  /** Units they carried (credits, rows): equal to count unless an operation carries several. */
  units: number;
  errors: number;
  unitsPerSecond: number;
  latencyMs: LatencySummary;
}

export interface LoopResult {
  measuredSeconds: number;
  primary: KindFigures;
  kinds: Record<string, KindFigures>;
  /** Operations completed during the warm-up, not counted. */
  warmupOps: number;
}

export interface Recorder {
  /** Records one operation that started at `startedAt` (performance.now()) and ended now. */
  record(kind: string, startedAt: number, ok: boolean, units?: number): void;
  /** True once the run is over: the client should return. */
  readonly done: boolean;
}

/**
 * A closed loop: `clients` workers each run `op` back to back until the time (or op count) is up.
 * Operations that start during the warm-up are not measured; throughput is measured units over the
 * time from the end of the warm-up to the last measured completion.
 */
export async function closedLoop(
  limits: LoopLimits,
  primaryKind: string,
  op: (client: number, recorder: Recorder) => Promise<void>,
  onMeasureStart?: () => void | Promise<void>,
): Promise<LoopResult> {
  const start = nowMs();
  // Checked before each operation rather than with a timer: an in-process engine (PGlite) may
  // resolve its queries without ever yielding to the timer queue.
  let measuring = false;
  // What an asynchronous measure-start hook returned: every client waits for it before its next
  // operation, and measuring (and its time) starts once it is done.
  let measureReady: Promise<void> | null = null;
  let measureStart = start + limits.warmupMs;
  let measureEnd = limits.maxUnits === null ? measureStart + limits.durationMs : start + limits.hardCapMs;
  let hardEnd = start + limits.hardCapMs;
  const kinds = new Map<string, { samples: Samples; units: number; errors: number }>();
  let lastEnd = measureStart;
  let warmupOps = 0;
  let stopped = false;
  let primaryUnits = 0;

  const recorder: Recorder = {
    record(kind, startedAt, ok, units = 1) {
      const end = nowMs();
      if (startedAt < measureStart) {
        warmupOps++;
        return;
      }
      let figures = kinds.get(kind);
      if (!figures) {
        figures = { samples: new Samples(), units: 0, errors: 0 };
        kinds.set(kind, figures);
      }
      figures.samples.add(end - startedAt);
      if (ok) figures.units += units;
      else figures.errors++;
      if (end > lastEnd) lastEnd = end;
      if (kind === primaryKind && ok) {
        primaryUnits += units;
        if (limits.maxUnits !== null && primaryUnits >= limits.maxUnits) stopped = true;
      }
    },
    get done() {
      const now = nowMs();
      return stopped || now >= measureEnd || now >= hardEnd;
    },
  };

  const worker = async (client: number) => {
    while (!recorder.done) {
      if (!measuring && nowMs() >= measureStart) {
        measuring = true;
        const hook = onMeasureStart?.();
        if (hook) {
          measureReady = hook.then(() => {
            const shift = nowMs() - measureStart;
            measureStart += shift;
            measureEnd += shift;
            hardEnd += shift;
            lastEnd = measureStart;
          });
        }
      }
      if (measureReady) await measureReady;
      try {
        await op(client, recorder);
      } catch (error) {
        stopped = true;
        throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: limits.clients }, (_, client) => worker(client)));

  const measuredSeconds = Math.max(0.001, (lastEnd - measureStart) / 1000);
  const figuresOf = (kind: string): KindFigures => {
    const figures = kinds.get(kind) ?? { samples: new Samples(), units: 0, errors: 0 };
    return {
      count: figures.samples.count,
      units: figures.units,
      errors: figures.errors,
      unitsPerSecond: round(figures.units / measuredSeconds, 1),
      latencyMs: figures.samples.summary(),
    };
  };
  const all: Record<string, KindFigures> = {};
  for (const kind of kinds.keys()) all[kind] = figuresOf(kind);
  return {
    measuredSeconds: round(measuredSeconds),
    primary: figuresOf(primaryKind),
    kinds: all,
    warmupOps,
  };
}

export function limitsFrom(
  options: { warmup: number; seconds: number; ops: number | null },
  clients: number,
): LoopLimits {
  return {
    clients,
    warmupMs: options.warmup * 1000,
    durationMs: options.seconds * 1000,
    maxUnits: options.ops,
    // --ops runs are bounded too: never more than 10 minutes of measuring.
    hardCapMs: options.warmup * 1000 + (options.ops === null ? options.seconds * 1000 : 600_000),
  };
}
