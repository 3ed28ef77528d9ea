// Tests for generic metadata validation: names per rule, labels, annotations, owner references, updates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { validateObjectMeta, validateObjectMetaUpdate } from './object-meta.js';
import { nameRuleFor } from './name-rules.js';
import { causeToString } from './field.js';

const SUBDOMAIN_MSG = "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";

function msgs(obj: object, namespaced: boolean, kind: string, group = ''): string[] {
  return validateObjectMeta(obj, { namespaced, nameRule: nameRuleFor(kind, group) }).map(causeToString);
}

test('name rules by kind', () => {
  assert.equal(nameRuleFor('Pod'), 'subdomain');
  assert.equal(nameRuleFor('Namespace'), 'label');
  assert.equal(nameRuleFor('Service'), 'dns1035');
  assert.equal(nameRuleFor('ClusterRole', 'rbac.authorization.k8s.io'), 'path-segment');
  assert.equal(nameRuleFor('Event'), 'path-segment');
  assert.equal(nameRuleFor('Event', 'events.k8s.io'), 'subdomain');
});

test('invalid subdomain name has upstream wording', () => {
  assert.deepEqual(msgs({ metadata: { name: 'Foo_1', namespace: 'default' } }, true, 'ConfigMap'), [`metadata.name: Invalid value: "Foo_1": ${SUBDOMAIN_MSG}`]);
  const causes = validateObjectMeta({ metadata: { name: 'Foo_1', namespace: 'default' } }, { namespaced: true, nameRule: 'subdomain' });
  assert.equal(causes[0].reason, 'FieldValueInvalid');
  assert.equal(causes[0].field, 'metadata.name');
});

test('name required unless generateName; namespace rules', () => {
  assert.deepEqual(msgs({ metadata: { namespace: 'default' } }, true, 'Pod'), ['metadata.name: Required value: name or generateName is required']);
  assert.deepEqual(msgs({ metadata: { generateName: 'web-', namespace: 'default' } }, true, 'Pod'), []);
  assert.deepEqual(msgs({ metadata: { name: 'a' } }, true, 'Pod'), ['metadata.namespace: Required value']);
  assert.deepEqual(msgs({ metadata: { name: 'a', namespace: 'x' } }, false, 'Node'), ['metadata.namespace: Forbidden: not allowed on this type']);
  assert.deepEqual(msgs({ metadata: { name: 'a.b' } }, false, 'Namespace'), ['metadata.name: Invalid value: "a.b": must not contain dots']);
  assert.deepEqual(msgs({ metadata: { name: '1abc', namespace: 'd' } }, true, 'Service'), [
    `metadata.name: Invalid value: "1abc": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
  ]);
  assert.deepEqual(msgs({ metadata: { name: 'system:admin' } }, false, 'ClusterRole', 'rbac.authorization.k8s.io'), []);
  assert.deepEqual(msgs({ metadata: { name: 'a/b' } }, false, 'ClusterRole', 'rbac.authorization.k8s.io'), ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
  assert.equal(msgs({ metadata: { name: 'x'.repeat(254), namespace: 'd' } }, true, 'Pod')[0], `metadata.name: Invalid value: "${'x'.repeat(254)}": must be no more than 253 characters`);
});

test('labels and annotations', () => {
  const m = msgs({ metadata: { name: 'a', namespace: 'd', labels: { 'bad key!': 'v', ok: 'bad value!' } } }, true, 'Pod');
  assert.equal(m.length, 2);
  assert.equal(
    m[0],
    `metadata.labels: Invalid value: "bad key!": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
  );
  assert.ok(m[1].startsWith('metadata.labels: Invalid value: "bad value!": a valid label must be an empty string'));
  const big = msgs({ metadata: { name: 'a', namespace: 'd', annotations: { a: 'x'.repeat(256 * 1024) } } }, true, 'Pod');
  assert.deepEqual(big, ['metadata.annotations: Too long: may not be more than 262144 bytes']);
  assert.deepEqual(msgs({ metadata: { name: 'a', namespace: 'd', annotations: { 'Example.com/Key': 'x' } } }, true, 'Pod'), []);
});

test('owner references', () => {
  const m = msgs({ metadata: { name: 'a', namespace: 'd', ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: 'p', uid: '1', controller: true }, { apiVersion: 'v1', kind: 'Pod', name: 'q', uid: '2', controller: true }, { kind: 'X' }] } }, true, 'Pod');
  assert.ok(m.includes('metadata.ownerReferences.apiVersion: Invalid value: "": version must not be empty'));
  assert.ok(m.includes('metadata.ownerReferences.name: Invalid value: "": name must not be empty'));
  assert.ok(m.some((x) => x.includes('Only one reference can have Controller set to true. Found "true" in references for Pod/p and Pod/q')));
});

test('metadata update', () => {
  const old = { metadata: { name: 'a', namespace: 'd', uid: 'u1', resourceVersion: '5', generation: 2, creationTimestamp: '2024-01-01T00:00:00Z' } };
  assert.deepEqual(validateObjectMetaUpdate(structuredClone(old), old), []);
  const renamed = { metadata: { ...old.metadata, name: 'b', generation: 1 } };
  assert.deepEqual(validateObjectMetaUpdate(renamed, old).map(causeToString), ['metadata.generation: Invalid value: 1: must not be decremented', 'metadata.name: Invalid value: "b": field is immutable']);
  const noRV = { metadata: { ...old.metadata, resourceVersion: undefined } };
  assert.deepEqual(validateObjectMetaUpdate(noRV, old).map(causeToString), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
  assert.deepEqual(validateObjectMetaUpdate(noRV, old, { requireResourceVersion: false }), []);
  const deleting = { metadata: { ...old.metadata, deletionTimestamp: '2024-01-02T00:00:00Z', finalizers: ['a/b'] } };
  const addFin = { metadata: { ...deleting.metadata, finalizers: ['a/b', 'c/d'] } };
  assert.deepEqual(validateObjectMetaUpdate(addFin, deleting).map(causeToString), ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"c/d"}']);
});
