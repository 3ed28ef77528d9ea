// CycleState: per-pod scratch data plugins share within one scheduling cycle (PreFilter → Filter, PreScore → Score).

/** Data stored in a CycleState; clone() is used when preemption dry-runs on a copy of the state. */
export interface StateData {
  clone(): StateData;
}

/**
 * One scheduling attempt's state. Written by plugins at PreFilter/PreScore (keyed by a name
 * of their own), read later in the same cycle. Not shared across pods.
 */
export class CycleState {
  private readonly data = new Map<string, StateData>();
  /** plugins whose PreFilter returned Skip: their Filter is not called this cycle */
  skipFilterPlugins: Set<string> = new Set();
  /** plugins whose PreScore returned Skip: their Score is not called this cycle */
  skipScorePlugins: Set<string> = new Set();

  read<T extends StateData>(key: string): T | undefined {
    return this.data.get(key) as T | undefined;
  }

  write(key: string, value: StateData): void {
    this.data.set(key, value);
  }

  delete(key: string): void {
    this.data.delete(key);
  }

  clone(): CycleState {
    const c = new CycleState();
    for (const [k, v] of this.data) c.data.set(k, v.clone());
    c.skipFilterPlugins = new Set(this.skipFilterPlugins);
    c.skipScorePlugins = new Set(this.skipScorePlugins);
    return c;
  }
}
