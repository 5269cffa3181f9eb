// Cosmos DB for NoSQL, keyless (disableLocalAuth: Entra ID and data-plane RBAC only). Serverless by default;
// 'autoscale' provisions shared autoscale throughput on the database instead.
// The database and containers mirror src/store/containers.ts exactly (test/infra/infra.test.ts checks it).
param name string
param location string
param tags object = {}
param databaseName string

@allowed(['serverless', 'autoscale'])
param throughputMode string = 'serverless'

@description('Autoscale maximum RU/s shared by the database\'s containers (throughputMode autoscale only).')
@minValue(1000)
param autoscaleMaxThroughput int = 1000

// id, partition key path and default TTL, as declared in src/store/containers.ts (CONTAINER_LIST).
var containers = [
  { id: 'tenant', partitionKeyPath: '/pk' }
  { id: 'principals', partitionKeyPath: '/id' }
  { id: 'memberships', partitionKeyPath: '/groupId' }
  { id: 'clusters', partitionKeyPath: '/clusterId', defaultTtl: -1 }
  { id: 'status', partitionKeyPath: '/unit' }
  { id: 'reports', partitionKeyPath: '/pk', defaultTtl: -1 }
]

resource account 'Microsoft.DocumentDB/databaseAccounts@2024-05-15' = {
  name: name
  location: location
  tags: tags
  kind: 'GlobalDocumentDB'
  properties: {
    databaseAccountOfferType: 'Standard'
    disableLocalAuth: true
    disableKeyBasedMetadataWriteAccess: true
    minimalTlsVersion: 'Tls12'
    consistencyPolicy: { defaultConsistencyLevel: 'Session' }
    locations: [
      { locationName: location, failoverPriority: 0, isZoneRedundant: false }
    ]
    capabilities: throughputMode == 'serverless' ? [{ name: 'EnableServerless' }] : []
  }
}

resource database 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases@2024-05-15' = {
  parent: account
  name: databaseName
  properties: {
    resource: { id: databaseName }
    options: throughputMode == 'autoscale' ? { autoscaleSettings: { maxThroughput: autoscaleMaxThroughput } } : {}
  }
}

resource sqlContainers 'Microsoft.DocumentDB/databaseAccounts/sqlDatabases/containers@2024-05-15' = [
  for container in containers: {
    parent: database
    name: container.id
    properties: {
      resource: union(
        {
          id: container.id
          partitionKey: { paths: [container.partitionKeyPath], kind: 'Hash', version: 2 }
        },
        contains(container, 'defaultTtl') ? { defaultTtl: container.?defaultTtl } : {}
      )
    }
  }
]

output id string = account.id
output name string = account.name
output endpoint string = account.properties.documentEndpoint
output databaseName string = database.name
