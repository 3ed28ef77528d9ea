// Registry: plugin name → factory. The scheduler merges the in-tree registry with the user's (out-of-tree) one.

import type { PluginFactory } from './interfaces.js';

export class Registry {
  private readonly factories = new Map<string, PluginFactory>();

  constructor(entries?: Record<string, PluginFactory>) {
    if (entries) for (const [name, f] of Object.entries(entries)) this.register(name, f);
  }

  /** Throws when the name is taken (a configuration error at startup, as upstream's Registry.Register). */
  register(name: string, factory: PluginFactory): this {
    if (this.factories.has(name)) throw new Error(`a plugin named ${name} already exists`);
    this.factories.set(name, factory);
    return this;
  }

  get(name: string): PluginFactory | undefined {
    return this.factories.get(name);
  }

  has(name: string): boolean {
    return this.factories.has(name);
  }

  names(): string[] {
    return [...this.factories.keys()];
  }

  /** A new registry with both sets of plugins; a name in both is an error. */
  merge(other: Registry | undefined): Registry {
    const r = new Registry();
    for (const [n, f] of this.factories) r.register(n, f);
    if (other) for (const n of other.names()) r.register(n, other.get(n)!);
    return r;
  }
}
