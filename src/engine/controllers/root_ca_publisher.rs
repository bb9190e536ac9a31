//! The root CA certificate publisher (k/k `pkg/controller/certificates/rootcacertpublisher`):
//! every namespace holds a ConfigMap `kube-root-ca.crt` with the cluster's CA bundle, so
//! pods can verify the API server. It is created when a namespace appears and put back
//! when it is deleted or changed.

use super::endpoints::derived_uid;
use crate::engine::apiserver::meta_str;
use crate::engine::clock::Millis;
use crate::engine::json::At;
use crate::engine::store::EventType;
use crate::engine::time::format_rfc3339;
use crate::engine::world::World;
use crate::json;
use serde_json::Value;

pub const CONFIG_MAP: &str = "kube-root-ca.crt";
const DESCRIPTION_ANNOTATION: &str = "kubernetes.io/description";
const DESCRIPTION: &str = "Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.";

/// The playground cluster's CA: a self-signed `CN=kubernetes` certificate, as kubeadm
/// makes one (made once with openssl; its key was thrown away).
const ROOT_CA: &str = "\
-----BEGIN CERTIFICATE-----\n\
MIIDGzCCAgOgAwIBAgIUaHZdMmfFPrunOosJc6TKPIvxMuAwDQYJKoZIhvcNAQEL\n\
BQAwFTETMBEGA1UEAwwKa3ViZXJuZXRlczAeFw0yNjEyMDYyMzA1MThaFw0zNjEy\n\
MDMyMzA1MThaMBUxEzARBgNVBAMMCmt1YmVybmV0ZXMwggEiMA0GCSqGSIb3DQEB\n\
AQUAA4IBDwAwggEKAoIBAQC2iZPJziPniRxHY5xttTMbPUGHujKUl36NAdz0rMR2\n\
PcG4FkuHQl8bij6j4u0QNZI/OYEIFOA4lqaUpVpvRV9eT8jRW3KBrlBZjhJAn3Z+\n\
/cnN1esPL8np3kvANwO2MpQ69+X3stltk8YxaGvGi4rCOalj0Mwn34ZaNtTNxis8\n\
7BzGYiEnmrfBa+pJk9IhoJWaMrwKkdBtb0+xOQodJGdFN2r9Qxjib8VwODOtMzZG\n\
Le0HEqwy/UHyIYtuHzLuJF6tOFhN+cuaNycLLY49and/fUdsPZPvAeNczMth+5PU\n\
DYVSdUC/IsZekMqO5IooBINI4oylKb9lDCvoew6EgH7RAgMBAAGjYzBhMB0GA1Ud\n\
DgQWBBQcuj0oNkgIu6l7hzbmKQ4pjThA1jAfBgNVHSMEGDAWgBQcuj0oNkgIu6l7\n\
hzbmKQ4pjThA1jAOBgNVHQ8BAf8EBAMCAqQwDwYDVR0TAQH/BAUwAwEB/zANBgkq\n\
hkiG9w0BAQsFAAOCAQEAfqu3CMVjhXZDfGto0nNIgrmFG5VK8nuypb95CvzK8Jz9\n\
nluuDZMagtH4OMSp+xdV5tV8rbTzbw3/wzldiY8DQHXjBdroAkibldwq2A1+2wW6\n\
o9IbjtCqLDTCFkqqsTZVs4VpT9eX0CO/8Hij7apGhKLdrwlMiy+2dv2ZfRuDbXo4\n\
VHDEQZmIqPh/bNR7M70HtmkMoJoeO4KHM97D3wT2O5ayw6PreX5N3TqPccKG2W0D\n\
tdQx3ZulsbkaFXBhH8m2FTOx0b8yoTgSSpdEM43yGKOonwT+/4H/wR9WmflrOT41\n\
pvFqgbxYq4nTmivRYWChgkMAfs3x19sdBrMGh1Wkqg==\n\
-----END CERTIFICATE-----\n";

/// The ConfigMap as the publisher creates it (`syncNamespace`) in `namespace` at
/// `created`. Its uid is derived from `seed`, so that publishing draws nothing from the
/// seeded randomness that names pods.
pub fn config_map(namespace: &str, seed: &str, created: Millis) -> Value {
    json!({
        "apiVersion": "v1", "kind": "ConfigMap",
        "metadata": {"name": CONFIG_MAP, "namespace": namespace,
            "uid": derived_uid(seed, CONFIG_MAP),
            "creationTimestamp": format_rfc3339(created),
            "annotations": {DESCRIPTION_ANNOTATION: DESCRIPTION}},
        "data": {"ca.crt": ROOT_CA}
    })
}

/// `syncNamespace`: creates the ConfigMap if missing, restores its data and description
/// if changed. A namespace that is gone or terminating is left alone.
#[inline(never)]
pub fn sync(w: &mut World, namespace: &str) {
    let Some(ns_uid) = w
        .get("Namespace", "", namespace)
        .filter(|ns| ns.at("/metadata/deletionTimestamp").is_none())
        .map(|ns| meta_str(ns, "uid").to_string())
    else {
        return;
    };
    let Some(cm) = w.get("ConfigMap", namespace, CONFIG_MAP).cloned() else {
        let cm = config_map(namespace, &format!("{ns_uid}{}", w.now), w.now);
        w.store.put("ConfigMap", cm, EventType::Added);
        return;
    };
    let want = json!({"ca.crt": ROOT_CA});
    let described = cm
        .at(&format!(
            "/metadata/annotations/{}",
            DESCRIPTION_ANNOTATION.replace('/', "~1")
        ))
        .and_then(Value::as_str)
        .is_some_and(|d| !d.is_empty());
    if cm.get("data") == Some(&want) && described {
        return;
    }
    let mut fixed = (*cm).clone();
    fixed["data"] = want;
    if !fixed["metadata"]["annotations"].is_object() {
        fixed["metadata"]["annotations"] = json!({});
    }
    fixed["metadata"]["annotations"][DESCRIPTION_ANNOTATION] = json!(DESCRIPTION);
    w.write("ConfigMap", fixed);
}
