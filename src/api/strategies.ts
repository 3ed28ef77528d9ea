// TEMPORARY stub (the kinds engineer replaces this file): the default strategy for every kind.
import type { KindStrategy } from './strategy.js';
export function strategyFor(_group: string, _kind: string): KindStrategy {
  return {};
}
