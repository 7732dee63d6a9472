import { describe, expect, test } from 'vitest';
import {
  fieldOfError,
  fieldsOf,
  fromMinor,
  PROGRAM_FIELD_OF,
  type ProgramView,
  policyChangeOf,
  programPatchOf,
  toMinor,
  valueOfPoints,
} from './settings-model.ts';

const program: ProgramView = {
  id: 'prg_1',
  name: 'Default program',
  currency: 'CNY',
  pointValue: { points: 100, amountMinor: 100 },
  timezone: 'Asia/Shanghai',
  expiryPolicy: { kind: 'never' },
  negativeBalance: 'cap_at_zero',
  restoredLotGraceDays: 30,
  transferLimits: { minPoints: 1 },
  holdTtlSeconds: 900,
  autoCreateMembers: true,
  createdAt: '2026-12-07T00:00:00.000Z',
  updatedAt: '2026-12-07T00:00:00.000Z',
  archivedAt: null,
};
const policy = {
  pointsAbove: null,
  bulk: false,
  tierAssignments: false,
  expiresAfterHours: 72,
  updatedAt: null,
};

describe('the settings form model', () => {
  test('amounts are shown in the major unit and sent in minor units, by the currency', () => {
    expect(toMinor(1.5, 'CNY')).toBe(150);
    expect(toMinor(150, 'JPY')).toBe(150);
    expect(fromMinor(150, 'CNY')).toBe(1.5);
    expect(toMinor(0.29, 'CNY')).toBe(29);
    // Rounded down, as checkout values points.
    expect(valueOfPoints(150, { points: 100, amountMinor: 1 })).toBe(1);
  });

  test('unchanged fields send nothing; a change sends only what changed', () => {
    const fields = fieldsOf(program, policy);
    expect(programPatchOf(fields, program)).toEqual({});
    expect(policyChangeOf(fields, policy)).toBeNull();
    const changed = {
      ...fields,
      pointValueAmount: 2,
      expiryKind: 'rolling' as const,
      rollingCount: 18,
      transferMin: null,
      transferMax: 500,
      approvalPointsAbove: 1000,
    };
    expect(programPatchOf(changed, program)).toEqual({
      pointValue: { points: 100, amountMinor: 200 },
      expiryPolicy: { kind: 'rolling', unit: 'months', count: 18 },
      transferLimits: { maxPoints: 500 },
    });
    expect(policyChangeOf(changed, policy)).toEqual({
      pointsAbove: 1000,
      bulk: false,
      tierAssignments: false,
      expiresAfterHours: 72,
    });
  });

  test("an API field error belongs to the form field of its path's longest known prefix", () => {
    expect(fieldOfError(['timezone'], PROGRAM_FIELD_OF)).toBe('timezone');
    expect(fieldOfError(['transferLimits', 'maxPoints'], PROGRAM_FIELD_OF)).toBe('transferMax');
    expect(fieldOfError(['pointValue', 'amountMinor'], PROGRAM_FIELD_OF)).toBe('pointValueAmount');
    expect(fieldOfError(['expiryPolicy', 'date'], PROGRAM_FIELD_OF)).toBe('fixedDate');
    expect(fieldOfError(['color'], PROGRAM_FIELD_OF)).toBeNull();
  });
});
