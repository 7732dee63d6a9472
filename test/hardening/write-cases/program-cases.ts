import type { TestApi } from '../../support/test-api.ts';
import { adminOf, ok, type WriteCases } from './write-case.ts';

/** The admin key's programs (issue 14). */

async function newProgram(program: TestApi, name: string): Promise<string> {
  return (await ok(adminOf(program), 'POST', '/v1/programs', { name })).id;
}

export const programCases: WriteCases = {
  'POST /v1/programs': {
    asAdmin: true,
    prepare: async () => ({
      request: { url: '/v1/programs', body: { name: 'Tea House', currency: 'USD' } },
      other: { url: '/v1/programs', body: { name: 'Coffee House' } },
    }),
  },
  'POST /v1/programs/{programId}/archive': {
    asAdmin: true,
    prepare: async (program) => {
      const [first, second] = [
        await newProgram(program, 'closing'),
        await newProgram(program, 'closing too'),
      ];
      return {
        request: { url: `/v1/programs/${first}/archive` },
        other: { url: `/v1/programs/${second}/archive` },
      };
    },
  },
  'POST /v1/programs/{programId}/keys': {
    asAdmin: true,
    secretShownOnce: true,
    prepare: async (program) => {
      const [first, second] = [
        await newProgram(program, 'keyless'),
        await newProgram(program, 'keyless too'),
      ];
      return {
        request: { url: `/v1/programs/${first}/keys`, body: { name: 'owner' } },
        other: { url: `/v1/programs/${second}/keys`, body: { name: 'owner' } },
      };
    },
  },
};
