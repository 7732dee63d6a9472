// The server of the staff-adjust bench, in a process of its own per run, with the audit log on or
// off: buildApp's `auditLog` option, which no `jifen` command or environment variable sets. A
// fresh process per run, so that a run without the log never pays for what one with it set up.
import { openDatabase } from '../src/db/open-database.ts';
import { buildApp } from '../src/http/app.ts';
import { systemClock } from '../src/shared/clock.ts';

const [databaseUrl, port, audit] = process.argv.slice(2);
if (!databaseUrl || !port || (audit !== 'on' && audit !== 'off')) {
  console.error('usage: staff-adjust-server.ts DATABASE_URL PORT on|off');
  process.exit(2);
}
const db = await openDatabase({ databaseUrl, maxConnections: 16 });
const app = await buildApp({ db, clock: systemClock, auditLog: audit === 'on' });
await app.listen({ port: Number(port), host: '127.0.0.1' });
process.stdout.write('ready\n');
process.once('SIGTERM', () => {
  void app
    .close()
    .then(() => db.close())
    .finally(() => process.exit(0));
});
