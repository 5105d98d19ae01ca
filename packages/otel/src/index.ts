export { openTelemetryHooks, type OpenTelemetryHooksOptions } from "./otel.js";
export type { RerankCallInfo, RerankTracingHooks } from "./hooks.js";
