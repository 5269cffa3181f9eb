// The one user-assigned identity the Function App uses for everything: Storage, Cosmos DB, Application
// Insights, ARM, Microsoft Graph and the clusters. Its grants are all in ../rbac.bicep.
param name string
param location string
param tags object = {}

resource identity 'Microsoft.ManagedIdentity/userAssignedIdentities@2023-01-31' = {
  name: name
  location: location
  tags: tags
}

output id string = identity.id
output name string = identity.name
output principalId string = identity.properties.principalId
output clientId string = identity.properties.clientId
