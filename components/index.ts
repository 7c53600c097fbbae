export * from "./args";
export { ConfigError, resolveConfig } from "./config";
export { CheckCommands, EgressTlsOrigination } from "./egressTlsOrigination";
