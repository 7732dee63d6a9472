import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Imports: a file checked as a dry run, committed, undone. */

const members = (...ids: string[]) => ({ kind: 'members', content: `memberId\n${ids.join('\n')}\n` });

async function dryRun(program: TestApi, ...ids: string[]): Promise<string> {
  return (await ok(program, 'POST', '/v1/imports', members(...ids))).id;
}

async function committed(program: TestApi, ...ids: string[]): Promise<string> {
  const importId = await dryRun(program, ...ids);
  await ok(program, 'POST', `/v1/imports/${importId}/commit`, {});
  await program.importCommits.idle(); // committed in the background
  return importId;
}

export const importCases: WriteCases = {
  'POST /v1/imports': {
    prepare: async () => ({
      request: { url: '/v1/imports', body: members('im-1', 'im-2') },
      other: { url: '/v1/imports', body: members('im-3') },
    }),
  },
  'POST /v1/imports/{importId}/commit': {
    prepare: async (program) => {
      const importId = await dryRun(program, 'ic-1');
      const otherId = await dryRun(program, 'ic-2');
      return {
        request: { url: `/v1/imports/${importId}/commit`, body: {} },
        other: { url: `/v1/imports/${otherId}/commit`, body: {} },
      };
    },
  },
  'POST /v1/imports/{importId}/undo': {
    prepare: async (program) => {
      const importId = await committed(program, 'iu-1');
      const otherId = await committed(program, 'iu-2');
      return {
        request: { url: `/v1/imports/${importId}/undo` },
        other: { url: `/v1/imports/${otherId}/undo` },
      };
    },
  },
};
