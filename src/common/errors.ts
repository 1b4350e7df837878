// Errors with stable codes: the UI maps codes to human text, tests assert on codes.

export type SiftErrorCode =
  | 'GPU_UNAVAILABLE'
  | 'GPU_DEVICE_LOST'
  | 'GPU_VALIDATION'
  | 'GPU_OUT_OF_MEMORY'
  | 'SHAPE_MISMATCH'
  | 'INVALID_ARGUMENT'
  | 'TENSOR_RELEASED'
  | 'NAN_LOSS'
  | 'SAFETENSORS_TOO_SHORT'
  | 'SAFETENSORS_HEADER_TOO_LARGE'
  | 'SAFETENSORS_BAD_HEADER'
  | 'SAFETENSORS_BAD_DTYPE'
  | 'SAFETENSORS_BAD_OFFSETS'
  | 'CIFAR_BAD_LENGTH'
  | 'CIFAR_BAD_LABEL'
  | 'CIFAR_NO_BATCHES'
  | 'GZIP_NOT_GZIP'
  | 'GZIP_CORRUPT'
  | 'TAR_CORRUPT'
  | 'DATASET_BAD_FORMAT'
  | 'DATASET_MISSING'
  | 'TEXT_TOO_SHORT'
  | 'TEXT_BAD_UTF8'
  | 'CONFIG_INVALID'
  | 'CHECKPOINT_MISMATCH'
  | 'CHECKPOINT_INVALID'
  | 'CHECKPOINT_FAILED'
  | 'SAFETENSORS_DUPLICATE_NAME'
  | 'DIVERGED'
  | 'LABEL_OUT_OF_RANGE'
  | 'CONFIG_TOO_LARGE'
  | 'FILE_NOT_FOUND'
  | 'FILE_IS_DIRECTORY'
  | 'FILE_NOT_WRITABLE'
  | 'FILE_ERROR'
  | 'INTERNAL';

export class SiftError extends Error {
  readonly code: SiftErrorCode;
  constructor(code: SiftErrorCode, message: string) {
    super(message);
    this.name = 'SiftError';
    this.code = code;
  }
}

export function isSiftError(e: unknown): e is SiftError {
  return e instanceof SiftError;
}
