/**
 * `npm start`: until the local API host exists, this runs the offline CLI over the bundled example cluster
 * (upstream bootstrap policy + what AKS and Contoso's teams add) and prints the answers a platform
 * engineer would ask for first. Every line below is computed by the engine; nothing is canned.
 */
import { fileURLToPath } from 'node:url';
import { runCli } from '../cli/runCli.ts';

const examples = fileURLToPath(new URL('../../examples/k8s', import.meta.url));

const QUESTIONS: readonly { title: string; argv: readonly string[] }[] = [
  { title: 'Who can read secrets in namespace payments?', argv: ['who-can', 'get', 'secrets', '-n', 'payments'] },
  { title: 'Can alice list secrets in payments? (she holds a resourceNames rule: get db-password only)', argv: ['can-i', 'list', 'secrets', '-n', 'payments', '--as', 'alice@contoso.com'] },
  { title: 'Can alice get secret db-password in payments?', argv: ['can-i', 'get', 'secrets/db-password', '-n', 'payments', '--as', 'alice@contoso.com'] },
  { title: 'Who can exec into pods, in any namespace?', argv: ['who-can', 'create', 'pods', '--subresource', 'exec', '-A'] },
  { title: 'Who can scale deployments, in any namespace? (`*/scale` rules count)', argv: ['who-can', 'patch', 'deployments', '--subresource', 'scale', '-A'] },
  { title: 'Who can proxy to kubelets (nodes/proxy)?', argv: ['who-can', 'get', 'nodes', '--subresource', 'proxy'] },
  { title: 'What can the CI service account do in payments?', argv: ['rules', '--serviceaccount', 'payments:ci', '-n', 'payments'] },
];

let failures = 0;
const warnings = new Set<string>();
for (const { title, argv } of QUESTIONS) {
  process.stdout.write(`\n## ${title}\n$ aks-access ${argv.join(' ')} --from-files examples/k8s\n`);
  const code = await runCli([...argv, '--from-files', examples], {
    out: (text) => process.stdout.write(text),
    // Load warnings repeat for every question; show them once, at the end.
    err: (text) => {
      warnings.add(text);
    },
  });
  // can-i answers "no" with exit code 1; only 2 is a failure.
  if (code === 2) failures++;
}
process.stdout.write(`\n## Warnings found in the example manifests\n${[...warnings].join('')}`);
process.stdout.write('\nTry your own cluster: kubectl get clusterroles,roles,clusterrolebindings,rolebindings -A -o yaml > rbac.yaml\n');
process.stdout.write('then: node bin/aks-access.js who-can get secrets -n NAMESPACE --from-files rbac.yaml\n');
process.exitCode = failures === 0 ? 0 : 2;
