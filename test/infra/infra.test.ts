/*
 * The Bicep CLI is not available where these tests run, so the templates are read as text and checked against
 * what the code declares: containers, app settings, queues, the custom role, the ClusterRole manifest, the
 * Graph permissions script, azd's azure.yaml and the permissions table of docs/deploy.md.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, parseAllDocuments } from 'yaml';
import { ROLE_ADMIN, ROLE_READ } from '../../src/api/auth/Caller.ts';
import { azureRbacPermissions } from '../../src/collectors/azure-rbac/permissions.ts';
import { entraPermissions } from '../../src/collectors/entra/permissions.ts';
import { K8S_LISTS, K8S_RBAC_PERMISSIONS } from '../../src/collectors/k8s-rbac/permissions.ts';
import { permissionsTable } from '../../src/collectors/permissionsTable.ts';
import { CONTAINER_LIST, DATABASE_ID } from '../../src/store/containers.ts';
import { COMPILE_QUEUE, UNIT_QUEUE } from '../../src/sync/syncMessages.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const INFRA = join(ROOT, 'infra');
const text = (path: string) => readFileSync(join(ROOT, path), 'utf8');

function bicepFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? bicepFiles(join(dir, e.name)) : e.name.endsWith('.bicep') ? [relative(INFRA, join(dir, e.name))] : [],
  );
}

/** The quoted strings of a Bicep `var NAME = [ ... ]` array. */
function bicepStringArray(source: string, name: string): string[] {
  const body = new RegExp(`var ${name} = \\[([^\\]]*)\\]`).exec(source)?.[1];
  if (body === undefined) throw new Error(`no var ${name} array`);
  return [...body.matchAll(/'([^']*)'/g)].map((m) => m[1] ?? '');
}

/** The keys of the function app's `appsettings` config resource. */
function appSettingNames(source: string): Map<string, string> {
  const block = /name: 'appsettings'\s*properties: \{([\s\S]*?)\n {2}\}/.exec(source)?.[1];
  if (block === undefined) throw new Error('no appsettings block in functionapp.bicep');
  return new Map([...block.matchAll(/^\s+([A-Za-z_][A-Za-z0-9_]*): (.+)$/gm)].map((m) => [m[1] ?? '', m[2] ?? '']));
}

/** Every environment variable src/config/loadConfig.ts reads, from its source. */
function settingsReadByConfig(): Set<string> {
  const source = text('src/config/loadConfig.ts');
  return new Set([...source.matchAll(/\b(?:read|required|integer|flag|list)\('([A-Za-z_][A-Za-z0-9_]*)'/g)].map((m) => m[1] ?? ''));
}

/** Settings the code reads that the deployment leaves unset on purpose, and why. */
const NOT_SET_IN_AZURE: Readonly<Record<string, string>> = {
  AzureWebJobsStorage: 'a connection string (keys): the deployment is keyless, the identity-based settings are set instead',
  AzureWebJobsStorage__queueServiceUri: 'derived from AzureWebJobsStorage__accountName',
  ARM_ENDPOINT: 'the public cloud default; set for sovereign clouds',
  ARM_AUDIENCE: 'the public cloud default; set for sovereign clouds',
  GRAPH_ENDPOINT: 'the public cloud default; set for sovereign clouds',
  API_JWKS_URL: "the tenant's v2 discovery keys by default",
  TLS_CA_FILE: 'simulators and local test servers only; Azure endpoints use public CAs',
};

describe('infra/modules/cosmos.bicep', () => {
  const cosmos = readFileSync(join(INFRA, 'modules', 'cosmos.bicep'), 'utf8');

  it('declares every container of src/store/containers.ts with its partition key and default TTL, and no other', () => {
    const declared = [...cosmos.matchAll(/\{ id: '([^']+)', partitionKeyPath: '([^']+)'(?:, defaultTtl: (-?\d+))? \}/g)].map((m) => ({
      id: m[1],
      partitionKeyPath: m[2],
      defaultTtl: m[3] === undefined ? undefined : Number(m[3]),
    }));
    expect(declared).toEqual(CONTAINER_LIST.map((c) => ({ id: c.id, partitionKeyPath: c.partitionKeyPath, defaultTtl: c.defaultTtl })));
    expect(cosmos).toMatch(/partitionKey: \{ paths: \[container\.partitionKeyPath\], kind: 'Hash', version: 2 \}/);
    expect(cosmos).toMatch(/contains\(container, 'defaultTtl'\) \? \{ defaultTtl: container\.\?defaultTtl \} : \{\}/);
  });

  it('names the database DATABASE_ID, is keyless and serverless by default with an autoscale option', () => {
    expect(readFileSync(join(INFRA, 'main.bicep'), 'utf8')).toContain(`var cosmosDatabaseName = '${DATABASE_ID}'`);
    expect(cosmos).toMatch(/disableLocalAuth: true/);
    expect(cosmos).toMatch(/param throughputMode string = 'serverless'/);
    expect(cosmos).toMatch(/EnableServerless/);
    expect(cosmos).toMatch(/autoscaleSettings: \{ maxThroughput: autoscaleMaxThroughput \}/);
  });
});

describe('infra/modules/functionapp.bicep', () => {
  const app = readFileSync(join(INFRA, 'modules', 'functionapp.bicep'), 'utf8');
  const settings = appSettingNames(app);

  it('sets every setting src/config/loadConfig.ts reads, except the ones left unset on purpose', () => {
    const read = settingsReadByConfig();
    expect(read.size).toBeGreaterThan(15);
    const missing = [...read].filter((name) => !settings.has(name) && !(name in NOT_SET_IN_AZURE));
    expect(missing).toEqual([]);
    // The exclusions are settings the code really reads, and none of them is set after all.
    for (const name of Object.keys(NOT_SET_IN_AZURE)) {
      expect(read.has(name), name).toBe(true);
      expect(settings.has(name), name).toBe(false);
    }
  });

  it('sets what the functions reference: the timer schedule and the queue connection, identity-based', () => {
    for (const file of readdirSync(join(ROOT, 'functions')).filter((f) => f.endsWith('.ts'))) {
      const source = text(`functions/${file}`);
      for (const m of source.matchAll(/'%([A-Za-z_]+)%'/g)) expect(settings.has(m[1] ?? ''), `${file}: %${m[1] ?? ''}%`).toBe(true);
      for (const m of source.matchAll(/connection: '([A-Za-z_]+)'/g)) {
        const connection = m[1] ?? '';
        expect(settings.get(`${connection}__accountName`), file).toBeDefined();
        expect(settings.get(`${connection}__credential`)).toBe("'managedidentity'");
        expect(settings.get(`${connection}__clientId`)).toBe('identityClientId');
        expect(settings.has(connection), `${connection} must not be a connection string`).toBe(false);
      }
    }
  });

  it('uses the one identity for telemetry, storage and the app, with no key anywhere', () => {
    expect(settings.get('APPLICATIONINSIGHTS_AUTHENTICATION_STRING')).toBe("'ClientId=${identityClientId};Authorization=AAD'");
    expect(settings.get('AZURE_CLIENT_ID')).toBe('identityClientId');
    expect(settings.get('API_LOCAL_MODE')).toBe("'false'");
    expect([...settings.keys()].filter((name) => /key|password|secret/i.test(name))).toEqual([]);
    expect(app).toMatch(/type: 'UserAssigned'/);
    expect(app).toMatch(/type: 'UserAssignedIdentity'/);
  });

  it('runs on Flex Consumption (FC1) and Node 22, without the settings Flex refuses', () => {
    expect(app).toMatch(/tier: 'FlexConsumption'\s*name: 'FC1'/);
    expect(app).toMatch(/runtime: \{\s*name: 'node'\s*version: '22'\s*\}/);
    expect(settings.has('FUNCTIONS_WORKER_RUNTIME')).toBe(false);
    expect(settings.has('FUNCTIONS_EXTENSION_VERSION')).toBe(false);
    expect(app).toContain("'azd-service-name': 'api'");
  });

  it('turns on App Service Authentication only for a given app registration', () => {
    expect(app).toMatch(/name: 'authsettingsV2'/);
    expect(app).toMatch(/resource authSettings '[^']+' = if \(hasApiApp\)/);
    expect(app).toMatch(/var hasApiApp = !empty\(apiClientId\)/);
    expect(settings.get('API_APP_SERVICE_AUTH')).toBe("hasApiApp ? 'true' : 'false'");
  });
});

describe('infra/modules/storage.bicep and appinsights.bicep', () => {
  it('storage: shared keys off, the sync queues and their poison queues, the deployment container', () => {
    const storage = readFileSync(join(INFRA, 'modules', 'storage.bicep'), 'utf8');
    expect(storage).toMatch(/allowSharedKeyAccess: false/);
    expect(new Set(bicepStringArray(storage, 'queueNames'))).toEqual(new Set([UNIT_QUEUE, `${UNIT_QUEUE}-poison`, COMPILE_QUEUE, `${COMPILE_QUEUE}-poison`]));
    expect(storage).toMatch(/blobServices\/containers@/);
  });

  it('Application Insights: local auth off, on a Log Analytics workspace', () => {
    const insights = readFileSync(join(INFRA, 'modules', 'appinsights.bicep'), 'utf8');
    expect(insights).toMatch(/DisableLocalAuth: true/);
    expect(insights).toMatch(/WorkspaceResourceId: logAnalytics\.id/);
  });
});

describe('grants', () => {
  const files = bicepFiles(INFRA);
  const rbac = readFileSync(join(INFRA, 'rbac.bicep'), 'utf8');

  it('the custom role holds exactly what the k8s-rbac collector declares', () => {
    expect(bicepStringArray(rbac, 'indexerActions')).toEqual(K8S_RBAC_PERMISSIONS.azureActions);
    expect(bicepStringArray(rbac, 'indexerDataActions')).toEqual(K8S_RBAC_PERMISSIONS.azureDataActions);
    expect(rbac).toContain("var indexerRoleName = 'AKS Access Indexer'");
    for (const file of ['modules/rbac/indexer-role-subscription.bicep', 'modules/rbac/indexer-grants-management-group.bicep']) {
      const source = readFileSync(join(INFRA, file), 'utf8');
      expect(source, file).toMatch(/actions: actions\s*notActions: \[\]\s*dataActions: dataActions\s*notDataActions: \[\]/);
    }
  });

  it('the tree role holds only the management-group tree read the azure-rbac collector declares', () => {
    const tree = bicepStringArray(rbac, 'treeActions');
    expect(tree).toEqual(['Microsoft.Management/managementGroups/descendants/read']);
    for (const action of tree) expect(azureRbacPermissions.azureActions).toContain(action);
    expect(rbac).toMatch(/module tenantTreeRead '[^']+' = if \(grantTenantTreeRead && !indexesTenantRoot\)/);
  });

  it('every role assignment is in rbac.bicep or a module only rbac.bicep uses', () => {
    const assigning = files.filter((f) => /Microsoft\.Authorization\/roleAssignments@|sqlRoleAssignments@|Microsoft\.Authorization\/roleDefinitions@/.test(readFileSync(join(INFRA, f), 'utf8')));
    expect(assigning.length).toBeGreaterThan(1);
    for (const file of assigning) expect(file === 'rbac.bicep' || file.startsWith('modules/rbac/'), file).toBe(true);
    // Who uses the rbac modules: rbac.bicep and the rbac modules themselves, nothing else.
    for (const file of files) {
      const uses = [...readFileSync(join(INFRA, file), 'utf8').matchAll(/^module \w+ '([^']+)'/gm)].map((m) => m[1] ?? '');
      const usesRbacModule = uses.some((u) => u.startsWith('modules/rbac/') || (file.startsWith('modules/rbac/') && !u.includes('/')));
      if (usesRbacModule) expect(file === 'rbac.bicep' || file.startsWith('modules/rbac/'), file).toBe(true);
    }
    expect(rbac).toContain("storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'");
    expect(rbac).toContain("storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'");
    expect(rbac).toContain("monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'");
    expect(rbac).toContain("reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'");
    expect(rbac).toContain("var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'");
  });

  it('main.bicep only orchestrates: the resource group is its one resource', () => {
    const main = readFileSync(join(INFRA, 'main.bicep'), 'utf8');
    expect([...main.matchAll(/^resource \w+ '([^']+)'/gm)].map((m) => m[1])).toEqual(['Microsoft.Resources/resourceGroups@2024-03-01']);
    expect(main).toMatch(/^module rbac 'rbac\.bicep'/m);
    expect(main).toMatch(/param indexerSubscriptionIds array/);
    expect(main).toMatch(/param indexerManagementGroupId string/);
  });

  it('the Graph script grants exactly the Entra collector\'s application permissions', () => {
    const script = text('infra/scripts/grant-graph-permissions.sh');
    const line = /^GRAPH_PERMISSIONS="([^"]*)"$/m.exec(script)?.[1];
    expect(line?.split(' ')).toEqual(entraPermissions.graphPermissions);
  });

  it('the API app registration script declares the roles the API checks', () => {
    const script = text('infra/scripts/create-api-app.sh');
    for (const role of [ROLE_READ, ROLE_ADMIN]) expect(script).toContain(`"value": "${role}"`);
  });
});

describe('deploy/kubernetes/aks-access-indexer-rbac.yaml', () => {
  const docs = parseAllDocuments(text('deploy/kubernetes/aks-access-indexer-rbac.yaml')).map((d) => d.toJS() as Record<string, unknown>);
  interface Rule { apiGroups: string[]; resources: string[]; verbs: string[] }

  it('a ClusterRole with exactly the lists the collector makes, never secrets, bound to the indexer', () => {
    const role = docs.find((d) => d['kind'] === 'ClusterRole') as { metadata: { name: string }; rules: Rule[] } | undefined;
    expect(role).toBeDefined();
    if (role === undefined) return;
    const granted = role.rules.flatMap((r) =>
      r.apiGroups.flatMap((g) => r.resources.flatMap((res) => r.verbs.map((v) => `${v} ${g === '' ? res : `${g}/${res}`}`))),
    );
    expect(granted.sort()).toEqual([...K8S_RBAC_PERMISSIONS.kubernetes].sort());
    expect(new Set(role.rules.flatMap((r) => r.verbs))).toEqual(new Set(['list']));
    const resources = role.rules.flatMap((r) => r.resources);
    expect(resources).not.toContain('secrets');
    expect(resources).not.toContain('*');
    expect(new Set(resources)).toEqual(new Set(K8S_LISTS.map((l) => l.resource)));

    const binding = docs.find((d) => d['kind'] === 'ClusterRoleBinding') as { roleRef: { kind: string; name: string }; subjects: { kind: string; name: string }[] } | undefined;
    expect(binding?.roleRef).toMatchObject({ kind: 'ClusterRole', name: role.metadata.name });
    expect(binding?.subjects).toEqual([{ apiGroup: 'rbac.authorization.k8s.io', kind: 'User', name: 'INDEXER_PRINCIPAL_ID' }]);
  });
});

describe('azure.yaml', () => {
  it('points azd at infra/main and deploys the api service as a TypeScript function app built first', () => {
    const azd = parse(text('azure.yaml')) as {
      infra: { provider: string; path: string; module: string };
      services: Record<string, { project: string; language: string; host: string; hooks: { prepackage: { run: string } } }>;
      hooks: { postprovision: { run: string } };
    };
    expect(azd.infra).toEqual({ provider: 'bicep', path: 'infra', module: 'main' });
    expect(readdirSync(INFRA)).toContain('main.bicep');
    expect(readdirSync(INFRA)).toContain('main.bicepparam');
    expect(azd.services['api']).toMatchObject({ project: '.', language: 'ts', host: 'function' });
    expect(azd.services['api']?.hooks.prepackage.run).toContain('npm run build');
    expect(azd.hooks.postprovision.run).toBe('./infra/scripts/grant-graph-permissions.sh');
    const pkg = JSON.parse(text('package.json')) as { main: string; scripts: Record<string, string> };
    expect(pkg.main).toBe('dist/functions/*.js');
    expect(pkg.scripts['build']).toBeDefined();
  });
});

describe('docs/deploy.md', () => {
  it('carries the permissions table generated from the collectors\' declarations', () => {
    const doc = text('docs/deploy.md');
    const table = /<!-- permissions-table:begin[^>]*-->\n([\s\S]*?)\n<!-- permissions-table:end -->/.exec(doc)?.[1];
    expect(table, 'regenerate with: node -e "import(\'./src/collectors/permissionsTable.ts\').then(m => console.log(m.permissionsTable()))"').toBe(permissionsTable());
  });
});
