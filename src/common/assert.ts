import { SiftError, type SiftErrorCode } from './errors';

export function assert(
  condition: unknown,
  message: string,
  code: SiftErrorCode = 'INVALID_ARGUMENT',
): asserts condition {
  if (!condition) throw new SiftError(code, message);
}
