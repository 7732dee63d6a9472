// The cost of logs and metrics: scenarios a (single credits over HTTP) and events-batch (batched
// intake), each run with `jifen serve --log-level silent --metrics off` and then with the defaults
// (a JSON line per request to a pipe, Prometheus metrics on), in alternating off/on pairs, so drift
// on a shared machine hits both modes alike. Compared by the medians of each mode.
import type { BenchOptions } from '../options.ts';
import type { ScenarioResult } from '../report.ts';
import type { BenchContext } from './common.ts';
import { runEventIntake } from './events.ts';
import { runHttp } from './http.ts';

export type ObservabilityMode = 'off' | 'on';

const SERVER_ARGS: Record<ObservabilityMode, string[]> = {
  off: ['--log-level', 'silent', '--metrics', 'off'],
  on: ['--log-level', 'info', '--metrics', 'on'],
};

export interface ObservabilityStep {
  label: string;
  needsPostgres: boolean;
  run: (context: BenchContext) => Promise<ScenarioResult>;
}

export function observabilitySteps(options: BenchOptions): ObservabilityStep[] {
  const steps: ObservabilityStep[] = [];
  const scenarios = [
    { id: 'a', run: (c: BenchContext) => runHttp(c, 'postgres') },
    {
      id: 'events-batch',
      run: (c: BenchContext) => runEventIntake(c, { id: 'events-batch', engine: 'postgres', batched: true }),
    },
  ];
  for (let pair = 1; pair <= options.pairs; pair++) {
    for (const scenario of scenarios) {
      for (const mode of ['off', 'on'] as const) {
        steps.push({
          label: `${scenario.id} (logs+metrics ${mode}, pair ${pair})`,
          needsPostgres: true,
          run: async (context) => {
            const result = await scenario.run({ ...context, serverArgs: SERVER_ARGS[mode] });
            result.name = `${result.name} [logs+metrics ${mode} #${pair}]`;
            result.setup.observability = mode;
            result.setup.pair = pair;
            result.notes.push(`server flags: ${SERVER_ARGS[mode].join(' ')}`);
            return result;
          },
        });
      }
    }
  }
  return steps;
}

export interface ObservabilityCost {
  id: string;
  runs: Record<ObservabilityMode, number[]>;
  medianPerSecond: Record<ObservabilityMode, number>;
  medianP99Ms: Record<ObservabilityMode, number>;
  /**
   * The server's CPU milliseconds per unit (credit, event), median of each mode: on a machine other
   * processes keep busy, a steadier figure than throughput, since it counts only the server's work.
   */
  medianServerCpuMsPerUnit: Record<ObservabilityMode, number | null>;
  /** Server CPU added with logs and metrics on: on/off - 1 of the medians. */
  cpuCost: number | null;
  /** Throughput lost with logs and metrics on: 1 - on/off of the medians (negative: none measured). */
  cost: number;
}

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

export function observabilityCosts(results: ScenarioResult[]): ObservabilityCost[] {
  const ids = [...new Set(results.filter((r) => r.setup.observability).map((r) => r.id))];
  return ids.map((id) => {
    const of = (mode: ObservabilityMode) =>
      results.filter((r) => r.id === id && r.setup.observability === mode);
    const runs = { off: of('off').map((r) => r.perSecond), on: of('on').map((r) => r.perSecond) };
    const medianPerSecond = { off: median(runs.off), on: median(runs.on) };
    const medianP99Ms = {
      off: median(of('off').map((r) => r.latencyMs.p99)),
      on: median(of('on').map((r) => r.latencyMs.p99)),
    };
    const cost = medianPerSecond.off > 0 ? 1 - medianPerSecond.on / medianPerSecond.off : 0;
    const cpuOf = (mode: ObservabilityMode) => {
      const values = of(mode).flatMap((r) => (r.cpu?.msPerUnit.server ? [r.cpu.msPerUnit.server] : []));
      return values.length > 0 ? median(values) : null;
    };
    const medianServerCpuMsPerUnit = { off: cpuOf('off'), on: cpuOf('on') };
    const cpuCost =
      medianServerCpuMsPerUnit.off && medianServerCpuMsPerUnit.on
        ? Math.round((medianServerCpuMsPerUnit.on / medianServerCpuMsPerUnit.off - 1) * 10_000) / 10_000
        : null;
    return {
      id,
      runs,
      medianPerSecond,
      medianP99Ms,
      cost: Math.round(cost * 10_000) / 10_000,
      medianServerCpuMsPerUnit,
      cpuCost,
    };
  });
}

export function describeCosts(costs: ObservabilityCost[]): string {
  return costs
    .map((c) => {
      const list = (values: number[]) => values.map((v) => Math.round(v).toLocaleString('en-US')).join(', ');
      return [
        `${c.id}: logs+metrics off ${list(c.runs.off)}/s (median ${Math.round(c.medianPerSecond.off).toLocaleString('en-US')}, p99 ${c.medianP99Ms.off} ms)`,
        `${' '.repeat(c.id.length)}  logs+metrics on  ${list(c.runs.on)}/s (median ${Math.round(c.medianPerSecond.on).toLocaleString('en-US')}, p99 ${c.medianP99Ms.on} ms)`,
        `${' '.repeat(c.id.length)}  cost of having them on: ${(c.cost * 100).toFixed(1)}% of throughput (target < 5%)`,
        `${' '.repeat(c.id.length)}  server CPU per unit: off ${c.medianServerCpuMsPerUnit.off ?? 'n/a'} ms, on ${c.medianServerCpuMsPerUnit.on ?? 'n/a'} ms (${c.cpuCost === null ? 'n/a' : `${(c.cpuCost * 100).toFixed(1)}% more`})`,
      ].join('\n');
    })
    .join('\n');
}
