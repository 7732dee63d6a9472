import { randomUUID } from 'node:crypto';
import type { TestApi } from '../../support/test-api.ts';
import { ok, type WriteCases } from './write-case.ts';

/** Staff and custom roles (issue 16). */

async function newStaff(program: TestApi): Promise<string> {
  const body = {
    login: `s-${randomUUID()}@example.com`,
    name: '店员',
    role: 'finance',
    password: 'long enough pw',
  };
  return (await ok(program, 'POST', '/v1/staff', body)).id;
}

async function newRole(program: TestApi): Promise<string> {
  return (
    await ok(program, 'POST', '/v1/roles', { name: `r-${randomUUID()}`, permissions: ['members:read'] })
  ).id;
}

export const staffCases: WriteCases = {
  'POST /v1/staff': {
    prepare: async () => ({
      request: {
        url: '/v1/staff',
        body: { login: 'li.na@example.com', name: '李娜', role: 'operator', password: 'long enough pw' },
      },
      other: {
        url: '/v1/staff',
        body: { login: 'wang.fang@example.com', name: '王芳', role: 'finance', password: 'long enough pw' },
      },
    }),
  },
  'PATCH /v1/staff/{staffId}': {
    prepare: async (program) => {
      const [first, second] = [await newStaff(program), await newStaff(program)];
      return {
        request: { url: `/v1/staff/${first}`, body: { name: '李娜' } },
        other: { url: `/v1/staff/${second}`, body: { role: 'auditor' } },
      };
    },
  },
  'POST /v1/staff/{staffId}/password-reset': {
    prepare: async (program) => {
      const [first, second] = [await newStaff(program), await newStaff(program)];
      return {
        request: { url: `/v1/staff/${first}/password-reset`, body: { password: 'a new long password' } },
        other: { url: `/v1/staff/${second}/password-reset`, body: { password: 'a new long password' } },
      };
    },
  },
  'POST /v1/roles': {
    prepare: async () => ({
      request: { url: '/v1/roles', body: { name: 'greeter', permissions: ['members:read'] } },
      other: { url: '/v1/roles', body: { name: 'till', permissions: ['members:read', 'ledger:credit'] } },
    }),
  },
  'PATCH /v1/roles/{roleId}': {
    prepare: async (program) => {
      const [first, second] = [await newRole(program), await newRole(program)];
      return {
        request: { url: `/v1/roles/${first}`, body: { permissions: ['members:read', 'rules:read'] } },
        other: { url: `/v1/roles/${second}`, body: { name: 'renamed' } },
      };
    },
  },
  'DELETE /v1/roles/{roleId}': {
    prepare: async (program) => {
      const [first, second] = [await newRole(program), await newRole(program)];
      return { request: { url: `/v1/roles/${first}` }, other: { url: `/v1/roles/${second}` } };
    },
  },
};
