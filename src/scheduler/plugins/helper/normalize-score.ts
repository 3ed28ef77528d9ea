// Upstream's DefaultNormalizeScore: scale scores to [0, max] by the highest one, optionally reversed.

import { MAX_NODE_SCORE, type NodeScore } from '../../framework/interfaces.js';
import { Status } from '../../framework/status.js';

/** score = max × score / highest (integer); reversed: max − that. All zero → 0 (reversed: max). */
export function defaultNormalizeScore(scores: NodeScore[], reverse: boolean, maxPriority = MAX_NODE_SCORE): Status {
  let highest = 0;
  for (const s of scores) if (s.score > highest) highest = s.score;
  if (highest === 0) {
    if (reverse) for (const s of scores) s.score = maxPriority;
    return Status.SUCCESS;
  }
  for (const s of scores) {
    let v = Math.trunc((maxPriority * s.score) / highest);
    if (reverse) v = maxPriority - v;
    s.score = v;
  }
  return Status.SUCCESS;
}
