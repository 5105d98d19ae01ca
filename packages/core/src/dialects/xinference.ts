import type { Dialect } from "./dialect.js";
import { compact } from "./dialect.js";
import { resultsDialect } from "./results.js";

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
