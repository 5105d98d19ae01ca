/**
 * Imports an optional peer package (@rerankit/transformers, @rerankit/redis, @rerankit/llm) on
 * demand. The specifier arrives as a variable so that bundlers and tsc leave the peer alone; a
 * missing package becomes `missing()` (the error that tells the user what to install), any other
 * failure is rethrown as it is.
 */
export async function importOptionalPeer<T>(specifier: string, missing: () => Error): Promise<T> {
  try {
    return (await import(specifier)) as T;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") throw missing();
    throw error;
  }
}
