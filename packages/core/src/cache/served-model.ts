/**
 * Before a `serverNamesModel` client (`rerankit serve`) serves cached scores, it asks each of its
 * servers `GET /health` which model it runs. A name in the client's options is only a claim: the
 * backend behind an address can change (a cross-encoder today, BM25 after a redeploy) while a
 * cache (Redis: for a day) keeps the old backend's scores under the old name, and a call whose
 * documents all hit would never reach the server to be refused. Asked on every call with hits,
 * not once per client: a long-lived client must notice a redeploy too. One small GET to a local
 * server costs far less than the scoring the cache saves.
 */
import type { CallState, ClientRuntime } from "../call/attempt.js";
import { RerankBadRequestError } from "../errors.js";
import { utf8 } from "../transport/send.js";

/** /health replies are a few hundred bytes; anything much bigger is not `rerankit serve`'s. */
const MAX_HEALTH_BYTES = 64 * 1024;

/** The `model` of a /health reply, or undefined when the reply is not one. */
function healthModel(status: number, body: Uint8Array): string | undefined {
  if (status !== 200) return undefined;
  try {
    const json = JSON.parse(utf8(body)) as { model?: unknown };
    return typeof json === "object" && json !== null && typeof json.model === "string" ? json.model : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Whether every server of the client says it runs `model`: true, or false when one could not say
 * (no /health there, a proxy's page, a refused connection: then the call sends every document and
 * the server judges the name itself). A server that runs another model is the error its rerank
 * route would give: a RerankBadRequestError. The call's abort (deadline, caller, close) rejects.
 */
export async function confirmServedModel(rt: ClientRuntime, state: CallState, model: string): Promise<boolean> {
  const { o } = rt;
  const origins = [...new Set(o.endpoints.map((e) => e.origin))];
  const answers = await Promise.all(
    origins.map(async (origin) => {
      // Two tries: a keep-alive socket to a server that has since restarted fails the first (the
      // very redeploy this check is for); the rerank route has retries for that, this GET has these.
      for (let attempt = 1; ; attempt++) {
        try {
          const reply = await rt.transport.send({
            origin,
            path: "/health",
            method: "GET",
            headers: o.headers,
            body: "",
            maxResponseBytes: MAX_HEALTH_BYTES,
            signal: state.signal,
            deadline: state.deadline,
          });
          return { origin, runs: healthModel(reply.status, reply.body) };
        } catch {
          if (state.signal.aborted) throw state.signal.reason;
          if (attempt === 2) return { origin, runs: undefined };
        }
      }
    }),
  );
  for (const { origin, runs } of answers) {
    if (runs !== undefined && runs !== model) {
      throw new RerankBadRequestError(
        `${o.provider}: the server at ${origin} runs the model ${JSON.stringify(runs)} (GET /health); the call named ${JSON.stringify(model)}: ` +
          "its cached scores are not served (name the model the server runs, or none)",
        { provider: o.provider, status: 400, retryable: false },
      );
    }
  }
  return answers.every(({ runs }) => runs === model);
}
