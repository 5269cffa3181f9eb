// Hop from the tenant scope to the management group (resource-group and subscription deployments cannot
// target a management group directly). Used only by ../../rbac.bicep.
targetScope = 'tenant'

param managementGroupId string
param principalId string
param readerRoleGuid string
param indexerRoleGuid string
param roleName string
param roleDescription string
param actions array
param dataActions array

module grants 'indexer-grants-management-group.bicep' = {
  name: 'indexer-grants-${uniqueString(managementGroupId)}'
  scope: managementGroup(managementGroupId)
  params: {
    principalId: principalId
    readerRoleGuid: readerRoleGuid
    indexerRoleGuid: indexerRoleGuid
    roleName: roleName
    roleDescription: roleDescription
    actions: actions
    dataActions: dataActions
  }
}
