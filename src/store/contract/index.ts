/**
 * Contract tests every store driver passes. A driver's integration test calls `storeContract` with
 * a harness factory (a fresh, empty database per call). Not exported from src/store/index.ts so
 * runtime code never loads node:test.
 */
import { deliveryStoreContract } from './delivery-contract.js';
import { durabilityContract } from './durability-contract.js';
import type { MakeStoreHarness } from './harness.js';
import { logStoreContract } from './log-contract.js';
import { projectStoreContract } from './project-contract.js';
import { runStoreContract } from './run-contract.js';
import { stateStoreContract, tokenStoreContract } from './state-token-contract.js';

export type { MakeStoreHarness, StoreHarness } from './harness.js';
export { deliveryStoreContract, durabilityContract, logStoreContract, projectStoreContract, runStoreContract, stateStoreContract, tokenStoreContract };

export function storeContract(make: MakeStoreHarness): void {
  projectStoreContract(make);
  deliveryStoreContract(make);
  runStoreContract(make);
  logStoreContract(make);
  tokenStoreContract(make);
  stateStoreContract(make);
  durabilityContract(make);
}
