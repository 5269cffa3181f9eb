// A custom role holding only the management-group tree read, and its assignment to the indexer, at this
// management group. Used only by ../../rbac.bicep (through tenant-root-tree-read.bicep).
targetScope = 'managementGroup'

param principalId string
param roleGuid string
param roleName string
param roleDescription string
param actions array

resource treeRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleGuid
  properties: {
    roleName: roleName
    description: roleDescription
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: []
        notDataActions: []
      }
    ]
    assignableScopes: [managementGroup().id]
  }
}

resource treeRead 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, roleGuid)
  properties: {
    roleDefinitionId: treeRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
