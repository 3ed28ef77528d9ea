// RFC 7386 JSON Merge Patch (application/merge-patch+json), plus the API server's entry point with upstream's refusals.

import { errors } from '../../api/status.js';
import { cloneJson, isObject, setKey, type JsonObject } from './json-value.js';


/**
 * RFC 7386 MergePatch(target, patch), exactly: an object patch merges member by member (null deletes, objects recurse,
 * anything else — arrays included — replaces); any other patch replaces the target whole. Never mutates its inputs;
 * the result shares no objects with them.
 */
export function jsonMergePatch(target: unknown, patch: unknown): unknown {
  return rfcMerge(cloneJson(target, false), patch);
}

/** RFC 7386 on a target this module owns (may be mutated). */
function rfcMerge(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return cloneJson(patch, false);
  const out: JsonObject = isObject(target) ? target : {};
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) delete out[key];
    else setKey(out, key, rfcMerge(Object.hasOwn(out, key) ? out[key] : undefined, value));
  }
  return out;
}

/**
 * The API server's merge patch of an object: `patch` (the parsed request body) must be a JSON object, else 400
 * BadRequest "Invalid JSON Patch" as upstream (evanphx/json-patch's ErrBadJSONPatch) answers for null and scalars
 * (upstream lets an array through to fail decoding later; here it is refused the same way). Like upstream, nulls
 * nested anywhere in a newly set value are dropped from objects (a null array element stays), so the stored object
 * never carries explicit nulls a merge patch introduced. Never mutates its inputs.
 */
export function applyMergePatch(original: JsonObject, patch: unknown): JsonObject {
  if (!isObject(patch)) throw errors.badRequest('Invalid JSON Patch');
  return mergeInto(cloneJson(original, false) as JsonObject, patch);
}

function mergeInto(out: JsonObject, patch: JsonObject): JsonObject {
  for (const key of Object.keys(patch)) {
    const value = patch[key];
    if (value === null) {
      delete out[key];
      continue;
    }
    const cur = Object.hasOwn(out, key) ? out[key] : undefined;
    setKey(out, key, isObject(value) && isObject(cur) ? mergeInto(cur, value) : cloneJson(value, true));
  }
  return out;
}



