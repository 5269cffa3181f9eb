// Every grant of the deployment, in one file: what the indexer's identity may do, and where.
//
//   on the app's own resources (this resource group)
//     Storage Blob Data Owner          storage account   the host's blobs (leases, the deployment package)
//     Storage Queue Data Contributor   storage account   the sync queues: send, receive, delete, poison queues
//     Cosmos DB Built-in Data Contributor (data plane)   Cosmos account   read and write the index
//     Monitoring Metrics Publisher     Application Insights   telemetry with an Entra token
//   on what is indexed (the chosen subscriptions, or one management group)
//     Reader                           the Azure RBAC and cluster inventory (see docs/deploy.md, Permissions)
//     AKS Access Indexer (custom)      the cluster user credential and list on RBAC objects, namespaces,
//                                      service accounts and pods — never secrets
//   on the tenant root management group, unless it is the indexed scope
//     AKS Access Indexer Tree (custom) list the management groups and subscriptions under the root: the
//                                      tenant sync unit reads the tree there (src/collectors/azure-rbac/fetch.ts)
//
// The Microsoft Graph application permissions are not ARM role assignments: scripts/grant-graph-permissions.sh.
// Storage Queue Data Message Processor is not granted: Queue Data Contributor already includes receiving and
// deleting, and the host also needs to create the poison queues, which only the contributor role allows.
targetScope = 'resourceGroup'

param principalId string
param storageAccountName string
param cosmosAccountName string
param appInsightsName string

@description('Subscriptions the indexer reads; ignored when managementGroupId is set.')
param subscriptionIds array = []
@description('A management group the indexer reads (all its subscriptions); empty: use subscriptionIds.')
param managementGroupId string = ''

@description('Grant the management-group tree read at the tenant root when the indexed scope is narrower (the tenant unit needs it).')
param grantTenantTreeRead bool = true

var roles = {
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7'
  storageBlobDataOwner: 'b7e6dc6d-f1e8-4753-8033-0f276bb0955b'
  storageQueueDataContributor: '974c5e8b-45b9-4653-ba55-5f855dd0fb88'
  monitoringMetricsPublisher: '3913510d-42f4-4e42-8a64-420c390055eb'
}
// Cosmos DB data-plane role (not an ARM role): Cosmos DB Built-in Data Contributor.
var cosmosDataContributor = '00000000-0000-0000-0000-000000000002'

// The custom role: exactly K8S_RBAC_PERMISSIONS in src/collectors/k8s-rbac/permissions.ts (a test checks).
var indexerRoleName = 'AKS Access Indexer'
var indexerActions = [
  'Microsoft.ContainerService/managedClusters/listClusterUserCredential/action'
]
var indexerDataActions = [
  'Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterroles/read'
  'Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/clusterrolebindings/read'
  'Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/roles/read'
  'Microsoft.ContainerService/managedClusters/rbac.authorization.k8s.io/rolebindings/read'
  'Microsoft.ContainerService/managedClusters/namespaces/read'
  'Microsoft.ContainerService/managedClusters/serviceaccounts/read'
  'Microsoft.ContainerService/managedClusters/pods/read'
  'Microsoft.ContainerService/managedClusters/services/read'
]
var indexerRoleDescription = 'Lets the aks-access indexer read Kubernetes RBAC objects, namespaces, service accounts, pods and services (never secrets) and fetch the cluster user kubeconfig.'

// The tenant unit lists the descendants of the tenant root management group: with a narrower scope, a role
// holding only that action is assigned there (Reader on the root already includes it).
var treeRoleName = 'AKS Access Indexer Tree'
var treeActions = [
  'Microsoft.Management/managementGroups/descendants/read'
]
var treeRoleDescription = 'Lets the aks-access indexer list the management groups and subscriptions under the tenant root group.'

var useManagementGroup = !empty(managementGroupId)
var indexesTenantRoot = managementGroupId == tenant().tenantId
var indexedSubscriptions = useManagementGroup ? [] : subscriptionIds
var indexedSubscriptionScopes = [for id in indexedSubscriptions: '/subscriptions/${id}']
// Stable per tenant, so changing the scope updates the one definition (custom role names are unique in a tenant).
var indexerRoleGuid = guid(tenant().tenantId, indexerRoleName)

resource storage 'Microsoft.Storage/storageAccounts@2023-05-01' existing = {
  name: storageAccountName
}

resource cosmos 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' existing = {
  name: cosmosAccountName
}

resource appInsights 'Microsoft.Insights/components@2020-02-02' existing = {
  name: appInsightsName
}

resource storageBlobDataOwner 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roles.storageBlobDataOwner)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageBlobDataOwner)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource storageQueueDataContributor 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: storage
  name: guid(storage.id, principalId, roles.storageQueueDataContributor)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.storageQueueDataContributor)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource monitoringMetricsPublisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = {
  scope: appInsights
  name: guid(appInsights.id, principalId, roles.monitoringMetricsPublisher)
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', roles.monitoringMetricsPublisher)
    principalId: principalId
    principalType: 'ServicePrincipal'
  }
}

resource cosmosDataContributorAssignment 'Microsoft.DocumentDB/databaseAccounts/sqlRoleAssignments@2024-05-15' = {
  parent: cosmos
  name: guid(cosmos.id, principalId, cosmosDataContributor)
  properties: {
    roleDefinitionId: '${cosmos.id}/sqlRoleDefinitions/${cosmosDataContributor}'
    principalId: principalId
    scope: cosmos.id
  }
}

// Subscriptions: the custom role defined once (in the first subscription, assignable in all of them), then
// Reader and the custom role assigned in each.
module indexerRoleDefinition 'modules/rbac/indexer-role-subscription.bicep' = if (!empty(indexedSubscriptions)) {
  name: 'indexer-role-definition'
  scope: subscription(empty(indexedSubscriptions) ? subscription().subscriptionId : indexedSubscriptions[0])
  params: {
    roleGuid: indexerRoleGuid
    roleName: indexerRoleName
    roleDescription: indexerRoleDescription
    actions: indexerActions
    dataActions: indexerDataActions
    assignableScopes: indexedSubscriptionScopes
  }
}

module subscriptionGrants 'modules/rbac/indexer-grants-subscription.bicep' = [
  for id in indexedSubscriptions: {
    name: 'indexer-grants-${uniqueString(id)}'
    scope: subscription(id)
    dependsOn: [indexerRoleDefinition]
    params: {
      principalId: principalId
      readerRoleGuid: roles.reader
      indexerRoleGuid: indexerRoleGuid
    }
  }
]

// A management group: Bicep reaches a management group from here only through the tenant scope.
module managementGroupGrants 'modules/rbac/tenant-to-management-group.bicep' = if (useManagementGroup) {
  name: 'indexer-grants-mg'
  scope: tenant()
  params: {
    managementGroupId: managementGroupId
    principalId: principalId
    readerRoleGuid: roles.reader
    indexerRoleGuid: indexerRoleGuid
    roleName: indexerRoleName
    roleDescription: indexerRoleDescription
    actions: indexerActions
    dataActions: indexerDataActions
  }
}

module tenantTreeRead 'modules/rbac/tenant-root-tree-read.bicep' = if (grantTenantTreeRead && !indexesTenantRoot) {
  name: 'indexer-tree-read'
  scope: tenant()
  params: {
    principalId: principalId
    roleGuid: guid(tenant().tenantId, treeRoleName)
    roleName: treeRoleName
    roleDescription: treeRoleDescription
    actions: treeActions
  }
}
