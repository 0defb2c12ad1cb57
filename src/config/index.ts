/**
 * Settings of the server, agent and CLI. One schema per domain gives the types, defaults, GANTRY_*
 * environment variables, flags and help; `loadConfig` layers defaults < file < env < flags,
 * validates once and returns a deep-frozen value to pass explicitly. No work at import time.
 */
export type { ConfigDomain, ConfigOf, DefaultContext, SettingDef, SettingInfo } from './domain.js';
export { defineDomain, envName, flagName } from './domain.js';
export type { HostPort } from './setting-kinds.js';
export { loadConfig, type ConfigSources } from './load-config.js';
export { readConfigFile, type ConfigFile } from './config-file.js';
export { deepFreeze } from './deep-freeze.js';
export { flagSpec, flagHelp, settingsMarkdownTable } from './help.js';
export { serverSettings, clientSettings, resolveDockerHost, LOG_LEVELS, type ServerConfig, type ClientConfig } from './server-config.js';
