/**
 * The real CLI, as a process: `node bin/aks-access.js ...` from the repository root, against the bundled
 * example cluster and small manifest sets written to a temp directory. Every spawn costs about 0.3 s, so
 * each test asks one question and checks everything about its answer; the tests run concurrently.
 */
import { afterAll, beforeAll, describe, it } from 'vitest';
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
/** Node 22 from devDependencies: the system node may be older and unable to strip types. */
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const BIN = 'bin/aks-access.js';
const MASTERS_NOTE = 'members of group system:masters can do everything: the API server allows them before RBAC is consulted';

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function spawnNode(args: readonly string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(NODE, args, { cwd: ROOT, encoding: 'utf8', timeout: 20_000 }, (error, stdout, stderr) => {
      if (error === null) {
        resolve({ code: 0, stdout, stderr });
      } else if (typeof error.code === 'number') {
        resolve({ code: error.code, stdout, stderr });
      } else {
        // Not an exit status: the process could not be started or was killed (timeout).
        reject(new Error(`node ${args.join(' ')}: ${error.message}`));
      }
    });
  });
}

const cli = (...args: string[]) => spawnNode([BIN, ...args]);

interface ObjectKeyJson {
  kind: string;
  name: string;
  namespace?: string;
}
interface PathJson {
  binding: ObjectKeyJson;
  role: ObjectKeyJson;
  ruleIndex: number;
  aggregatedFrom?: string[];
}
interface WhoCanJson {
  subjects: { kind: string; name: string; namespace?: string; namespaces?: string[]; via: PathJson[] }[];
  notes: string[];
  warnings: string[];
}
interface CanIJson {
  allowed: boolean;
  reason: string;
  user: { name: string; groups: string[] };
  allowedBySystemMasters?: boolean;
  decidedBy?: PathJson;
  via: PathJson[];
  nearMisses: unknown[];
  warnings: string[];
}


// A small cluster of our own, spread over a JSON typed list and a multi-document YAML file in a
// subdirectory (plus a README the loader must ignore).
let dir: string;
let cluster: string;

const clusterRoles = {
  apiVersion: 'rbac.authorization.k8s.io/v1',
  kind: 'ClusterRoleList',
  metadata: { resourceVersion: '1' },
  items: [{ metadata: { name: 'pod-reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get', 'list'] }] }],
};
const bindings = `apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-read, namespace: ns-a}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
- {kind: ServiceAccount, name: builder}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: bob-read, namespace: ns-b}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: User, name: bob}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: readers}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: pod-reader}
subjects:
- {apiGroup: rbac.authorization.k8s.io, kind: Group, name: auditors}
`;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'aks-access-e2e-'));
  cluster = join(dir, 'cluster');
  await mkdir(join(cluster, 'namespaces'), { recursive: true });
  await writeFile(join(cluster, 'cluster-roles.json'), JSON.stringify(clusterRoles, null, 2));
  await writeFile(join(cluster, 'namespaces', 'bindings.yaml'), bindings);
  await writeFile(join(cluster, 'README.md'), 'Not a manifest: {{');
  await writeFile(join(dir, 'invalid.yaml'), 'kind: ClusterRole\nmetadata: {name: x\n');
  await writeFile(
    join(dir, 'malformed.yaml'),
    `apiVersion: v1
kind: List
items:
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: fine}
- apiVersion: rbac.authorization.k8s.io/v1
  kind: ClusterRole
  metadata: {name: broken}
  rules:
  - {apiGroups: [""], resources: [pods], verbs: get}
`,
  );
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const bobInA: PathJson = { binding: { kind: 'RoleBinding', name: 'bob-read', namespace: 'ns-a' }, role: { kind: 'ClusterRole', name: 'pod-reader' }, ruleIndex: 0 };
const readers: PathJson = { binding: { kind: 'ClusterRoleBinding', name: 'readers' }, role: { kind: 'ClusterRole', name: 'pod-reader' }, ruleIndex: 0 };

describe.concurrent('aks-access who-can', () => {
  it('-o json: exactly subjects/notes/warnings; system:masters only in notes when no binding names it', async ({ expect }) => {
    const run = await cli('who-can', 'get', 'pods', '-n', 'ns-a', '--from-files', cluster, '-o', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout) as WhoCanJson).toEqual({
      subjects: [
        { kind: 'User', name: 'bob', via: [bobInA] },
        { kind: 'Group', name: 'auditors', via: [readers] },
        // A ServiceAccount subject without a namespace belongs to the binding's namespace.
        { kind: 'ServiceAccount', name: 'builder', namespace: 'ns-a', via: [bobInA] },
      ],
      notes: [MASTERS_NOTE],
      warnings: [],
    });
  });

  it('-o json on the example cluster (--from-files before the positionals, file and directory)', async ({ expect }) => {
    const run = await cli('who-can', '--from-files', 'examples/k8s/kubernetes-bootstrap', 'examples/k8s/aks-contoso/rbac.yaml', 'get', 'secrets', '-n', 'payments', '-o', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as WhoCanJson;
    expect(Object.keys(answer).sort()).toEqual(['notes', 'subjects', 'warnings']);
    for (const subject of answer.subjects) {
      expect(Object.keys(subject).sort()).toEqual(subject.kind === 'ServiceAccount' ? ['kind', 'name', 'namespace', 'via'] : ['kind', 'name', 'via']);
      expect(subject.via.length).toBeGreaterThan(0);
      for (const path of subject.via) {
        expect(['aggregatedFrom', 'binding', 'role', 'ruleIndex']).toEqual(expect.arrayContaining(Object.keys(path)));
        expect(Number.isInteger(path.ruleIndex)).toBe(true);
      }
    }
    const byName = new Map(answer.subjects.map((s) => [s.name, s]));
    // The bootstrap ClusterRoleBinding cluster-admin names system:masters: listed, and noted.
    expect(byName.get('system:masters')?.via[0]).toEqual({ binding: { kind: 'ClusterRoleBinding', name: 'cluster-admin' }, role: { kind: 'ClusterRole', name: 'cluster-admin' }, ruleIndex: 0 });
    expect(answer.notes).toEqual([MASTERS_NOTE]);
    // Payments developers edit their namespace through the aggregated "edit" role.
    expect(byName.get('9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d')?.via[0]).toMatchObject({
      binding: { kind: 'RoleBinding', name: 'payments-devs-edit', namespace: 'payments' },
      role: { kind: 'ClusterRole', name: 'edit' },
      aggregatedFrom: ['system:aggregate-to-edit'],
    });
    expect(byName.get('csi-azurefile-node-sa')).toMatchObject({ kind: 'ServiceAccount', namespace: 'kube-system' });
    // alice may get one secret by name: not "get secrets" in general.
    expect(byName.has('alice@contoso.com')).toBe(false);
    expect(answer.warnings).toContain('skipped 1 object(s) that are not RBAC objects (ConfigMap: 1)');
    expect(answer.warnings.some((w) => w.startsWith('RoleBinding payments/legacy-ops grants nothing'))).toBe(true);
  });

  it('table output on the example cluster, warnings on stderr', async ({ expect }) => {
    const run = await cli('who-can', 'get', 'secrets', '-n', 'payments', '--from-files', 'examples/k8s');
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^Who can get secrets in namespace payments: \d+ subject\(s\)$/);
    expect(lines[1]).toMatch(/^KIND +SUBJECT +VIA$/);
    expect(run.stdout).toMatch(/\nGroup +system:masters +ClusterRoleBinding cluster-admin → ClusterRole cluster-admin #0\n/);
    expect(run.stdout).toMatch(/\nServiceAccount +kube-system\/csi-azurefile-node-sa +ClusterRoleBinding csi-azurefile-node-secret-binding/);
    expect(lines.at(-1)).toBe(`Note: ${MASTERS_NOTE}.`);
    expect(run.stderr).toContain('Warning: skipped 1 object(s) that are not RBAC objects (ConfigMap: 1)\n');
    expect(run.stderr).toContain('Warning: RoleBinding payments/legacy-ops grants nothing');
  });

  it('-A lists the namespaces each subject holds in ("*" for a ClusterRoleBinding)', async ({ expect }) => {
    const run = await cli('who-can', 'get', 'pods', '-A', '--from-files', cluster);
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Who can get pods in any namespace: 3 subject(s)');
    expect(lines[1]).toMatch(/^KIND +SUBJECT +NAMESPACES +VIA$/);
    expect(lines[2]).toMatch(/^User +bob +ns-a,ns-b +RoleBinding ns-a\/bob-read → ClusterRole pod-reader #0 \(\+1 more\)$/);
    expect(lines[3]).toMatch(/^Group +auditors +\* +ClusterRoleBinding readers → ClusterRole pod-reader #0$/);
    expect(lines[4]).toMatch(/^ServiceAccount +ns-a\/builder +ns-a +RoleBinding ns-a\/bob-read → ClusterRole pod-reader #0$/);
    expect(lines[5]).toBe(`Note: ${MASTERS_NOTE}.`);
  });

  it('-A -o json on the example cluster carries the namespaces per subject', async ({ expect }) => {
    const run = await cli('who-can', 'create', 'pods', '--subresource', 'exec', '-A', '--from-files', 'examples/k8s', '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as WhoCanJson;
    const namespaces = Object.fromEntries(answer.subjects.map((s) => [s.name, s.namespaces]));
    expect(namespaces).toMatchObject({
      clusterAdmin: ['*'],
      'system:masters': ['*'],
      '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d': ['payments'],
      '2c3d4e5f-6a7b-4c8d-9e0f-a1b2c3d4e5f6': ['frontend'],
    });
  });

  it('-o wide prints one row per path', async ({ expect }) => {
    const run = await cli('who-can', 'get', 'pods', '-A', '-o', 'wide', '--from-files', cluster);
    expect(run.code).toBe(0);
    const lines = run.stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('Who can get pods in any namespace: 3 subject(s)');
    expect(lines[1]).toMatch(/^KIND +SUBJECT +NAMESPACE +BINDING +ROLE +RULE +AGGREGATED FROM$/);
    const rows = lines.slice(2, -1).map((line) => line.split(/ {3,}/));
    expect(rows).toEqual([
      ['User', 'bob', 'ns-a', 'RoleBinding ns-a/bob-read', 'ClusterRole pod-reader', '#0'],
      ['User', 'bob', 'ns-b', 'RoleBinding ns-b/bob-read', 'ClusterRole pod-reader', '#0'],
      ['Group', 'auditors', '*', 'ClusterRoleBinding readers', 'ClusterRole pod-reader', '#0'],
      ['ServiceAccount', 'ns-a/builder', 'ns-a', 'RoleBinding ns-a/bob-read', 'ClusterRole pod-reader', '#0'],
    ]);
  });
});

describe.concurrent('aks-access can-i', () => {
  it('yes: exit 0 and the deciding path in JSON', async ({ expect }) => {
    const run = await cli('can-i', 'get', 'secrets/db-password', '-n', 'payments', '--as', 'alice@contoso.com', '--from-files', 'examples/k8s', '-o', 'json');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as CanIJson;
    const path: PathJson = {
      binding: { kind: 'RoleBinding', name: 'alice-db-password', namespace: 'payments' },
      role: { kind: 'Role', name: 'db-password-reader', namespace: 'payments' },
      ruleIndex: 0,
    };
    expect(answer).toMatchObject({ allowed: true, user: { name: 'alice@contoso.com', groups: ['system:authenticated'] }, decidedBy: path, via: [path] });
    expect(answer.reason).toMatch(/^allowed: RoleBinding payments\/alice-db-password → Role payments\/db-password-reader/);
    expect(answer.allowedBySystemMasters).toBeUndefined();
  });

  it('no: exit 1, "no" and the reason on stdout', async ({ expect }) => {
    const run = await cli('can-i', 'list', 'secrets', '-n', 'payments', '--as', 'alice@contoso.com', '--from-files', 'examples/k8s');
    expect(run.code).toBe(1);
    const [first, second] = run.stdout.split('\n');
    expect(first).toBe('no');
    expect(second).toMatch(/^ {2}denied: no RBAC rule allows "alice@contoso.com" .*to list secrets in namespace payments; closest: RoleBinding payments\/alice-db-password .* limited to resourceNames db-password/);
    expect(run.stderr).toContain('Warning: skipped 1 object(s) that are not RBAC objects (ConfigMap: 1)');
  });

  it('no in JSON: exit 1, allowed false', async ({ expect }) => {
    const run = await cli('can-i', 'get', 'pods', '-n', 'ns-c', '--as', 'bob', '--from-files', cluster, '-o', 'json');
    expect(run.code).toBe(1);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer).toMatchObject({ allowed: false, via: [], user: { name: 'bob' } });
    expect(answer.reason).toMatch(/^denied: /);
    expect(answer.decidedBy).toBeUndefined();
  });

  it('a member of system:masters is allowed without any binding naming the group', async ({ expect }) => {
    const run = await cli('can-i', 'delete', 'nodes', '--as', 'eve', '--as-group', 'system:masters', '--as-group', 'ops', '--from-files', cluster, '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as CanIJson;
    expect(answer).toMatchObject({ allowed: true, allowedBySystemMasters: true, user: { name: 'eve', groups: ['system:masters', 'ops', 'system:authenticated'] } });
  });
});

describe.concurrent('aks-access rules', () => {
  it('--serviceaccount NS:NAME -n NS -o json', async ({ expect }) => {
    const run = await cli('rules', '--serviceaccount', 'payments:ci', '-n', 'payments', '--from-files', 'examples/k8s', '-o', 'json');
    expect(run.code).toBe(0);
    const answer = JSON.parse(run.stdout) as { subject: string; user: { name: string }; rules: { verbs: string[]; resources: string[]; apiGroups: string[]; via: PathJson }[] };
    expect(answer.subject).toBe('ServiceAccount payments/ci');
    expect(answer.user.name).toBe('system:serviceaccount:payments:ci');
    expect(answer.rules).toContainEqual(
      expect.objectContaining({
        verbs: ['get', 'list', 'watch', 'patch', 'update'],
        apiGroups: ['apps'],
        resources: ['deployments'],
        via: { binding: { kind: 'RoleBinding', name: 'ci-deployer', namespace: 'payments' }, role: { kind: 'Role', name: 'deployer', namespace: 'payments' }, ruleIndex: 0 },
      }),
    );
  });
});

describe.concurrent('aks-access errors exit 2 and say what is wrong, where', () => {
  it('invalid YAML (can-i: 2, not the 1 of "no")', async ({ expect }) => {
    const file = join(dir, 'invalid.yaml');
    const run = await cli('can-i', 'get', 'pods', '--as', 'bob', '--from-files', file);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(new RegExp(`^error: ${escape(file)}: document 1: invalid YAML: `));
  });

  it('a malformed object: file, list item, kind and name, field', async ({ expect }) => {
    const file = join(dir, 'malformed.yaml');
    const run = await cli('who-can', 'get', 'pods', '--from-files', file, '-o', 'json');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`error: ${file} items[1]: ClusterRole "broken" rules[0].verbs must be a list of strings, got "get"\n`);
  });

  it('an unreadable path', async ({ expect }) => {
    const missing = join(dir, 'no-such-dir');
    const run = await cli('rules', '--user', 'bob', '--from-files', missing);
    expect(run.code).toBe(2);
    expect(run.stderr).toBe(`error: ${missing}: cannot read (no such file or directory)\n`);
  });

  it('an unknown flag', async ({ expect }) => {
    const run = await cli('who-can', 'get', 'pods', '--namespaces', 'x', '--from-files', 'examples/k8s');
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe("error: unknown flag --namespaces\nRun 'aks-access --help' for usage.\n");
  });

  it('an unknown command', async ({ expect }) => {
    const run = await cli('whocan', 'get', 'pods');
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^error: unknown command "whocan"\n\naks-access: /);
  });

  it('--help prints the usage of every command and exits 0', async ({ expect }) => {
    const run = await cli('--help');
    expect(run.code).toBe(0);
    expect(run.stderr).toBe('');
    for (const command of ['who-can VERB', 'can-i VERB', 'rules (']) expect(run.stdout).toContain(`aks-access ${command}`);
    expect(run.stdout).toContain('Exit codes: 0 success (can-i: yes), 1 can-i: no, 2 error');
  });
});

describe('npm start -- --once', () => {
  it('syncs the simulated contoso tenant into the embedded Cosmos DB, answers from the stored generations and exits 0', async ({ expect }) => {
    const run = await spawnNode(['src/dev/start.ts', '--once']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Cosmos DB \(embedded, in memory, keyless client\) https:\/\/127\.0\.0\.1:\d+\//);
    expect(run.stdout).toMatch(/\[ ?\d+\/\d+\] ✓ azure-rbac\|tenant — \d+ objects, \d+ written/);
    expect(run.stdout).toMatch(/✓ entra\|tenant — \d+ objects/);
    expect(run.stdout).toMatch(/\[12\/12\] ✓ k8s-rbac\|cluster:\S+ — \d+ objects/);
    expect(run.stdout).toMatch(/⚙ compiled aks-prod-weu/);
    expect(run.stdout).toMatch(/: 12 units ok, 0 failed, \d+ documents written, 0 removed, 4 clusters compiled, \d+ ms; \d+ HTTPS requests to the tenant so far, none to a Secrets endpoint: true\n/);
    expect(run.stdout).toMatch(/Who can get secrets in namespace payments on cluster aks-prod-weu: \d+ subject\(s\)/);
    expect(run.stdout).toMatch(/grace@contoso\.com +aks-prod-weu +conditional/);
    expect(run.stdout).toMatch(/frank@contoso\.com +aks-prod-weu +no +\[azure\] role "Azure Kubernetes Service RBAC Cluster Admin"/);
    expect(run.stdout).not.toContain('✗');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
