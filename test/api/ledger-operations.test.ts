import { afterAll, beforeAll, describe } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { adjustmentScenarios } from './adjustments.scenarios.ts';
import { creditScenarios } from './credits.scenarios.ts';
import { debitScenarios } from './debits.scenarios.ts';
import { holdScenarios } from './holds.scenarios.ts';
import { reversalScenarios } from './reversal.scenarios.ts';
import { transferScenarios } from './transfers.scenarios.ts';

/**
 * The scenario tables of the ledger operations, one per operation (see *.scenarios.ts). They share
 * one database per engine, because opening one costs more than most tables; every scenario runs
 * in a program of its own, and each table ends with `jifen verify` finding nothing wrong.
 */
describe.each(ENGINES)('ledger operations (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());
  const use = () => api;

  creditScenarios(use);
  debitScenarios(use);
  adjustmentScenarios(use);
  reversalScenarios(use);
  transferScenarios(use);
  holdScenarios(use);
});
