// Server-side printing: objects → meta.k8s.io/v1 Table (what `kubectl get` asks for), and PartialObjectMetadata.

import type { ResourceInfo } from '../api/resources.js';
import type { KObject, TableColumn } from '../api/strategy.js';
import { errors } from '../api/status.js';
import { hooks } from './kind-hooks.js';

const NAME_COLUMN: TableColumn = { name: 'Name', type: 'string', format: 'name', description: 'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names', priority: 0 };
const AGE_COLUMN: TableColumn = { name: 'Age', type: 'string', description: 'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata', priority: 0 };

export function toPartialMetadata(obj: KObject): KObject {
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: obj.metadata };
}

export function toTable(r: ResourceInfo, items: KObject[], listMeta: KObject, query: URLSearchParams, includeColumns = true): KObject {
  const include = query.get('includeObject') ?? 'Metadata';
  if (!['None', 'Metadata', 'Object'].includes(include)) {
    throw errors.badRequest(`includeObject: Unsupported value: "${include}": supported values: "Metadata", "None", "Object"`);
  }
  const convertor = hooks.table(r);
  const now = new Date();
  const columns = convertor ? convertor.columns : [NAME_COLUMN, AGE_COLUMN];
  const rows = items.map((obj) => {
    const cells = convertor ? convertor.cells(obj, now) : [obj.metadata?.name ?? '', hooks.age(obj, now)];
    const row: KObject = { cells };
    if (include === 'Object') row.object = obj;
    else if (include === 'Metadata') row.object = toPartialMetadata(obj);
    return row;
  });
  const table: KObject = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: listMeta, columnDefinitions: includeColumns ? columns : [], rows };
  if (!includeColumns) table.columnDefinitions = null;
  return table;
}
