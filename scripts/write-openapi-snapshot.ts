// The tests' environment (their master key for personal data), as the replayed app needs one.
import '../test/support/test-environment.ts';
import { writeFileSync } from 'node:fs';
import { snapshotDocument } from '../test/support/openapi-snapshot.ts';
import { replayAgainst } from '../test/support/replay-examples.ts';
import { openTestApi } from '../test/support/test-api.ts';

/**
 * `npm run openapi:snapshot` runs this twice. `answers`: replays the request examples against a
 * fresh in-process server and records their answers as the response examples
 * (src/http/operation-answers.json). `document`: (a new process, so it reads those answers) writes
 * the document the server serves to docs/openapi.json, the snapshot a test compares it with.
 * Nothing else writes either file: a contract change shows in review as a diff of the snapshot.
 */
const ANSWERS = new URL('../src/http/operation-answers.json', import.meta.url);
const SNAPSHOT = new URL('../docs/openapi.json', import.meta.url);

const step = process.argv[2];
if (step === 'answers') {
  const recording = await openTestApi('pglite');
  const answers: Record<string, unknown> = {};
  try {
    for (const replayed of await replayAgainst(recording)) {
      if (replayed.status !== replayed.example.status) {
        throw new Error(
          `${replayed.operationId}: ${replayed.method} ${replayed.url} answered ${replayed.status}, the example says ${replayed.example.status}: ${JSON.stringify(replayed.body)}`,
        );
      }
      if (replayed.body !== undefined) answers[replayed.operationId] = replayed.body;
    }
  } finally {
    await recording.close();
  }
  writeFileSync(ANSWERS, `${JSON.stringify(answers, null, 2)}\n`);
  console.log(`wrote ${ANSWERS.pathname}`);
} else if (step === 'document') {
  writeFileSync(SNAPSHOT, `${JSON.stringify(await snapshotDocument(), null, 2)}\n`);
  console.log(`wrote ${SNAPSHOT.pathname}`);
} else {
  throw new Error('usage: write-openapi-snapshot.ts answers|document');
}
