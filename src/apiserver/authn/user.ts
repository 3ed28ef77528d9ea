// Authentication contracts: who sent a request (UserInfo) and the pluggable parts that decide it (Authenticator).

import type { IncomingMessage } from 'node:http';

/** The authenticated identity attached to a request; authorization and admission read it. */
export interface UserInfo {
  name: string;
  uid?: string;
  groups: string[];
  extra?: Record<string, string[]>;
}

/**
 * One way of authenticating a request (client cert, bearer token, ...).
 * Returns null when the request carries no credentials of this kind ("no opinion");
 * throws ApiError 401 when it carries such credentials but they are not valid.
 * Must not consume the request body.
 */
export interface Authenticator {
  authenticate(req: IncomingMessage): UserInfo | null | Promise<UserInfo | null>;
}

/** Well-known users and groups, spelled as upstream Kubernetes does. */
export const SYSTEM_AUTHENTICATED = 'system:authenticated';
export const SYSTEM_UNAUTHENTICATED = 'system:unauthenticated';
export const SYSTEM_MASTERS = 'system:masters';
export const SYSTEM_NODES = 'system:nodes';
export const NODE_USER_PREFIX = 'system:node:';
export const ANONYMOUS_USER = 'system:anonymous';
