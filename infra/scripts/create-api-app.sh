#!/bin/sh
# Creates the Entra app registration callers get tokens for: app roles Access.Read (ask who can do what)
# and Access.Admin (also sync status), Application ID URI api://<client id>, v2 access tokens. Then sets
# API_CLIENT_ID in the azd environment so the next `azd provision` turns on bearer tokens and App Service
# Authentication for it (infra/modules/functionapp.bicep).
#
# Who may run it: anyone allowed to register applications (an Application Developer). Assigning the roles to
# users, groups or a chat bot's identity is done afterwards in Enterprise applications (docs/deploy.md).
#
# Usage: create-api-app.sh [DISPLAY_NAME]     (default "aks-access API")
set -eu

display_name="${1:-aks-access API}"
roles_file=$(mktemp)
trap 'rm -f "$roles_file"' EXIT

new_id() { cat /proc/sys/kernel/random/uuid 2>/dev/null || uuidgen | tr 'A-Z' 'a-z'; }

cat > "$roles_file" <<JSON
[
  {
    "allowedMemberTypes": ["User", "Application"],
    "description": "Ask who can do what in the indexed AKS clusters.",
    "displayName": "Access.Read",
    "id": "$(new_id)",
    "isEnabled": true,
    "value": "Access.Read"
  },
  {
    "allowedMemberTypes": ["User", "Application"],
    "description": "Everything Access.Read allows, and the status of every sync unit.",
    "displayName": "Access.Admin",
    "id": "$(new_id)",
    "isEnabled": true,
    "value": "Access.Admin"
  }
]
JSON

app_id=$(az ad app list --display-name "$display_name" --query "[0].appId" --output tsv)
if [ -z "$app_id" ]; then
  app_id=$(az ad app create --display-name "$display_name" --sign-in-audience AzureADMyOrg \
    --app-roles "@$roles_file" --query appId --output tsv)
  echo "created app registration $display_name: $app_id"
else
  echo "app registration $display_name exists: $app_id (app roles left as they are)"
fi
az ad app update --id "$app_id" --identifier-uris "api://$app_id" --set api.requestedAccessTokenVersion=2
# The enterprise application (service principal) is where roles are assigned to users, groups and apps.
az ad sp show --id "$app_id" --output none 2>/dev/null || az ad sp create --id "$app_id" --output none

if command -v azd >/dev/null 2>&1; then
  azd env set API_CLIENT_ID "$app_id"
  echo "API_CLIENT_ID set in the azd environment; run 'azd provision' to apply it"
else
  echo "API_CLIENT_ID=$app_id"
fi
