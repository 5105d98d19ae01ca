/** The EvalDataError a loader or parser throws, checked to be one, for tests that read its file, line and message. */
import { expect } from "vitest";
import { thrown } from "../../../core/test/helpers/thrown.js";
import { EvalDataError } from "../../src/index.js";

/** The error thrown by fn, checked to be an EvalDataError. */
export const dataError = (fn: () => unknown): EvalDataError => thrown(fn, EvalDataError);

/** The error the promise rejects with, checked to be an EvalDataError. */
export async function dataErrorAsync(promise: Promise<unknown>): Promise<EvalDataError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EvalDataError);
  return error as EvalDataError;
}
