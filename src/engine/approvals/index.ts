export { ApprovalGate, approvalReason, protectedEnvironmentOf, type DecisionInput } from './approval-gate.js';
