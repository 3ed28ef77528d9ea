// Generates the OpenAPI definitions of the built-in kinds from kubernetes-types' .d.ts files (`npm run build` runs it before tsc).
//
// Input:  node_modules/kubernetes-types/**/*.d.ts (types + doc comments), the group/versions that
//         src/api/resources.ts serves, src/api/openapi/patch-meta.ts (patch metadata table) and the
//         number-format tables below.
// Output: src/api/openapi/generated/definitions.json (gitignored), read at runtime by
//         src/api/openapi/schemas.ts. Definitions are swagger-2.0 style schemas keyed by the
//         upstream definition names (io.k8s.api.apps.v1.Deployment, ...), refs as
//         "#/definitions/<name>"; documents.ts turns them into OpenAPI v3 components.
import ts from 'typescript';
import { mkdirSync, readFileSync, renameSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, posix, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const started = Date.now();
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const TYPES_DIR = join(ROOT, 'node_modules', 'kubernetes-types');
const OUT_DIR = join(ROOT, 'src', 'api', 'openapi', 'generated');
const OUT_FILE = join(OUT_DIR, 'definitions.json');

/** Modules generated whatever the registry serves: the kinds of subresources and the shared machinery. */
const EXTRA_MODULES = ['meta/v1', 'runtime', 'api/resource', 'version', 'autoscaling/v1', 'policy/v1', 'authentication/v1'];

/** Integer fields that are 64 bits wide (every other TS `number` is int32). Key: definition name + "." + field. */
const INT64_FIELDS = new Set([
  'io.k8s.api.core.v1.ContainerImage.sizeBytes',
  'io.k8s.api.core.v1.PodSecurityContext.fsGroup',
  'io.k8s.api.core.v1.PodSecurityContext.runAsGroup',
  'io.k8s.api.core.v1.PodSecurityContext.runAsUser',
  'io.k8s.api.core.v1.PodSecurityContext.supplementalGroups',
  'io.k8s.api.core.v1.SecurityContext.runAsGroup',
  'io.k8s.api.core.v1.SecurityContext.runAsUser',
  'io.k8s.api.core.v1.PodSpec.activeDeadlineSeconds',
  'io.k8s.api.core.v1.PodSpec.terminationGracePeriodSeconds',
  'io.k8s.api.core.v1.Probe.terminationGracePeriodSeconds',
  'io.k8s.api.core.v1.ServiceAccountTokenProjection.expirationSeconds',
  'io.k8s.api.core.v1.SleepAction.seconds',
  'io.k8s.api.core.v1.Toleration.tolerationSeconds',
  'io.k8s.api.apps.v1.ControllerRevision.revision',
  'io.k8s.api.batch.v1.JobSpec.activeDeadlineSeconds',
  'io.k8s.api.batch.v1.CronJobSpec.startingDeadlineSeconds',
  'io.k8s.api.authentication.v1.TokenRequestSpec.expirationSeconds',
  'io.k8s.api.storage.v1.TokenRequest.expirationSeconds',
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec.expirationSeconds',
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta.deletionGracePeriodSeconds',
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions.gracePeriodSeconds',
  'io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta.remainingItemCount',
]);
/** Field names that are int64 wherever they appear. */
const INT64_NAMES = new Set(['generation', 'observedGeneration']);
/** Floating point fields (`type: number, format: double`); none of the served kinds has one today. */
const FLOAT_FIELDS = new Set([]);
/** String fields (or map values) carrying base64 bytes. */
const BYTE_FIELDS = new Set([
  'io.k8s.api.core.v1.Secret.data',
  'io.k8s.api.core.v1.ConfigMap.binaryData',
  'io.k8s.api.certificates.v1.CertificateSigningRequestSpec.request',
  'io.k8s.api.certificates.v1.CertificateSigningRequestStatus.certificate',
]);

const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
const INT_OR_STRING_DEF = {
  description:
    'IntOrString holds either an integer or a string. In JSON or YAML it is written as a bare number (`8080`) or as a string (`"http"`, `"25%"`); which of the two is used decides how the value is interpreted.',
  type: 'string',
  format: 'int-or-string',
};
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1.';

function prefixOf(mod) {
  if (mod === 'meta/v1') return META;
  if (mod === 'runtime') return 'io.k8s.apimachinery.pkg.runtime.';
  if (mod === 'api/resource') return 'io.k8s.apimachinery.pkg.api.resource.';
  if (mod === 'version') return 'io.k8s.apimachinery.pkg.version.';
  if (mod.startsWith('apiextensions/')) return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${mod.slice('apiextensions/'.length)}.`;
  return `io.k8s.api.${mod.replace('/', '.')}.`;
}

/** API group → kubernetes-types folder (the Go package folder upstream). */
function moduleOfGroupVersion(group, version) {
  if (group === '') return `core/${version}`;
  if (group === 'internal.apiserver.k8s.io') return `apiserverinternal/${version}`;
  return `${group.split('.')[0]}/${version}`;
}

// ---- the served group/versions, read from the registry's source (it is TypeScript, not yet compiled)
function servedGroupVersions() {
  const file = join(ROOT, 'src', 'api', 'resources.ts');
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const out = new Map();
  const visit = (node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'r' && node.arguments.length >= 3) {
      const [g, v] = node.arguments;
      if (ts.isStringLiteralLike(g) && ts.isStringLiteralLike(v)) out.set(`${g.text}/${v.text}`, { group: g.text, version: v.text });
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return [...out.values()];
}

// ---- patch metadata: transpile the self-contained TS table and import it
async function loadPatchMeta() {
  const src = readFileSync(join(ROOT, 'src', 'api', 'openapi', 'patch-meta.ts'), 'utf8');
  const js = ts.transpileModule(src, { compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 } }).outputText;
  return import(`data:text/javascript;base64,${Buffer.from(js).toString('base64')}`);
}

// ---- .d.ts parsing
function docOf(node) {
  const docs = ts.getJSDocCommentsAndTags(node).filter(ts.isJSDoc);
  const text = docs.map((d) => ts.getTextOfJSDocComment(d.comment) ?? '').join('\n').trim();
  return text || undefined;
}

function propName(name) {
  if (ts.isIdentifier(name) || ts.isStringLiteralLike(name) || ts.isNumericLiteral(name)) return name.text;
  return name.getText();
}

const warnings = [];

function parseModule(mod) {
  const file = join(TYPES_DIR, `${mod}.d.ts`);
  if (!existsSync(file)) return undefined;
  const sf = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.ES2022, true);
  const imports = new Map(); // local name → module
  const decls = [];
  for (const st of sf.statements) {
    if (ts.isImportDeclaration(st) && ts.isStringLiteral(st.moduleSpecifier)) {
      const target = posix.normalize(posix.join(posix.dirname(mod), st.moduleSpecifier.text));
      const named = st.importClause?.namedBindings;
      if (named && ts.isNamedImports(named)) for (const el of named.elements) imports.set(el.name.text, { mod: target, name: (el.propertyName ?? el.name).text });
    } else if (ts.isInterfaceDeclaration(st) || ts.isTypeAliasDeclaration(st)) {
      decls.push(st);
    }
  }
  return { mod, prefix: prefixOf(mod), imports, decls };
}

function generate(modules, patchMeta, served) {
  const definitions = {};
  const { FIELD_PATCH_META, ATOMIC_STRUCTS } = patchMeta;
  const objectDefs = new Set(); // definitions that are structs (get `default: {}` when embedded by value)

  for (const m of modules) for (const d of m.decls) if (ts.isInterfaceDeclaration(d)) objectDefs.add(m.prefix + d.name.text);

  const refOf = (m, ident) => {
    const imp = m.imports.get(ident);
    if (imp) return prefixOf(imp.mod) + imp.name;
    return m.prefix + ident;
  };

  /** TS type node → schema. `fieldKey` is "<definition>.<field>" for the number/bytes tables. */
  const schemaOf = (m, node, fieldKey, fieldName) => {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return BYTE_FIELDS.has(fieldKey) ? { type: 'string', format: 'byte' } : { type: 'string' };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: 'boolean' };
      case ts.SyntaxKind.NumberKeyword:
        if (FLOAT_FIELDS.has(fieldKey)) return { type: 'number', format: 'double' };
        if (INT64_FIELDS.has(fieldKey) || INT64_NAMES.has(fieldName)) return { type: 'integer', format: 'int64' };
        return { type: 'integer', format: 'int32' };
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        return {};
      case ts.SyntaxKind.LiteralType: {
        const lit = node.literal;
        if (lit.kind === ts.SyntaxKind.TrueKeyword || lit.kind === ts.SyntaxKind.FalseKeyword) return { type: 'boolean' };
        if (ts.isNumericLiteral(lit)) return { type: 'integer', format: 'int32' };
        return { type: 'string' };
      }
      case ts.SyntaxKind.ParenthesizedType:
        return schemaOf(m, node.type, fieldKey, fieldName);
      case ts.SyntaxKind.ArrayType:
        return { type: 'array', items: itemSchema(m, node.elementType, fieldKey, fieldName) };
      case ts.SyntaxKind.UnionType: {
        const kinds = new Set(node.types.map((t) => (t.kind === ts.SyntaxKind.LiteralType && ts.isStringLiteral(t.literal) ? ts.SyntaxKind.StringKeyword : t.kind)));
        if (kinds.size === 2 && kinds.has(ts.SyntaxKind.NumberKeyword) && kinds.has(ts.SyntaxKind.StringKeyword)) return { $ref: `#/definitions/${INT_OR_STRING}` };
        if (kinds.size === 1 && kinds.has(ts.SyntaxKind.StringKeyword)) return { type: 'string' };
        return {}; // e.g. JSONSchemaProps | boolean: free form
      }
      case ts.SyntaxKind.TypeLiteral: {
        const index = node.members.find(ts.isIndexSignatureDeclaration);
        if (index && node.members.length === 1) return { type: 'object', additionalProperties: itemSchema(m, index.type, fieldKey, fieldName) };
        return { type: 'object' };
      }
      case ts.SyntaxKind.TypeReference: {
        const name = ts.isIdentifier(node.typeName) ? node.typeName.text : node.typeName.getText();
        if ((name === 'Array' || name === 'ReadonlyArray') && node.typeArguments?.length === 1)
          return { type: 'array', items: itemSchema(m, node.typeArguments[0], fieldKey, fieldName) };
        if (name === 'Record' && node.typeArguments?.length === 2)
          return { type: 'object', additionalProperties: itemSchema(m, node.typeArguments[1], fieldKey, fieldName) };
        return { $ref: `#/definitions/${refOf(m, name)}` };
      }
      default:
        warnings.push(`${fieldKey}: unsupported type syntax ${ts.SyntaxKind[node.kind]}; published as free-form`);
        return {};
    }
  };
  /** Array items and map values embedded by value get `default: {}` as upstream publishes them. */
  const itemSchema = (m, node, fieldKey, fieldName) => {
    const s = schemaOf(m, node, fieldKey, fieldName);
    if (s.$ref && objectDefs.has(s.$ref.slice('#/definitions/'.length))) s.default = {};
    return s;
  };

  const gvkOf = (decl) => {
    let apiVersion;
    let kind;
    for (const mem of decl.members) {
      if (!ts.isPropertySignature(mem) || !mem.type || !ts.isLiteralTypeNode(mem.type) || !ts.isStringLiteral(mem.type.literal)) continue;
      const n = propName(mem.name);
      if (n === 'apiVersion') apiVersion = mem.type.literal.text;
      if (n === 'kind') kind = mem.type.literal.text;
    }
    if (!apiVersion || !kind) return undefined;
    const i = apiVersion.lastIndexOf('/');
    return { group: i < 0 ? '' : apiVersion.slice(0, i), kind, version: i < 0 ? apiVersion : apiVersion.slice(i + 1) };
  };

  const VALUE_FIELDS = new Set(['metadata', 'spec', 'status', 'template']);

  for (const m of modules) {
    for (const d of m.decls) {
      const name = m.prefix + d.name.text;
      const description = docOf(d);
      if (ts.isTypeAliasDeclaration(d)) {
        let def;
        if (name === `${META}Time` || name === `${META}MicroTime`) def = { type: 'string', format: 'date-time' };
        else if (name === 'io.k8s.apimachinery.pkg.api.resource.Quantity') def = { type: 'string', format: 'quantity' };
        else def = schemaOf(m, d.type, name, d.name.text);
        definitions[name] = description ? { description, ...def } : def;
        continue;
      }
      const def = {};
      if (description) def.description = description;
      def.type = 'object';
      const required = [];
      const properties = {};
      const fieldMeta = FIELD_PATCH_META[name] ?? {};
      for (const mem of d.members) {
        if (!ts.isPropertySignature(mem) || !mem.type) continue;
        const field = propName(mem.name);
        const fieldKey = `${name}.${field}`;
        const s = schemaOf(m, mem.type, fieldKey, field);
        const doc = docOf(mem);
        const prop = {};
        if (s.$ref) {
          prop.$ref = s.$ref;
          const target = s.$ref.slice('#/definitions/'.length);
          if (objectDefs.has(target) && (!mem.questionToken || VALUE_FIELDS.has(field))) prop.default = {};
        }
        if (doc) prop.description = doc;
        for (const [k, v] of Object.entries(s)) if (k !== '$ref') prop[k] = v;
        const pm = fieldMeta[field];
        if (pm) {
          if (pm.listMapKeys) prop['x-kubernetes-list-map-keys'] = [...pm.listMapKeys];
          if (pm.listType) prop['x-kubernetes-list-type'] = pm.listType;
          if (pm.mapType) prop['x-kubernetes-map-type'] = pm.mapType;
          if (pm.mergeKey) prop['x-kubernetes-patch-merge-key'] = pm.mergeKey;
          if (pm.strategy) prop['x-kubernetes-patch-strategy'] = pm.strategy;
        }
        properties[field] = prop;
        if (!mem.questionToken) required.push(field);
      }
      if (Object.keys(properties).length) {
        if (required.length) def.required = required;
        def.properties = properties;
      }
      const gvk = gvkOf(d);
      if (gvk) def['x-kubernetes-group-version-kind'] = [gvk];
      if (ATOMIC_STRUCTS.includes(name)) def['x-kubernetes-map-type'] = 'atomic';
      definitions[name] = def;
    }
  }

  // Types that kubernetes-types inlines or leaves untyped.
  definitions[INT_OR_STRING] = INT_OR_STRING_DEF;
  const everyGV = [...served, { group: 'autoscaling', version: 'v1' }, { group: 'policy', version: 'v1' }, { group: 'authentication.k8s.io', version: 'v1' }]
    .map((gv) => `${gv.group}/${gv.version}`)
    .filter((x, i, a) => a.indexOf(x) === i)
    .sort()
    .map((x) => {
      const i = x.lastIndexOf('/');
      return { group: x.slice(0, i), version: x.slice(i + 1) };
    });
  for (const kind of ['DeleteOptions', 'WatchEvent']) {
    const def = definitions[META + kind];
    if (def) def['x-kubernetes-group-version-kind'] = everyGV.map((gv) => ({ group: gv.group, kind, version: gv.version }));
  }
  if (definitions[`${META}Status`]) definitions[`${META}Status`]['x-kubernetes-group-version-kind'] = [{ group: '', kind: 'Status', version: 'v1' }];

  // Stale table entries are a programming error worth a loud line, not a failed build.
  for (const [defName, fields] of Object.entries(FIELD_PATCH_META)) {
    const def = definitions[defName];
    if (!def) continue; // a module this build does not serve
    for (const f of Object.keys(fields)) if (!def.properties?.[f]) warnings.push(`patch-meta.ts: ${defName} has no field "${f}"`);
  }
  for (const defName of ATOMIC_STRUCTS) {
    const mod = modules.find((m) => defName.startsWith(m.prefix));
    if (mod && !definitions[defName]) warnings.push(`patch-meta.ts: no definition ${defName}`);
  }

  // Dangling refs mean a module was not loaded: fail, the output would be unusable.
  const missing = new Set();
  const walk = (s) => {
    if (!s || typeof s !== 'object') return;
    if (typeof s.$ref === 'string' && !definitions[s.$ref.slice('#/definitions/'.length)]) missing.add(s.$ref);
    for (const v of Object.values(s)) if (v && typeof v === 'object') walk(v);
  };
  for (const d of Object.values(definitions)) walk(d);
  if (missing.size) throw new Error(`gen-openapi: unresolved references: ${[...missing].join(', ')}`);

  const sorted = {};
  for (const k of Object.keys(definitions).sort()) sorted[k] = definitions[k];
  return sorted;
}

async function main() {
  const served = servedGroupVersions();
  const queue = [...served.map((gv) => moduleOfGroupVersion(gv.group, gv.version)), ...EXTRA_MODULES];
  const seen = new Set();
  const modules = [];
  while (queue.length) {
    const mod = queue.shift();
    if (seen.has(mod)) continue;
    seen.add(mod);
    const m = parseModule(mod);
    if (!m) {
      warnings.push(`kubernetes-types has no ${mod}.d.ts; its kinds get no schema`);
      continue;
    }
    modules.push(m);
    for (const imp of m.imports.values()) queue.push(imp.mod);
  }
  const patchMeta = await loadPatchMeta();
  const definitions = generate(modules, patchMeta, served);
  const typesVersion = JSON.parse(readFileSync(join(TYPES_DIR, 'package.json'), 'utf8')).version;
  const out = {
    generatedBy: 'scripts/gen-openapi.mjs',
    kubernetesTypesVersion: typesVersion,
    modules: modules.map((m) => m.mod).sort(),
    definitions,
  };
  mkdirSync(OUT_DIR, { recursive: true });
  const tmp = `${OUT_FILE}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(out));
  renameSync(tmp, OUT_FILE);
  for (const w of warnings) console.warn(`gen-openapi: warning: ${w}`);
  console.log(`gen-openapi: ${Object.keys(definitions).length} definitions from ${modules.length} modules → ${posix.relative(ROOT.split('\\').join('/'), OUT_FILE.split('\\').join('/'))} (${Date.now() - started} ms)`);
}

await main();
