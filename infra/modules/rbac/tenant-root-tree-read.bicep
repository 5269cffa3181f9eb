// The "AKS Access Indexer Tree" custom role, defined and assigned at the tenant root management group (whose
// id is the tenant id), reached from the tenant scope. Used only by ../../rbac.bicep.
targetScope = 'tenant'

param principalId string
param roleGuid string
param roleName string
param roleDescription string
param actions array

module treeRead 'tree-read-management-group.bicep' = {
  name: 'indexer-tree-read-${uniqueString(tenant().tenantId)}'
  scope: managementGroup(tenant().tenantId)
  params: {
    principalId: principalId
    roleGuid: roleGuid
    roleName: roleName
    roleDescription: roleDescription
    actions: actions
  }
}
