export * from "./args";
export { ConfigError, resolveConfig } from "./config";
export { EgressTlsOrigination } from "./egressTlsOrigination";
export { CheckCommands } from "./render/checkCommands";
