import { expect } from "vitest";
import { ArgumentError, flagName } from "../../../core/errors.js";

/** Asserts that `run` fails with an ArgumentError naming `argument`, and returns its message. */
export function expectArgumentError(run: () => unknown, argument: string, problem?: RegExp): string {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught, `expected an ArgumentError for ${argument}`).toBeInstanceOf(ArgumentError);
  const error = caught as ArgumentError;
  expect(error.argument).toBe(argument);
  expect(error.message.startsWith(`${flagName(argument)}: `)).toBe(true);
  if (problem) expect(error.message).toMatch(problem);
  return error.message;
}
