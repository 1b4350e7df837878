// TODO(#2): CPU reference for layout (stub until implemented).
import type { Storage, StridedView } from '../tensor/backend';

export function gatherStrided(_src: Storage, _view: StridedView): Storage {
  throw new Error('gatherStrided: no CPU reference yet');
}

export function scatterAddStrided(_dst: Storage, _src: Storage, _view: StridedView): void {
  throw new Error('scatterAddStrided: no CPU reference yet');
}
