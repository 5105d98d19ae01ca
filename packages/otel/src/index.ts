export { openTelemetryHooks, type OpenTelemetryHooksOptions, type RerankTracingHooks } from "./otel.js";
