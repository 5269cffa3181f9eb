// aks-access: orchestrates only. Resources are in modules/, every grant is in rbac.bicep.
targetScope = 'subscription'

@minLength(1)
@maxLength(64)
@description('azd environment name; names the resource group and seeds resource names.')
param environmentName string

@minLength(1)
@description('Region of every resource (Flex Consumption must be available there).')
param location string

@description('Subscriptions the indexer reads (Reader and the AKS Access Indexer role on each). Empty, and no management group: this subscription.')
param indexerSubscriptionIds array = []

@description('A management group the indexer reads instead (Reader and the AKS Access Indexer role there, inherited below). Empty: use indexerSubscriptionIds.')
param indexerManagementGroupId string = ''

@description('With a scope narrower than the tenant root group: grant only the management-group tree read at the root (the tenant sync unit needs it). Needs the right to assign roles at the root.')
param indexerTenantTreeRead bool = true

@description('The Entra tenant the indexer reads.')
param tenantId string = tenant().tenantId

@allowed(['serverless', 'autoscale'])
@description('Cosmos DB capacity: serverless, or shared autoscale throughput on the database.')
param cosmosThroughputMode string = 'serverless'

@minValue(1000)
@description('Autoscale maximum RU/s (cosmosThroughputMode autoscale only).')
param cosmosAutoscaleMaxThroughput int = 1000

@description('NCRONTAB schedule of the sync (six fields).')
param syncSchedule string = '0 0 */6 * * *'

@description('NCRONTAB schedule of the compliance report (six fields); default daily at 06:00 UTC.')
param reportSchedule string = '0 0 6 * * *'

@description('Client id of the API\'s Entra app registration (scripts/create-api-app.sh); turns on bearer tokens and App Service Authentication. Empty: the API answers no one.')
param apiClientId string = ''

@description('Directory of the API\'s callers; default the indexed tenant.')
param apiTenantId string = tenantId

@description('More accepted token audiences for the API, comma-separated.')
param apiAudiences string = ''

@description('Replaces the default token issuers, comma-separated (sovereign clouds).')
param apiIssuers string = ''

@secure()
@description('Incoming webhook (Teams workflow or Slack app) told about new risky grants; empty: none (azd env set CHANGES_WEBHOOK_URL).')
param changesWebhookUrl string = ''
@allowed(['', 'teams', 'slack'])
@description('teams or slack: the kind of changesWebhookUrl (empty: inferred from the Slack or Teams webhook host).')
param changesWebhookKind string = ''

var tags = { 'azd-env-name': environmentName }
var token = toLower(uniqueString(subscription().id, environmentName, location))
var deploymentContainerName = 'app-package-${take(token, 7)}'
var subscriptionIds = empty(indexerSubscriptionIds) && empty(indexerManagementGroupId) ? [subscription().subscriptionId] : indexerSubscriptionIds
// src/store/containers.ts DATABASE_ID
var cosmosDatabaseName = 'aks-access'

resource rg 'Microsoft.Resources/resourceGroups@2024-03-01' = {
  name: 'rg-${environmentName}'
  location: location
  tags: tags
}

module identity 'modules/identity.bicep' = {
  name: 'identity'
  scope: rg
  params: {
    name: 'id-indexer-${token}'
    location: location
    tags: tags
  }
}

module storage 'modules/storage.bicep' = {
  name: 'storage'
  scope: rg
  params: {
    name: 'st${token}'
    location: location
    tags: tags
    deploymentContainerName: deploymentContainerName
  }
}

module cosmos 'modules/cosmos.bicep' = {
  name: 'cosmos'
  scope: rg
  params: {
    name: 'cosmos-${token}'
    location: location
    tags: tags
    databaseName: cosmosDatabaseName
    throughputMode: cosmosThroughputMode
    autoscaleMaxThroughput: cosmosAutoscaleMaxThroughput
  }
}

module monitoring 'modules/appinsights.bicep' = {
  name: 'monitoring'
  scope: rg
  params: {
    name: 'appi-${token}'
    logAnalyticsName: 'log-${token}'
    location: location
    tags: tags
  }
}

module functionApp 'modules/functionapp.bicep' = {
  name: 'functionapp'
  scope: rg
  params: {
    name: 'func-${token}'
    planName: 'plan-${token}'
    location: location
    tags: tags
    identityId: identity.outputs.id
    identityClientId: identity.outputs.clientId
    storageAccountName: storage.outputs.name
    storageBlobEndpoint: storage.outputs.blobEndpoint
    deploymentContainerName: deploymentContainerName
    appInsightsConnectionString: monitoring.outputs.connectionString
    cosmosEndpoint: cosmos.outputs.endpoint
    cosmosDatabaseName: cosmos.outputs.databaseName
    tenantId: tenantId
    syncSchedule: syncSchedule
    reportSchedule: reportSchedule
    apiClientId: apiClientId
    apiTenantId: apiTenantId
    apiAudiences: apiAudiences
    apiIssuers: apiIssuers
    changesWebhookUrl: changesWebhookUrl
    changesWebhookKind: changesWebhookKind
  }
  // The host starts at once: its storage, telemetry and index grants must exist first.
  dependsOn: [rbac]
}

module rbac 'rbac.bicep' = {
  name: 'rbac'
  scope: rg
  params: {
    principalId: identity.outputs.principalId
    storageAccountName: storage.outputs.name
    cosmosAccountName: cosmos.outputs.name
    appInsightsName: monitoring.outputs.name
    subscriptionIds: subscriptionIds
    managementGroupId: indexerManagementGroupId
    grantTenantTreeRead: indexerTenantTreeRead
  }
}

output AZURE_LOCATION string = location
output AZURE_TENANT_ID string = tenantId
output AZURE_RESOURCE_GROUP string = rg.name
output AZURE_FUNCTION_APP_NAME string = functionApp.outputs.name
output API_BASE_URL string = 'https://${functionApp.outputs.defaultHostName}/api'
output INDEXER_IDENTITY_NAME string = identity.outputs.name
output INDEXER_PRINCIPAL_ID string = identity.outputs.principalId
output INDEXER_CLIENT_ID string = identity.outputs.clientId
output COSMOS_ENDPOINT string = cosmos.outputs.endpoint
output COSMOS_DATABASE string = cosmos.outputs.databaseName
output STORAGE_ACCOUNT_NAME string = storage.outputs.name
