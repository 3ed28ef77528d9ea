// RFC 6902 JSON Patch (application/json-patch+json), applied and refused the way the Kubernetes API server does.

import { ApiError, errors } from '../../api/status.js';
import { cloneJson, isObject, jsonEqual, setKey, type JsonObject } from './json-value.js';

/** Upstream's cap on operations in one JSON patch (more → 413). */
export const MAX_JSON_PATCH_OPERATIONS = 10000;

/** Upstream's message for every patch that decodes but does not apply (HTTP 422, reason Invalid). */
export const PATCH_NOT_APPLICABLE_MESSAGE = 'the server rejected our request due to an error in our request';

export interface JsonPatchOptions {
  /**
   * Strict RFC 6902. By default (false) the patch behaves as the Kubernetes API server's (evanphx/json-patch v4), which
   * clients rely on: `replace` of a missing object member adds it, `test` of a missing member against null (or no
   * value) passes, `copy` from a missing object member copies null, negative array indices count from the end, an
   * operation without `value` uses null. Strict mode refuses all five.
   */
  strict?: boolean;
}

type Container = JsonObject | unknown[];

/** Raised inside an operation; becomes the 422 at the end of applyJsonPatch. */
class OperationError extends Error {}

/**
 * Applies `patch` (the parsed request body) to `doc` and returns the new document. Neither input is mutated and the
 * result shares no objects with them; the patch is atomic (any failure leaves nothing half-applied).
 * Failures, as upstream's API server answers them:
 * - the body is not an array of objects: 400 BadRequest, worded like Go's JSON decoder (a null body is an empty patch);
 * - more than MAX_JSON_PATCH_OPERATIONS operations: 413 RequestEntityTooLarge;
 * - an operation that does not apply (unknown op, missing path or from, bad array index, failed test): 422 Invalid with
 *   PATCH_NOT_APPLICABLE_MESSAGE and empty details, exactly as upstream; the specific reason (json-patch's wording, e.g.
 *   `testing value /spec/replicas failed: test failed`) is in `error.cause.message`, for logs only.
 */
export function applyJsonPatch(doc: unknown, patch: unknown, options: JsonPatchOptions = {}): unknown {
  const ops = decodePatch(patch);
  const strict = options.strict === true;
  let root = cloneJson(doc);
  try {
    for (const op of ops) root = applyOperation(root, op ?? {}, strict);
  } catch (e) {
    if (!(e instanceof OperationError)) throw e;
    const err = new ApiError(422, 'Invalid', PATCH_NOT_APPLICABLE_MESSAGE, {});
    err.cause = e;
    throw err;
  }
  return root;
}

function decodePatch(patch: unknown): (JsonObject | null)[] {
  if (patch === null) return [];
  if (!Array.isArray(patch)) throw errors.badRequest(`json: cannot unmarshal ${goKind(patch)} into Go value of type jsonpatch.Patch`);
  for (const op of patch) {
    if (op !== null && !isObject(op)) throw errors.badRequest(`json: cannot unmarshal ${goKind(op)} into Go value of type jsonpatch.Operation`);
  }
  if (patch.length > MAX_JSON_PATCH_OPERATIONS) {
    throw errors.tooLarge(`Request entity too large: The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${patch.length}`);
  }
  return patch as (JsonObject | null)[];
}

function applyOperation(root: unknown, op: JsonObject, strict: boolean): unknown {
  const kind = typeof op.op === 'string' ? op.op : 'unknown';
  switch (kind) {
    case 'add': {
      const path = pathOf(op, 'path', 'add operation failed to decode path');
      return add(root, path, valueOf(op, kind, strict), strict, `add operation does not apply: doc is missing path: "${path}"`);
    }
    case 'remove': {
      const path = pathOf(op, 'path', 'remove operation failed to decode path');
      const { parent, key } = locate(root, path, strict, `remove operation does not apply: doc is missing path: "${path}"`);
      remove(parent, key, path, strict);
      return root;
    }
    case 'replace': {
      const path = pathOf(op, 'path', 'replace operation failed to decode path');
      const value = valueOf(op, kind, strict);
      if (path === '') return value;
      const { parent, key } = locate(root, path, strict, `replace operation does not apply: doc is missing path: ${path}`);
      if (Array.isArray(parent)) {
        const i = index(key, parent.length, strict);
        if (i === undefined) throw new OperationError(`replace operation does not apply: doc is missing key: ${path}`);
        parent[i] = value;
      } else {
        if (strict && !Object.hasOwn(parent, key)) throw new OperationError(`replace operation does not apply: doc is missing key: ${path}`);
        setKey(parent, key, value);
      }
      return root;
    }
    case 'move': {
      const from = pathOf(op, 'from', 'move operation failed to decode from');
      const path = pathOf(op, 'path', 'move operation failed to decode path');
      if (path.startsWith(from + '/')) throw new OperationError(`move operation does not apply: ${path} is inside ${from}`);
      if (from === '') throw new OperationError(`move operation does not apply: doc is missing from path: ${from}`);
      const src = locate(root, from, strict, `move operation does not apply: doc is missing from path: ${from}`);
      const value = get(src.parent, src.key, strict);
      if (value === undefined) throw new OperationError(`error in move for path: '${src.key}': missing value`);
      remove(src.parent, src.key, from, strict);
      return add(root, path, value, strict, `move operation does not apply: doc is missing destination path: ${path}`);
    }
    case 'copy': {
      const from = pathOf(op, 'from', 'copy operation failed to decode from');
      const path = pathOf(op, 'path', 'copy operation failed to decode path');
      let value: unknown = root;
      if (from !== '') {
        const src = locate(root, from, strict, `copy operation does not apply: doc is missing from path: ${from}`);
        value = get(src.parent, src.key, strict);
        // upstream copies null from a missing object member; a bad array index fails
        if (value === undefined && (strict || Array.isArray(src.parent))) {
          throw new OperationError(`error in copy for from: '${from}': missing value`);
        }
      }
      return add(root, path, cloneJson(value ?? null), strict, `copy operation does not apply: doc is missing destination path: ${path}`);
    }
    case 'test': {
      const path = pathOf(op, 'path', 'test operation failed to decode path');
      const expected = Object.hasOwn(op, 'value') ? op.value : undefined;
      if (strict && expected === undefined) throw new OperationError('operation, missing value field: missing value');
      let actual: unknown = root;
      if (path !== '') {
        const { parent, key } = locate(root, path, strict, `test operation does not apply: is missing path: ${path}`);
        if (Array.isArray(parent)) {
          const i = index(key, parent.length, strict);
          if (i === undefined) throw new OperationError(`error in test for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`);
          actual = parent[i];
        } else if (Object.hasOwn(parent, key)) {
          actual = parent[key];
        } else {
          if (!strict && (expected === undefined || expected === null)) return root;
          throw new OperationError(`testing value ${path} failed: test failed`);
        }
      }
      if (!jsonEqual(actual, expected ?? null)) throw new OperationError(`testing value ${path} failed: test failed`);
      return root;
    }
    default:
      throw new OperationError(`Unexpected kind: ${kind}`);
  }
}

function pathOf(op: JsonObject, field: 'path' | 'from', failure: string): string {
  const p = op[field];
  if (typeof p !== 'string') throw new OperationError(`${failure}: missing value`);
  return p;
}

function valueOf(op: JsonObject, kind: string, strict: boolean): unknown {
  if (Object.hasOwn(op, 'value')) return cloneJson(op.value);
  if (strict) throw new OperationError(`${kind} operation, missing value field: missing value`);
  return null;
}

/** Adds `value` at `path`; returns the (possibly new) root. */
function add(root: unknown, path: string, value: unknown, strict: boolean, missing: string): unknown {
  if (path === '') return value;
  const { parent, key } = locate(root, path, strict, missing);
  if (Array.isArray(parent)) {
    if (key === '-') {
      parent.push(value);
      return root;
    }
    if (!isIndexToken(key, strict)) throw new OperationError(`error in add for path: '${path}': value was not a proper array index: '${key}'`);
    let i = Number(key);
    if (i < 0) i += parent.length + 1;
    if (i < 0 || i > parent.length) throw new OperationError(`error in add for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`);
    parent.splice(i, 0, value);
  } else {
    setKey(parent, key, value);
  }
  return root;
}

function remove(parent: Container, key: string, path: string, strict: boolean): void {
  if (Array.isArray(parent)) {
    const i = index(key, parent.length, strict);
    if (i === undefined) throw new OperationError(`error in remove for path: '${path}': Unable to access invalid index: ${key}: invalid index referenced`);
    parent.splice(i, 1);
  } else {
    if (!Object.hasOwn(parent, key)) throw new OperationError(`error in remove for path: '${path}': Unable to remove nonexistent key: ${key}: missing value`);
    delete parent[key];
  }
}

function get(parent: Container, key: string, strict: boolean): unknown {
  if (Array.isArray(parent)) {
    const i = index(key, parent.length, strict);
    return i === undefined ? undefined : parent[i];
  }
  return Object.hasOwn(parent, key) ? parent[key] : undefined;
}

/** The container holding the last token of a non-root `path`, and that token; throws `missing` when there is none. */
function locate(root: unknown, path: string, strict: boolean, missing: string): { parent: Container; key: string } {
  const tokens = parsePointer(path);
  if (!tokens || tokens.length === 0) throw new OperationError(`${missing}: missing value`);
  let cur: unknown = root;
  for (let t = 0; t < tokens.length - 1; t++) {
    cur = isContainer(cur) ? get(cur, tokens[t], strict) : undefined;
  }
  if (!isContainer(cur)) throw new OperationError(`${missing}: missing value`);
  return { parent: cur, key: tokens[tokens.length - 1] };
}

/** RFC 6901 reference tokens ("~1" → "/", then "~0" → "~"); undefined for a path that is neither "" nor starts with "/". */
function parsePointer(path: string): string[] | undefined {
  if (path === '') return [];
  if (!path.startsWith('/')) return undefined;
  return path.slice(1).split('/').map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

function isIndexToken(key: string, strict: boolean): boolean {
  return strict ? /^(0|[1-9][0-9]*)$/.test(key) : /^-?[0-9]+$/.test(key);
}

/** The existing element index `key` names in an array of `length`, or undefined. */
function index(key: string, length: number, strict: boolean): number | undefined {
  if (!isIndexToken(key, strict)) return undefined;
  let i = Number(key);
  if (i < 0) i += length;
  return i >= 0 && i < length ? i : undefined;
}

function isContainer(v: unknown): v is Container {
  return typeof v === 'object' && v !== null;
}





/** The JSON kind as Go's decoder names it in type errors. */
function goKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'boolean') return 'bool';
  return typeof v === 'object' ? 'object' : typeof v;
}
