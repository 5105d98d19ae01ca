// A module-resolution hook that refuses undici, as a runtime without it would (see edge.test.ts).
export async function resolve(specifier, context, next) {
  if (specifier === "undici" || specifier.startsWith("undici/")) throw new Error("undici cannot load here");
  return next(specifier, context);
}
