/**
 * Contract tests every store driver passes. A driver's integration test calls `storeContract` with
 * a harness factory (a fresh, empty database per call). Not exported from src/store/index.ts so
 * runtime code never loads node:test.
 */
import { agentTokenStoreContract } from './agent-token-contract.js';
import { approvalStoreContract } from './approval-contract.js';
import { artifactStoreContract } from './artifact-contract.js';
import { deliveryStoreContract } from './delivery-contract.js';
import { durabilityContract } from './durability-contract.js';
import type { MakeStoreHarness } from './harness.js';
import { logStoreContract } from './log-contract.js';
import { projectStoreContract } from './project-contract.js';
import { runStoreContract } from './run-contract.js';
import { runWritesContract } from './run-writes-contract.js';
import { secretStoreContract } from './secret-contract.js';
import { stateStoreContract, tokenStoreContract } from './state-token-contract.js';
import { userStoreContract } from './user-contract.js';

export type { MakeStoreHarness, StoreHarness } from './harness.js';
export { secretStoreContract };
export { userStoreContract };
export { deliveryStoreContract, durabilityContract, logStoreContract, projectStoreContract, runStoreContract, stateStoreContract, tokenStoreContract };

export function storeContract(make: MakeStoreHarness): void {
  projectStoreContract(make);
  deliveryStoreContract(make);
  runStoreContract(make);
  runWritesContract(make);
  logStoreContract(make);
  tokenStoreContract(make);
  stateStoreContract(make);
  userStoreContract(make);
  secretStoreContract(make);
  approvalStoreContract(make);
  agentTokenStoreContract(make);
  artifactStoreContract(make);
  durabilityContract(make);
}
