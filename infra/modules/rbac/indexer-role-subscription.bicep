// The "AKS Access Indexer" custom role, defined in one subscription and assignable in the listed ones.
// Used only by ../../rbac.bicep.
targetScope = 'subscription'

param roleGuid string
param roleName string
param roleDescription string
param actions array
param dataActions array
param assignableScopes array

resource indexerRole 'Microsoft.Authorization/roleDefinitions@2022-04-01' = {
  name: roleGuid
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
    assignableScopes: assignableScopes
  }
}

output id string = indexerRole.id
