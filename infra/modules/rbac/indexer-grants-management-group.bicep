// The "AKS Access Indexer" custom role defined at a management group, and Reader and that role assigned to
// the indexer there (inherited by every subscription below it). Used only by ../../rbac.bicep.
targetScope = 'managementGroup'

param principalId string
param readerRoleGuid string
param indexerRoleGuid string
param roleName string
param roleDescription string
param actions array
param dataActions array

resource indexerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: indexerRoleGuid
  properties: {
    roleName: roleName
    description: roleDescription
    type: 'CustomRole'
    permissions: [
      {
        actions: actions
        notActions: []
        dataActions: dataActions
        notDataActions: []
      }
    ]
    assignableScopes: [managementGroup().id]
  }
}

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, readerRoleGuid)
  properties: {
    roleDefinitionId: tenantResourceId('Microsoft.Authorization/roleDefinitions', readerRoleGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource indexer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(managementGroup().id, principalId, indexerRoleGuid)
  properties: {
    roleDefinitionId: indexerRole.id
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
