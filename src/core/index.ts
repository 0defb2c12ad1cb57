export * from './clock.js';
export * from './diagnostics.js';
export * from './duration.js';
export * from './error-codes.js';
export * from './errors.js';
export * from './status.js';
export * from './run-events.js';
export * from './manual-clock.js';
