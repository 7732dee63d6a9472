import { afterAll, beforeAll, describe } from 'vitest';
import { openTestApi, type TestApi } from '../support/test-api.ts';
import { ENGINES } from '../support/test-database.ts';
import { httpEdgeScenarios } from './http-edges.scenarios.ts';
import { idempotencyScenarios } from './idempotency.scenarios.ts';
import { apiKeyScenarios } from './keys.scenarios.ts';
import { memberScenarios } from './members.scenarios.ts';
import { paginationScenarios } from './pagination.scenarios.ts';

/**
 * The scenario tables of everything around the ledger: members and authentication, API keys,
 * idempotency, HTTP edges and pagination (see *.scenarios.ts), on one database per engine.
 */
describe.each(ENGINES)('API surface (%s)', (engine) => {
  let api: TestApi;
  beforeAll(async () => {
    api = await openTestApi(engine);
  });
  afterAll(async () => api.close());
  const use = () => api;

  memberScenarios(use);
  apiKeyScenarios(use);
  idempotencyScenarios(use);
  httpEdgeScenarios(use);
  paginationScenarios(use);
});
