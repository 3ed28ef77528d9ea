// Status: the outcome of a plugin call, as upstream's framework.Status (expected failures are values, never thrown).

export enum Code {
  Success = 0,
  /** an internal error: the pod is retried with backoff */
  Error = 1,
  /** the node does not fit now; preemption (PostFilter) may help */
  Unschedulable = 2,
  /** the node does not fit and preemption cannot change that */
  UnschedulableAndUnresolvable = 3,
  /** Permit: hold the pod until allowed, rejected or timed out */
  Wait = 4,
  /** PreFilter/PreScore: the plugin has nothing to do for this pod; its Filter/Score is skipped */
  Skip = 5,
}

const CODE_NAMES = ['Success', 'Error', 'Unschedulable', 'UnschedulableAndUnresolvable', 'Wait', 'Skip'];

export class Status {
  /** the plugin that returned it (set by the framework) */
  plugin = '';

  constructor(readonly code: Code, readonly reasons: readonly string[] = [], readonly error?: Error) {}

  /** The shared success value; never mutate it. */
  static readonly SUCCESS: Status = Object.freeze(new Status(Code.Success)) as Status;
  static readonly SKIP: Status = Object.freeze(new Status(Code.Skip)) as Status;

  static success(): Status {
    return Status.SUCCESS;
  }

  static skip(): Status {
    return Status.SKIP;
  }

  static unschedulable(...reasons: string[]): Status {
    return new Status(Code.Unschedulable, reasons);
  }

  static unresolvable(...reasons: string[]): Status {
    return new Status(Code.UnschedulableAndUnresolvable, reasons);
  }

  static error(err: Error | string): Status {
    const e = typeof err === 'string' ? new Error(err) : err;
    return new Status(Code.Error, [e.message], e);
  }

  static wait(...reasons: string[]): Status {
    return new Status(Code.Wait, reasons);
  }

  isSuccess(): boolean {
    return this.code === Code.Success;
  }

  isSkip(): boolean {
    return this.code === Code.Skip;
  }

  isWait(): boolean {
    return this.code === Code.Wait;
  }

  /** Unschedulable or UnschedulableAndUnresolvable */
  isRejected(): boolean {
    return this.code === Code.Unschedulable || this.code === Code.UnschedulableAndUnresolvable;
  }

  /** the reasons joined with ", " */
  message(): string {
    return this.reasons.join(', ');
  }

  /** A copy attributed to a plugin (frozen shared values are never modified). */
  withPlugin(name: string): Status {
    const s = Object.isFrozen(this) ? new Status(this.code, this.reasons, this.error) : this;
    s.plugin = name;
    return s;
  }

  codeName(): string {
    return CODE_NAMES[this.code] ?? String(this.code);
  }

  toString(): string {
    return this.reasons.length ? `${this.codeName()}: ${this.message()}` : this.codeName();
  }
}
