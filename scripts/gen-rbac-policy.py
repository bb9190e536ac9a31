#!/usr/bin/env python3
"""Writes src/engine/rbac/policy.txt, the API server's bootstrap RBAC policy in a compact
text, from a real 1.34 cluster's objects:

    kubectl get clusterroles,clusterrolebindings,roles,rolebindings -A -o json > rbac.json
    scripts/gen-rbac-policy.py rbac.json

Only objects labelled kubernetes.io/bootstrapping=rbac-defaults are kept (every one of them
also has the annotation rbac.authorization.kubernetes.io/autoupdate=true, which the loader
adds back). The aggregated ClusterRoles (admin, edit, view) keep only their aggregation
rule: the playground's clusterrole-aggregation-controller fills their rules in.

Format, one object per unindented line, its parts on the indented lines below it:
    C NAME | R NAMESPACE NAME | CB NAME KIND/ROLE | RB NAMESPACE NAME KIND/ROLE
     +LABEL=VALUE                 an extra label
     &LABEL=VALUE                 an aggregation rule's matchLabels (one selector)
     GROUPS|RESOURCES|VERBS[|NAMES]   a resource rule (lists comma-separated)
     @URLS|VERBS                  a non-resource rule
     U:NAME | G:NAME | S:NAMESPACE/NAME   a binding's subject
VERBS may use the macros below (longest first)."""
import json
import sys

MACROS = [
    ("%a", "create,delete,deletecollection,get,list,patch,update,watch"),
    ("%w", "create,delete,deletecollection,patch,update"),
    ("%r", "get,list,watch"),
]
BOOT = "kubernetes.io/bootstrapping"
AGG = {"admin", "edit", "view"}
# The oracle's openshift/kubernetes fork carries a service-CA publisher upstream 1.34 lacks.
EXCLUDE = {"system:controller:service-ca-cert-publisher"}


def verbs(v):
    s = ",".join(v)
    for k, full in MACROS:
        s = s.replace(full, k)
    return s


def main(path):
    items = json.load(open(path))["items"]
    out = []
    for o in items:
        m = o["metadata"]
        labels = dict(m.get("labels") or {})
        if labels.pop(BOOT, None) != "rbac-defaults":
            continue
        kind, name, ns = o["kind"], m["name"], m.get("namespace")
        if name in EXCLUDE:
            continue
        head = {"ClusterRole": "C", "Role": "R", "ClusterRoleBinding": "CB", "RoleBinding": "RB"}[kind]
        line = [head] + ([ns] if ns else []) + [name]
        if kind.endswith("Binding"):
            ref = o["roleRef"]
            line.append(f"{ref['kind']}/{ref['name']}")
        out.append(" ".join(line))
        for k, v in sorted(labels.items()):
            out.append(f" +{k}={v}")
        if kind.endswith("Binding"):
            for s in o.get("subjects") or []:
                if s["kind"] == "ServiceAccount":
                    out.append(f" S:{s['namespace']}/{s['name']}")
                else:
                    out.append(f" {s['kind'][0]}:{s['name']}")
            continue
        agg = o.get("aggregationRule")
        if agg:
            for sel in agg["clusterRoleSelectors"]:
                for k, v in sel["matchLabels"].items():
                    out.append(f" &{k}={v}")
        if name in AGG and kind == "ClusterRole":
            continue
        for r in o.get("rules") or []:
            if "nonResourceURLs" in r:
                out.append(f" @{','.join(r['nonResourceURLs'])}|{verbs(r['verbs'])}")
                continue
            parts = [",".join(r.get("apiGroups", [])), ",".join(r.get("resources", [])), verbs(r["verbs"])]
            if r.get("resourceNames"):
                parts.append(",".join(r["resourceNames"]))
            out.append(" " + "|".join(parts))
    sys.stdout.write("\n".join(out) + "\n")


main(sys.argv[1])
