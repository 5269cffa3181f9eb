// The Function App on a Flex Consumption plan (FC1), Node 22, running as the one user-assigned identity:
// the host's storage, the deployment package, Application Insights and the app's own clients (Cosmos, ARM,
// Graph, the clusters) all authenticate with it. No key or connection string is set anywhere.
// The app settings are every setting src/config/loadConfig.ts reads in Azure (test/infra/infra.test.ts checks).
param name string
param planName string
param location string
param tags object = {}

param identityId string
param identityClientId string
param storageAccountName string
param storageBlobEndpoint string
param deploymentContainerName string
param appInsightsConnectionString string
param cosmosEndpoint string
param cosmosDatabaseName string

@description('The Entra tenant the indexer reads.')
param tenantId string
@description('NCRONTAB schedule of the sync timer (six fields).')
param syncSchedule string
@description('NCRONTAB schedule of the compliance report timer (six fields); default daily at 06:00 UTC.')
param reportSchedule string = '0 0 6 * * *'
param syncConcurrency int = 4
param syncCompileDelaySeconds int = 60
param requestTimeoutMs int = 30000
@description('Days each generation\'s access digest is kept for accessChanges (ACCESS_HISTORY_TTL_DAYS).')
param accessHistoryTtlDays int = 90
@secure()
@description('Incoming webhook (Teams workflow or Slack app) told about new risky grants; empty: no notification. The URL is its credential.')
param changesWebhookUrl string = ''
@allowed(['', 'teams', 'slack'])
@description('teams or slack: the kind of changesWebhookUrl (empty: inferred from the Slack or Teams webhook host).')
param changesWebhookKind string = ''

@description('Client id of the API\'s Entra app registration; empty: the API refuses every caller until it is set.')
param apiClientId string = ''
@description('Directory of the API\'s callers.')
param apiTenantId string
@description('More accepted token audiences, comma-separated (a custom Application ID URI).')
param apiAudiences string = ''
@description('Replaces the default token issuers, comma-separated (sovereign clouds).')
param apiIssuers string = ''
param maximumInstanceCount int = 40
param instanceMemoryMB int = 2048

var hasApiApp = !empty(apiClientId)

resource plan 'Microsoft.Web/serverfarms@2024-04-01' = {
  name: planName
  location: location
  tags: tags
  kind: 'functionapp'
  sku: {
    tier: 'FlexConsumption'
    name: 'FC1'
  }
  properties: {
    reserved: true
  }
}

resource functionApp 'Microsoft.Web/sites@2024-04-01' = {
  name: name
  location: location
  tags: union(tags, { 'azd-service-name': 'api' })
  kind: 'functionapp,linux'
  identity: {
    type: 'UserAssigned'
    userAssignedIdentities: { '${identityId}': {} }
  }
  properties: {
    serverFarmId: plan.id
    httpsOnly: true
    siteConfig: {
      minTlsVersion: '1.2'
      ftpsState: 'Disabled'
    }
    functionAppConfig: {
      deployment: {
        storage: {
          type: 'blobContainer'
          value: '${storageBlobEndpoint}${deploymentContainerName}'
          authentication: {
            type: 'UserAssignedIdentity'
            userAssignedIdentityResourceId: identityId
          }
        }
      }
      scaleAndConcurrency: {
        maximumInstanceCount: maximumInstanceCount
        instanceMemoryMB: instanceMemoryMB
      }
      runtime: {
        name: 'node'
        version: '22'
      }
    }
  }
}

resource appSettings 'Microsoft.Web/sites/config@2024-04-01' = {
  parent: functionApp
  name: 'appsettings'
  properties: {
    // The host's storage (triggers, timer leases, the sync queues), identity-based.
    AzureWebJobsStorage__accountName: storageAccountName
    AzureWebJobsStorage__credential: 'managedidentity'
    AzureWebJobsStorage__clientId: identityClientId
    // Telemetry with an Entra token (local auth is off on the component).
    APPLICATIONINSIGHTS_CONNECTION_STRING: appInsightsConnectionString
    APPLICATIONINSIGHTS_AUTHENTICATION_STRING: 'ClientId=${identityClientId};Authorization=AAD'
    // The app's own clients use this identity (src/composition.ts).
    AZURE_CLIENT_ID: identityClientId
    TENANT_ID: tenantId
    COSMOS_ENDPOINT: cosmosEndpoint
    COSMOS_DATABASE: cosmosDatabaseName
    SYNC_SCHEDULE: syncSchedule
    // The report timer's binding reads %AKS_ACCESS_REPORT_SCHEDULE%: it must always be set (docs/reports.md).
    AKS_ACCESS_REPORT_SCHEDULE: reportSchedule
    SYNC_CONCURRENCY: string(syncConcurrency)
    SYNC_COMPILE_DELAY_SECONDS: string(syncCompileDelaySeconds)
    REQUEST_TIMEOUT_MS: string(requestTimeoutMs)
    // Changes over time (docs/changes.md): history kept, and the webhook for new risky grants (empty: off).
    ACCESS_HISTORY_TTL_DAYS: string(accessHistoryTtlDays)
    AKS_ACCESS_WEBHOOK_URL: changesWebhookUrl
    AKS_ACCESS_WEBHOOK_KIND: changesWebhookKind
    // Who may call the API (docs/graphql.md, Authentication): bearer tokens for the app registration, and
    // App Service Authentication's principal header, trusted only because Easy Auth is on and strips it.
    API_CLIENT_ID: apiClientId
    API_TENANT_ID: apiTenantId
    API_AUDIENCES: apiAudiences
    API_ISSUERS: apiIssuers
    API_APP_SERVICE_AUTH: hasApiApp ? 'true' : 'false'
    API_LOCAL_MODE: 'false'
  }
}

// App Service Authentication (Easy Auth) in front of the API when an app registration is given. Anonymous
// requests pass through (the OpenAPI description needs no token; the API itself answers 401 to the rest);
// a presented token is validated by the platform and by the app.
resource authSettings 'Microsoft.Web/sites/config@2024-04-01' = if (hasApiApp) {
  parent: functionApp
  name: 'authsettingsV2'
  properties: {
    platform: { enabled: true }
    globalValidation: {
      requireAuthentication: false
      unauthenticatedClientAction: 'AllowAnonymous'
    }
    identityProviders: {
      azureActiveDirectory: {
        enabled: true
        registration: {
          clientId: apiClientId
          openIdIssuer: '${environment().authentication.loginEndpoint}${apiTenantId}/v2.0'
        }
        validation: {
          allowedAudiences: [
            'api://${apiClientId}'
            apiClientId
          ]
        }
      }
    }
    login: {
      tokenStore: { enabled: false }
    }
  }
}

output id string = functionApp.id
output name string = functionApp.name
output defaultHostName string = functionApp.properties.defaultHostName
