// Reader and the "AKS Access Indexer" custom role for the indexer, on one subscription.
// Used only by ../../rbac.bicep.
targetScope = 'subscription'

param principalId string
param readerRoleGuid string
param indexerRoleGuid string

resource reader 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, readerRoleGuid)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', readerRoleGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource indexer 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  name: guid(subscription().id, principalId, indexerRoleGuid)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', indexerRoleGuid)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}
