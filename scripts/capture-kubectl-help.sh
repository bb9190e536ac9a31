#!/usr/bin/env bash
# Captures kubectl 1.34's --help texts for the commands the playground runs into
# static/kubectl-help.txt (fetched at run time by the page, compiled into the native
# runner). Each text follows a line `#### kubectl-help: COMMAND`.
#   scripts/capture-kubectl-help.sh [KUBECTL]   (default: the oracle's kubectl 1.34.5)
set -euo pipefail
KC=${1:-$HOME/.cache/kubeplay-oracle/bin/kubectl}
OUT=$(dirname "$0")/../static/kubectl-help.txt
COMMANDS=(
  create "create deployment" "create namespace" "create poddisruptionbudget" "create role"
  "create clusterrole" "create rolebinding" "create clusterrolebinding" "create service"
  "create service clusterip" "create service externalname" "create service loadbalancer"
  "create service nodeport" expose run set "set env" "set image" "set resources" explain get
  edit delete rollout "rollout history" "rollout pause" "rollout restart" "rollout resume"
  "rollout status" "rollout undo" scale autoscale cluster-info top "top node" "top pod" cordon
  uncordon drain taint describe logs exec auth "auth can-i" "auth whoami" events diff apply patch replace wait label annotate
  completion api-resources
  api-versions config "config current-context" "config delete-context" "config get-clusters"
  "config get-contexts" "config get-users" "config rename-context" "config set-context"
  "config use-context" "config view" version options
)
{
  for c in "${COMMANDS[@]}"; do
    echo "#### kubectl-help: $c"
    # HOME=/root: the playground's home, which some defaults print (--cache-dir).
    if [[ $c == options ]]; then HOME=/root "$KC" options; else HOME=/root "$KC" $c --help; fi
  done
} > "$OUT"
echo "wrote $OUT ($(wc -c < "$OUT") bytes)"
