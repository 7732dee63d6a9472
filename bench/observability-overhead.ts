// The CPU that logs and metrics add to one request, measured in process: two apps on one database,
// one with logging + metrics off and one with them on, answer `GET /health` (a route that does
// nothing else, so the overhead is not lost in the database's noise) through inject(), in alternating
// rounds, and the process's own CPU time (process.cpuUsage, so other processes on a busy machine
// barely matter) is divided by the requests. Log lines go to /dev/null through the same
// asynchronous pino destination `jifen serve` uses. Usage:
//   node --import tsx bench/observability-overhead.ts [--requests 20000] [--rounds 5]
// Compare the µs it adds with the server's CPU per credit or per event that `npm run bench` prints.
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { migrate } from '../src/db/migrate.ts';
import { openPglite } from '../src/db/pglite-database.ts';
import { buildApp } from '../src/http/app.ts';
import { JifenMetrics } from '../src/observability/metrics.ts';
import { systemClock } from '../src/shared/clock.ts';

const { values } = parseArgs({ options: { requests: { type: 'string' }, rounds: { type: 'string' } } });
const requests = Number(values.requests ?? 20_000);
const rounds = Number(values.rounds ?? 5);

const db = await openPglite();
await migrate(db);
const destination = pino.destination({ dest: '/dev/null', sync: false });
const metrics = new JifenMetrics(db, systemClock);
const apps = {
  off: await buildApp({ db }),
  on: await buildApp({ db, logger: pino({ level: 'info', base: undefined }, destination), metrics }),
};
const cpuPerRequest = async (mode: 'off' | 'on'): Promise<number> => {
  const app = apps[mode];
  const before = process.cpuUsage();
  for (let i = 0; i < requests; i++) {
    const reply = await app.inject({ method: 'GET', url: '/health' });
    if (reply.statusCode !== 200) throw new Error(reply.body);
  }
  const used = process.cpuUsage(before);
  return (used.user + used.system) / requests;
};
await cpuPerRequest('off');
await cpuPerRequest('on');
const figures = { off: [] as number[], on: [] as number[] };
for (let round = 0; round < rounds; round++) {
  figures.off.push(await cpuPerRequest('off'));
  figures.on.push(await cpuPerRequest('on'));
}
const median = (list: number[]) => [...list].sort((a, b) => a - b)[Math.floor(list.length / 2)]!;
const f = (n: number) => n.toFixed(1);
console.log(
  `CPU µs per request, logs+metrics off: ${figures.off.map(f).join(', ')} (median ${f(median(figures.off))})`,
);
console.log(
  `CPU µs per request, logs+metrics on:  ${figures.on.map(f).join(', ')} (median ${f(median(figures.on))})`,
);
console.log(
  `added by logs and metrics: ${f(median(figures.on) - median(figures.off))} µs per request (${f((median(figures.on) / median(figures.off) - 1) * 100)}%)`,
);
metrics.close();
await apps.off.close();
await apps.on.close();
await db.close();
process.exit(0);
