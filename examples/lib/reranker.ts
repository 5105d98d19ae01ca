/**
 * Picks the reranker the examples use. Offline (the default) that is the local Rerankit server
 * (`@rerankit/server`, BM25 behind a Cohere-form endpoint) on an ephemeral loopback port, called
 * over real HTTP through `RerankClient`. With `RERANKIT_PROVIDER` set to a preset id and that
 * preset's API-key variable (or `RERANK_API_KEY`) set, the same code calls that provider instead.
 */
import process from "node:process";
import { getPreset, providerIds, RerankClient, type ProviderId, type Reranker } from "@rerankit/core";
import { startRerankServer } from "@rerankit/server";

export type Env = Record<string, string | undefined>;

export interface RerankerChoice {
  /** The client every example calls: it speaks HTTP to the local server or to the provider. */
  client: RerankClient;
  provider: ProviderId;
  /** One line saying what is being used, for printing. */
  label: string;
  /** True when this is the local BM25 server (no key, no internet). */
  local: boolean;
  /** Closes the client, and the local server if one was started. */
  close(): Promise<void>;
}

/**
 * The providers to compare: every hosted preset whose own key variable is set in `env`, plus the
 * one `RERANKIT_PROVIDER` names (a self-hosted server with `RERANKIT_BASE_URL`, or a key given
 * only as `RERANK_API_KEY`).
 */
export function providersWithKeys(env: Env = process.env): ProviderId[] {
  const ids = keyedPresets()
    .filter(([, envVar]) => Boolean(env[envVar]))
    .map(([id]) => id);
  const requested = requestedProvider(env).provider;
  if (requested !== undefined && !ids.includes(requested)) ids.push(requested);
  return ids;
}

function keyedPresets(): [ProviderId, string][] {
  return providerIds.flatMap((id) => {
    const preset = getPreset(id);
    return preset?.requiresApiKey && preset.apiKeyEnv && preset.baseURL ? [[id, preset.apiKeyEnv] as [ProviderId, string]] : [];
  });
}

/**
 * The provider named by `RERANKIT_PROVIDER` when its key is present; otherwise no provider, with a
 * note saying why when one was asked for. A name that is not a preset is an error (a typo should
 * not silently fall back to offline).
 */
export function requestedProvider(
  env: Env = process.env,
): { provider: ProviderId; note?: undefined } | { provider?: undefined; note?: string } {
  const name = env.RERANKIT_PROVIDER?.trim();
  if (!name || name === "rerankit") return {};
  const preset = getPreset(name);
  if (!preset) throw new Error(`RERANKIT_PROVIDER=${name} is not a Rerankit provider; choose one of: ${providerIds.join(", ")}`);
  const hasKey = (preset.apiKeyEnv !== undefined && Boolean(env[preset.apiKeyEnv])) || Boolean(env.RERANK_API_KEY);
  if (preset.requiresApiKey && !hasKey) {
    return { note: `RERANKIT_PROVIDER=${name}, but ${preset.apiKeyEnv ?? "RERANK_API_KEY"} is not set: using the local server instead.` };
  }
  if (!preset.baseURL && !env.RERANKIT_BASE_URL) {
    return { note: `RERANKIT_PROVIDER=${name} is self-hosted: set RERANKIT_BASE_URL to its URL. Using the local server instead.` };
  }
  return { provider: name as ProviderId };
}

/**
 * A client for one provider preset, keyed from the environment. `RERANKIT_MODEL` and
 * `RERANKIT_BASE_URL` apply only to the provider `RERANKIT_PROVIDER` names, so a comparison over
 * every keyed provider sends each one to its own default URL and model.
 */
export function providerClient(provider: ProviderId, env: Env = process.env): RerankClient {
  const named = env.RERANKIT_PROVIDER?.trim() === provider;
  const keyEnv = getPreset(provider)?.apiKeyEnv;
  const apiKey = (keyEnv && env[keyEnv]) || env.RERANK_API_KEY;
  return new RerankClient({
    provider,
    ...(apiKey ? { apiKey } : {}),
    ...(named && env.RERANKIT_MODEL ? { model: env.RERANKIT_MODEL } : {}),
    ...(named && env.RERANKIT_BASE_URL ? { baseURL: env.RERANKIT_BASE_URL } : {}),
  });
}

/** What the local server ranks with, and its name for printing. */
export interface LocalBackend {
  reranker: Reranker;
  /** e.g. "BM25". */
  name: string;
}

/**
 * Starts the local server on an ephemeral loopback port and a client for it. It ranks with BM25
 * unless `backend` names another in-process reranker (e.g. a local cross-encoder).
 */
export async function localReranker(backend?: LocalBackend): Promise<RerankerChoice> {
  const server = await startRerankServer(backend ? { reranker: backend.reranker } : {});
  const client = new RerankClient({ provider: "rerankit", baseURL: `${server.url}/v1` });
  return {
    client,
    provider: "rerankit",
    label: `local Rerankit server (${backend?.name ?? "BM25"}) on 127.0.0.1, over HTTP`,
    local: true,
    async close() {
      await client.close();
      await server.close();
    },
  };
}

/** The reranker for this run: `RERANKIT_PROVIDER` with its key, else the local server (ranking with `backend`, default BM25). */
export async function openReranker(env: Env = process.env, backend?: LocalBackend): Promise<RerankerChoice & { note?: string }> {
  const wanted = requestedProvider(env);
  if (wanted.provider === undefined) {
    const local = await localReranker(backend);
    return wanted.note ? { ...local, note: wanted.note } : local;
  }
  const client = providerClient(wanted.provider, env);
  const preset = getPreset(wanted.provider)!;
  return {
    client,
    provider: wanted.provider,
    label: `${preset.label} (${wanted.provider}, model ${client.model ?? "default"}) from RERANKIT_PROVIDER`,
    local: false,
    close: () => client.close(),
  };
}
