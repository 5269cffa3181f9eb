import type { IndexStore, UnitKey, UnitSnapshot, WriteResult } from '../../src/store/IndexStore.ts';

/** Documents a snapshot would be written as: one per collected object. */
export function documentsOf(snapshot: UnitSnapshot): number {
  switch (snapshot.source) {
    case 'azure-rbac': {
      const { azure, subscriptions } = snapshot.data;
      return azure.roleDefinitions.length + azure.roleAssignments.length + azure.denyAssignments.length + azure.hierarchy.length + subscriptions.length;
    }
    case 'aks-clusters': {
      const d = snapshot.data;
      return d.clusters.length + d.networks.length + d.subnets.length + d.registries.length;
    }
    case 'entra':
      return snapshot.data.users.length + snapshot.data.groups.length + snapshot.data.servicePrincipals.length;
    case 'k8s-rbac': {
      const d = snapshot.data;
      return d.roles.length + d.bindings.length + d.namespaces.length + d.serviceAccounts.length + d.pods.length;
    }
  }
}

/**
 * The store's write side with the writes counted, never sent: what the L sync figure needs to be ours alone
 * (a real Cosmos account's speed is not measurable here). Snapshots are not kept, so memory is the sync's own.
 */
export class CountingStore implements Pick<IndexStore, 'writeUnitSnapshot' | 'recordUnitStatus'> {
  documents = 0;
  snapshots = 0;
  statuses = 0;
  readonly bySource: Record<UnitSnapshot['source'], number> = { 'azure-rbac': 0, 'aks-clusters': 0, entra: 0, 'k8s-rbac': 0 };

  writeUnitSnapshot(_unit: UnitKey, _runId: string, snapshot: UnitSnapshot): Promise<WriteResult> {
    const written = documentsOf(snapshot);
    this.documents += written;
    this.snapshots++;
    this.bySource[snapshot.source] += written;
    return Promise.resolve({ written, deleted: 0 });
  }

  recordUnitStatus(): Promise<void> {
    this.statuses++;
    return Promise.resolve();
  }
}
