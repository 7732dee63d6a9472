import type { CpuFigures } from '../cpu.ts';
import type { KindFigures, LoopResult } from '../loop.ts';
import type { BenchOptions } from '../options.ts';
import type { ScenarioId, ScenarioResult, VerifyFigures } from '../report.ts';
import type { RetailData } from '../workload.ts';

export interface BenchContext {
  options: BenchOptions;
  data: RetailData;
  /** Anything that must make the run fail loudly (verify violations, errors in the load). */
  failures: string[];
  log(message: string): void;
  /** Extra `jifen serve` flags for the servers a scenario starts (the observability pairs). */
  serverArgs?: readonly string[];
}

export function resultOf(
  base: Pick<ScenarioResult, 'id' | 'name' | 'engine' | 'unit' | 'latencyOf' | 'clients' | 'batchSize'>,
  loop: LoopResult,
  extra: {
    setup: ScenarioResult['setup'];
    verify: VerifyFigures | null;
    cpu: CpuFigures | null;
    notes?: string[];
  },
): ScenarioResult {
  return {
    ...base,
    measuredSeconds: loop.measuredSeconds,
    ops: loop.primary.units,
    perSecond: loop.primary.unitsPerSecond,
    errors: Object.values(loop.kinds).reduce((sum, kind) => sum + kind.errors, 0),
    latencyMs: loop.primary.latencyMs,
    kinds: loop.kinds,
    setup: extra.setup,
    target: null,
    targetMet: null,
    baseline: null,
    ratioToBaseline: null,
    verify: extra.verify,
    cpu: extra.cpu,
    notes: extra.notes ?? [],
  };
}

export const seconds = (ms: number) => Math.round(ms) / 1000;

/** The latency figures of a scenario timed as one run (a sweep, a CLI command): every percentile is the run. */
export const oneRunLatency = (ms: number) => ({
  count: 1,
  mean: ms,
  p50: ms,
  p90: ms,
  p99: ms,
  p999: ms,
  max: ms,
});

/**
 * The loop of a scenario that measures one kind of work without warm-up or errors (a timed CLI run, a
 * series of page loads): its figures are both the primary and the only kind's.
 */
export function oneKindLoop(
  kind: string,
  figures: Omit<KindFigures, 'errors'>,
  measuredSeconds: number,
): LoopResult {
  const { count, units, unitsPerSecond, latencyMs } = figures;
  const primary: KindFigures = { count, units, errors: 0, unitsPerSecond, latencyMs };
  return { measuredSeconds, primary, kinds: { [kind]: primary }, warmupOps: 0 };
}

/** The fields a result has before `report` compares it with its target and baseline, without checks or CPU figures. */
export const NOT_COMPARED = {
  target: null,
  targetMet: null,
  baseline: null,
  ratioToBaseline: null,
  verify: null,
  cpu: null,
} as const;

export type { ScenarioId };
