import type { Dialect } from "./shared/dialect.js";
import { compact } from "./shared/dialect.js";
import { resultsDialect } from "./shared/results.js";
import { type ProviderPreset, UNDOCUMENTED_LIMIT } from "./shared/preset.js";

const base = resultsDialect({});

/**
 * Xorbits Inference (`POST /v1/rerank`, model = the model UID): the Cohere form. Extra model
 * arguments travel in `kwargs`, a JSON-encoded string that the server `json.loads` and passes to
 * the model, so the instruction goes there: `kwargs: "{\"instruction\": …}"`. Usage is
 * `meta.tokens.input_tokens` (and `meta.billed_units` may be null).
 */
export const xinference: Dialect = {
  ...base,
  acceptsInstruct: true,
  buildBody(request) {
    const { instruct, extraBody, ...rest } = request;
    return compact({
      ...base.buildBody(rest),
      kwargs: instruct === undefined ? undefined : JSON.stringify({ instruction: instruct }),
      ...extraBody,
    });
  },
};

/** The xinference preset: where it lives, its key and limits, and the dialect above. */
export const xinferenceProvider = {
  label: "Xinference",
  dialect: xinference,
  baseURL: undefined,
  apiKeyEnv: "XINFERENCE_API_KEY",
  baseURLEnv: "XINFERENCE_BASE_URL",
  requiresApiKey: false,
  defaultModel: undefined,
  maxDocumentsPerRequest: UNDOCUMENTED_LIMIT,
  scoreKind: "probability",
  docs: "https://inference.readthedocs.io/en/latest/models/model_abilities/rerank.html",
} satisfies ProviderPreset;
