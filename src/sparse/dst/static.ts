// Static sparse training: the mask drawn at init never changes (the baseline in RigL's tables).
import type { RegrowResult } from './regrow';

/** A no-op update, so trainers can treat the three DST methods alike. */
export function staticUpdate(): RegrowResult {
  return { dropped: 0 };
}
