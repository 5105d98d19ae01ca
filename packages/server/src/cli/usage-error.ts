/** A command line the CLI cannot run: wrong flags, a missing argument, an unreadable input. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
