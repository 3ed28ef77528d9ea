// Authenticator chain: asks each authenticator in order; the first identity wins, else anonymous or 401.

import type { IncomingMessage } from 'node:http';
import { ApiError, errors } from '../../api/status.js';
import { ANONYMOUS_USER, SYSTEM_AUTHENTICATED, SYSTEM_UNAUTHENTICATED, type Authenticator, type UserInfo } from './user.js';

export interface UnionOptions {
  /** Requests with no credentials at all become system:anonymous (group system:unauthenticated). Default false. */
  allowAnonymous?: boolean;
}

/**
 * Tries authenticators in order. The first to return a user wins (even after another threw,
 * as upstream: a bad client cert does not spoil a good bearer token); "system:authenticated"
 * is added to its groups. If none returns a user: if any threw, the first ApiError is rethrown
 * (other errors become 401 with the original as `cause`) — bad credentials are never downgraded
 * to anonymous; otherwise anonymous when allowed, else 401 Unauthorized.
 */
export class UnionAuthenticator implements Authenticator {
  constructor(
    private readonly authenticators: readonly Authenticator[],
    private readonly opts: UnionOptions = {},
  ) {}

  async authenticate(req: IncomingMessage): Promise<UserInfo> {
    let failure: unknown;
    for (const a of this.authenticators) {
      let user: UserInfo | null;
      try {
        user = await a.authenticate(req);
      } catch (err) {
        failure ??= err;
        continue;
      }
      if (user) {
        if (!user.groups.includes(SYSTEM_AUTHENTICATED)) user = { ...user, groups: [...user.groups, SYSTEM_AUTHENTICATED] };
        return user;
      }
    }
    if (failure !== undefined) {
      if (failure instanceof ApiError) throw failure;
      const e = errors.unauthorized();
      (e as Error).cause = failure;
      throw e;
    }
    if (this.opts.allowAnonymous) return { name: ANONYMOUS_USER, groups: [SYSTEM_UNAUTHENTICATED] };
    throw errors.unauthorized();
  }
}
