#!/bin/sh
# Grants the indexer's managed identity the Microsoft Graph application permissions the Entra collector
# declares (src/collectors/entra/permissions.ts, entraPermissions.graphPermissions). Application permissions
# are app role assignments on the Microsoft Graph service principal: no ARM role can grant them, so Bicep's
# rbac.bicep cannot either.
#
# Who may run it: a Privileged Role Administrator, Cloud Application Administrator with consent rights, or
# Global Administrator (assigning an application permission is admin consent).
#
# Usage: grant-graph-permissions.sh [INDEXER_PRINCIPAL_ID]
#   The principal id defaults to $INDEXER_PRINCIPAL_ID (azd exports the deployment's outputs to hooks).
# Idempotent: a permission already granted is left as is.
set -eu

# Keep in step with entraPermissions.graphPermissions (test/infra/infra.test.ts checks this line).
GRAPH_PERMISSIONS="User.Read.All GroupMember.Read.All Application.Read.All"
# Microsoft Graph's well-known application id.
GRAPH_APP_ID="00000003-0000-0000-c000-000000000000"

principal_id="${1:-${INDEXER_PRINCIPAL_ID:-}}"
if [ -z "$principal_id" ]; then
  echo "grant-graph-permissions: no principal id (pass it, or run after 'azd provision' so INDEXER_PRINCIPAL_ID is set)" >&2
  exit 2
fi

graph_sp_id=$(az ad sp show --id "$GRAPH_APP_ID" --query id --output tsv)

for permission in $GRAPH_PERMISSIONS; do
  role_id=$(az ad sp show --id "$GRAPH_APP_ID" \
    --query "appRoles[?value=='$permission' && contains(allowedMemberTypes, 'Application')].id | [0]" --output tsv)
  if [ -z "$role_id" ]; then
    echo "grant-graph-permissions: Microsoft Graph has no application permission $permission" >&2
    exit 1
  fi
  existing=$(az rest --method GET \
    --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$principal_id/appRoleAssignments" \
    --query "value[?appRoleId=='$role_id'].id | [0]" --output tsv)
  if [ -n "$existing" ]; then
    echo "$permission: already granted"
    continue
  fi
  az rest --method POST \
    --uri "https://graph.microsoft.com/v1.0/servicePrincipals/$principal_id/appRoleAssignments" \
    --headers "Content-Type=application/json" \
    --body "{\"principalId\":\"$principal_id\",\"resourceId\":\"$graph_sp_id\",\"appRoleId\":\"$role_id\"}" \
    --output none
  echo "$permission: granted"
done
