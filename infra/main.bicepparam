using './main.bicep'

// azd sets AZURE_ENV_NAME and AZURE_LOCATION; the rest are read from the azd environment (`azd env set NAME value`).
param environmentName = readEnvironmentVariable('AZURE_ENV_NAME', 'aks-access')
param location = readEnvironmentVariable('AZURE_LOCATION', 'westeurope')

// Scope of the indexer: comma-separated subscription ids, or one management group id (wins when set).
// Neither: the subscription azd deploys to.
param indexerSubscriptionIds = empty(readEnvironmentVariable('INDEXER_SUBSCRIPTION_IDS', '')) ? [] : split(readEnvironmentVariable('INDEXER_SUBSCRIPTION_IDS', ''), ',')
param indexerManagementGroupId = readEnvironmentVariable('INDEXER_MANAGEMENT_GROUP_ID', '')
// Below the tenant root: also grant the management-group tree read at the root (docs/deploy.md, Scope).
param indexerTenantTreeRead = readEnvironmentVariable('INDEXER_TENANT_TREE_READ', 'true') != 'false'

param cosmosThroughputMode = 'serverless' // or 'autoscale' (shared autoscale throughput on the database)
param syncSchedule = readEnvironmentVariable('SYNC_SCHEDULE', '0 0 */6 * * *')
param reportSchedule = readEnvironmentVariable('AKS_ACCESS_REPORT_SCHEDULE', '0 0 6 * * *')

// Set by scripts/create-api-app.sh (azd env set API_CLIENT_ID ...); empty until then.
param apiClientId = readEnvironmentVariable('API_CLIENT_ID', '')

// New risky grants to a Teams workflow or Slack incoming webhook (docs/changes.md); empty: no notification.
param changesWebhookUrl = readEnvironmentVariable('CHANGES_WEBHOOK_URL', '')
param changesWebhookKind = readEnvironmentVariable('CHANGES_WEBHOOK_KIND', '')
