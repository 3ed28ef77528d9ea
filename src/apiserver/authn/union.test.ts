// Tests for the authenticator chain: order, error precedence, anonymous, system:authenticated.

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { test } from 'node:test';
import { ApiError, errors } from '../../api/status.js';
import { UnionAuthenticator } from './union.js';
import type { Authenticator, UserInfo } from './user.js';

const req = {} as IncomingMessage;
const none: Authenticator = { authenticate: () => null };
const bad: Authenticator = {
  authenticate: () => {
    throw errors.unauthorized();
  },
};
const user = (u: UserInfo): Authenticator => ({ authenticate: async () => u });

test('first non-null wins, and system:authenticated is added once', async () => {
  const u = new UnionAuthenticator([none, user({ name: 'a', groups: ['g'] }), user({ name: 'b', groups: [] })]);
  assert.deepEqual(await u.authenticate(req), { name: 'a', groups: ['g', 'system:authenticated'] });
  const v = new UnionAuthenticator([user({ name: 'a', groups: ['system:authenticated'] })]);
  assert.deepEqual(await v.authenticate(req), { name: 'a', groups: ['system:authenticated'] });
});

test('no credentials: 401 Unauthorized, or system:anonymous when allowed', async () => {
  await assert.rejects(new UnionAuthenticator([none]).authenticate(req), (e: unknown) => e instanceof ApiError && e.code === 401 && e.reason === 'Unauthorized');
  await assert.rejects(new UnionAuthenticator([]).authenticate(req), (e: unknown) => e instanceof ApiError && e.code === 401);
  assert.deepEqual(await new UnionAuthenticator([none], { allowAnonymous: true }).authenticate(req), {
    name: 'system:anonymous',
    groups: ['system:unauthenticated'],
  });
});

test('bad credentials are 401 even with anonymous allowed, unless a later authenticator succeeds', async () => {
  await assert.rejects(new UnionAuthenticator([bad, none], { allowAnonymous: true }).authenticate(req), (e: unknown) => e instanceof ApiError && e.code === 401);
  assert.deepEqual(await new UnionAuthenticator([bad, user({ name: 't', groups: [] })]).authenticate(req), { name: 't', groups: ['system:authenticated'] });
});

test('a non-ApiError failure becomes 401 with the original as cause', async () => {
  const boom = new Error('webhook down');
  const failing: Authenticator = { authenticate: async () => Promise.reject(boom) };
  await assert.rejects(new UnionAuthenticator([failing]).authenticate(req), (e: unknown) => e instanceof ApiError && e.code === 401 && e.cause === boom);
});
