//! What one slice holds, from a Service and its pods (`k8s.io/endpointslice`'s
//! `utils.go`): the address types a Service needs, each pod's endpoint and ports, the
//! slice's labels and owner. Pure.

use crate::engine::apiserver::meta_str;
use crate::engine::json::At;
use crate::json;
use serde_json::{Map, Value};

/// The `endpointslice.kubernetes.io/managed-by` value of this controller's slices.
pub const CONTROLLER_NAME: &str = "endpointslice-controller.k8s.io";
pub const LABEL_SERVICE_NAME: &str = "kubernetes.io/service-name";
pub const LABEL_MANAGED_BY: &str = "endpointslice.kubernetes.io/managed-by";
const LABEL_HEADLESS: &str = "service.kubernetes.io/headless";
/// `--max-endpoints-per-slice`'s default.
pub const MAX_ENDPOINTS_PER_SLICE: usize = 100;

/// `getAddressTypesForService`: one per IP family of the Service; without families,
/// the cluster IP's, or both for a headless Service.
pub fn address_types(svc: &Value) -> Vec<&'static str> {
    let families: Vec<&str> = svc
        .at("/spec/ipFamilies")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let mut types = Vec::new();
    for (family, address_type) in [("IPv4", "IPv4"), ("IPv6", "IPv6")] {
        if families.contains(&family) {
            types.push(address_type);
        }
    }
    if !types.is_empty() {
        return types;
    }
    match svc.at("/spec/clusterIP").and_then(Value::as_str) {
        Some(ip) if !ip.is_empty() && ip != "None" && ip.contains(':') => vec!["IPv6"],
        Some(ip) if !ip.is_empty() && ip != "None" => vec!["IPv4"],
        _ => vec!["IPv4", "IPv6"],
    }
}

/// `ShouldPodBeInEndpoints(pod, includeTerminating=true)`: not finished, has an IP.
pub fn should_be_in_endpoints(pod: &Value) -> bool {
    let terminal = matches!(
        pod.at("/status/phase").and_then(Value::as_str),
        Some("Succeeded" | "Failed")
    );
    let has_ip = pod
        .at("/status/podIP")
        .and_then(Value::as_str)
        .is_some_and(|ip| !ip.is_empty())
        || pod
            .at("/status/podIPs")
            .and_then(Value::as_array)
            .is_some_and(|ips| !ips.is_empty());
    !terminal && has_ip
}

/// `FindPort`: a numeric target port as is; a named one among the pod's container
/// ports (and its sidecars') of the same protocol.
fn find_port(pod: &Value, port: &Value) -> Option<i64> {
    let target = port.get("targetPort").unwrap_or(&port["port"]);
    if let Some(n) = target.as_i64() {
        return Some(n);
    }
    let name = target.as_str()?;
    let protocol = port["protocol"].as_str().unwrap_or("TCP");
    // The pod's containers and its sidecars, as the autoscaler counts them too.
    super::super::podautoscaler::metrics::counted_containers(pod, "")
        .flat_map(|c| c["ports"].as_array().into_iter().flatten())
        .find(|p| p["name"] == name && p["protocol"].as_str().unwrap_or("TCP") == protocol)
        .and_then(|p| p["containerPort"].as_i64())
}

/// What the controller hashes a port as (`dump.ForHash` of a `discovery/v1`
/// EndpointPort): `NewPortMapKey` sorts a slice's ports by it, in place, so a slice
/// lists them in this order, not the Service's.
fn port_dump(p: &Value) -> String {
    let app = p["appProtocol"].as_str().unwrap_or("<nil>");
    format!(
        "(v1.EndpointPort){{Name:(*string){} Protocol:(*v1.Protocol){} Port:(*int32){} AppProtocol:(*string){app}}}",
        p["name"].as_str().unwrap_or(""),
        p["protocol"].as_str().unwrap_or(""),
        p["port"].as_i64().unwrap_or(0),
    )
}

/// `getEndpointPorts`, in `NewPortMapKey`'s order: the Service's ports whose target the
/// pod has; none for a headless Service without ports.
pub fn endpoint_ports(svc: &Value, pod: &Value) -> Vec<Value> {
    let mut ports: Vec<(String, Value)> = svc
        .at("/spec/ports")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|sp| {
            let n = find_port(pod, sp)?;
            let mut p = json!({"name": sp["name"].as_str().unwrap_or(""), "port": n,
                "protocol": sp["protocol"].as_str().unwrap_or("TCP")});
            if let Some(app) = sp.get("appProtocol").filter(|a| !a.is_null()) {
                p["appProtocol"] = app.clone();
            }
            Some((crate::md5::hex(port_dump(&p).as_bytes()), p))
        })
        .collect();
    crate::sort::sort_by(&mut ports, |a, b| a.0.cmp(&b.0));
    ports.into_iter().map(|(_, p)| p).collect()
}

/// A slice's group of ports as one comparable key (`PortMapKey`).
pub fn port_key(ports: &[Value]) -> String {
    serde_json::to_string(ports).unwrap_or_default()
}

/// `podutil.IsPodReady`.
pub fn is_pod_ready(pod: &Value) -> bool {
    super::super::endpoints::is_pod_ready(pod)
}

/// `podToEndpoint`: the pod's addresses of `address_type`, its conditions (ready only
/// while serving and not terminating, unless the Service publishes not-ready
/// addresses), node, zone, hostname (with the Service as its subdomain) and reference.
pub fn pod_to_endpoint(pod: &Value, zone: Option<&str>, svc: &Value, address_type: &str) -> Value {
    let serving = is_pod_ready(pod);
    let terminating = pod.at("/metadata/deletionTimestamp").is_some();
    let publish = svc
        .at("/spec/publishNotReadyAddresses")
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let ready = publish || (serving && !terminating);
    let addresses: Vec<&str> = pod
        .at("/status/podIPs")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|ip| ip["ip"].as_str())
        .filter(|ip| ip.contains(':') == (address_type == "IPv6"))
        .collect();
    let mut ep = json!({
        "addresses": addresses,
        "conditions": {"ready": ready, "serving": serving, "terminating": terminating},
        "targetRef": {"kind": "Pod", "name": meta_str(pod, "name"),
            "namespace": meta_str(pod, "namespace"), "uid": meta_str(pod, "uid")},
    });
    if let Some(node) = pod
        .at("/spec/nodeName")
        .and_then(Value::as_str)
        .filter(|n| !n.is_empty())
    {
        ep["nodeName"] = json!(node);
    }
    if let Some(zone) = zone.filter(|z| !z.is_empty()) {
        ep["zone"] = json!(zone);
    }
    let hostname = pod.at("/spec/hostname").and_then(Value::as_str);
    if let Some(h) = hostname.filter(|h| !h.is_empty()) {
        if pod.at("/spec/subdomain").and_then(Value::as_str) == Some(meta_str(svc, "name")) {
            ep["hostname"] = json!(h);
        }
    }
    ep
}

/// What identifies an endpoint across syncs (`hashEndpoint`): its addresses, hostname
/// and the pod it stands for.
pub fn endpoint_key(ep: &Value) -> String {
    format!(
        "{}|{}|{}/{}",
        ep["addresses"],
        ep["hostname"].as_str().unwrap_or(""),
        ep.at("/targetRef/namespace")
            .and_then(Value::as_str)
            .unwrap_or(""),
        ep.at("/targetRef/name")
            .and_then(Value::as_str)
            .unwrap_or(""),
    )
}

fn is_reserved_label(key: &str) -> bool {
    key == LABEL_SERVICE_NAME || key == LABEL_MANAGED_BY || key == LABEL_HEADLESS
}

/// `setEndpointSliceLabels`: the Service's labels, the headless mark, the service name
/// and the manager; and whether the slice's own copy of the Service's labels is stale.
pub fn slice_labels(slice_labels: &Map<String, Value>, svc: &Value) -> (Map<String, Value>, bool) {
    let own = |m: &Map<String, Value>| -> Map<String, Value> {
        m.iter()
            .filter(|(k, _)| !is_reserved_label(k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    };
    let mut labels = own(crate::engine::labels::labels(svc));
    let changed = own(slice_labels) != labels;
    let cluster_ip = svc
        .at("/spec/clusterIP")
        .and_then(Value::as_str)
        .unwrap_or("");
    if cluster_ip.is_empty() || cluster_ip == "None" {
        labels.insert(LABEL_HEADLESS.into(), json!(""));
    }
    labels.insert(LABEL_SERVICE_NAME.into(), json!(meta_str(svc, "name")));
    labels.insert(LABEL_MANAGED_BY.into(), json!(CONTROLLER_NAME));
    (labels, changed)
}

/// `newEndpointSlice`: no name yet (the API server generates it from `<service>-`), a
/// controller reference to the Service, its labels, no endpoints.
pub fn new_slice(svc: &Value, ports: &[Value], address_type: &str) -> Value {
    let (labels, _) = slice_labels(&Map::new(), svc);
    json!({
        "apiVersion": "discovery.k8s.io/v1", "kind": "EndpointSlice",
        "metadata": {
            "generateName": format!("{}-", meta_str(svc, "name")),
            "namespace": meta_str(svc, "namespace"),
            "labels": labels,
            "ownerReferences": [{"apiVersion": "v1", "kind": "Service", "name": meta_str(svc, "name"),
                "uid": meta_str(svc, "uid"), "controller": true, "blockOwnerDeletion": true}],
        },
        "addressType": address_type,
        "endpoints": [],
        "ports": ports,
    })
}

/// `ownedBy`: the slice's owner references name this Service (by uid).
pub fn owned_by(slice: &Value, svc: &Value) -> bool {
    slice
        .at("/metadata/ownerReferences")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .any(|o| {
            o["uid"] == meta_str(svc, "uid") && o["kind"] == "Service" && o["apiVersion"] == "v1"
        })
}
