/** The EvalDataError a loader or parser throws, checked to be one, for tests that read its file, line and message. */
import { expect } from "vitest";
import { EvalDataError } from "../../src/index.js";

/** The error thrown by fn, checked to be an EvalDataError. */
export function dataError(fn: () => unknown): EvalDataError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(EvalDataError);
    return error as EvalDataError;
  }
  throw new Error("expected an EvalDataError");
}

/** The error the promise rejects with, checked to be an EvalDataError. */
export async function dataErrorAsync(promise: Promise<unknown>): Promise<EvalDataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvalDataError);
  return error as EvalDataError;
}
