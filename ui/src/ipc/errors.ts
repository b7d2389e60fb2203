import type { AppError } from "./bindings/AppError";
import type { ErrorKind } from "./bindings/ErrorKind";

/** What a failed command rejects with: the engine's AppError, as an Error. */
export class EngineError extends Error implements AppError {
  readonly kind: ErrorKind;
  readonly node?: string;
  readonly port?: string;

  constructor(error: AppError) {
    super(error.message);
    this.name = "EngineError";
    this.kind = error.kind;
    if (error.node !== undefined) this.node = error.node;
    if (error.port !== undefined) this.port = error.port;
  }
}

/** Whatever a command or a store action threw, as an AppError (commands reject with one). */
export function toAppError(error: unknown): AppError {
  if (error instanceof EngineError) return error;
  if (typeof error === "object" && error !== null && "kind" in error && "message" in error) {
    return error as AppError;
  }
  return { kind: "internal", message: error instanceof Error ? error.message : String(error) };
}
