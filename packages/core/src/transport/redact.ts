/** Keeping secrets (the API key, credential headers) out of every text that leaves the client. */

const MAX_MESSAGE = 500;

/** Shortens a message and removes every occurrence of any secret in it. */
export function scrub(message: string, secrets: readonly string[]): string {
  let out = message.replace(/\s+/g, " ").trim();
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  if (out.length > MAX_MESSAGE) out = `${out.slice(0, MAX_MESSAGE)}…`;
  return out;
}

export function scrubOptional(text: string | undefined, secrets: readonly string[]): string | undefined {
  return text === undefined ? undefined : scrub(text, secrets);
}

/** A URL fit for a log line or a hook event: no credentials, and any secret in the path or query removed. */
export function redactURL(url: string, secrets: readonly string[]): string {
  // A key in the query string (`?api_key=…`, `&token=…`) is redacted even when it is not the client's key.
  let out = url.replace(/([?&][^=&#]*(?:key|token|secret|sig|auth|pass)[^=&#]*=)[^&#]*/gi, "$1[redacted]");
  for (const secret of secrets) if (secret.length >= 4) out = out.split(secret).join("[redacted]");
  return out;
}
