/**
 * `fetch`es that do not play along (issue 20, item 2), for the transport tests and the hardening
 * figures (test/faults/hardening-figures.ts): they talk to a real server but ignore what the
 * transport asks of them.
 */

/** A fetch that drops the signal it is given: the request runs until the server ends it. */
export const deafFetch = ((input: string, init: RequestInit) => fetch(input, { ...init, signal: undefined })) as typeof fetch;

/**
 * A fetch whose response body ignores its signal and `cancel()` (a cancel that never settles, as
 * a hand-rolled polyfill's can): it relays the real body, one chunk a read.
 */
export const stubbornBodyFetch = (async (input: string, init: RequestInit) => {
  const real = await fetch(input, { ...init, signal: undefined });
  const reader = real.body!.getReader();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) controller.close();
      else controller.enqueue(value);
    },
    cancel: () => new Promise<void>(() => {}),
  });
  return new Response(body, { status: real.status, headers: real.headers });
}) as typeof fetch;
