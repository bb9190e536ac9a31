use super::*;

fn amount(q: &str) -> Amount {
    Amount::parse(&json!(q)).expect("a quantity")
}

fn list(pairs: &[(&str, &str)]) -> Resources {
    pairs
        .iter()
        .map(|(k, q)| (k.to_string(), amount(q)))
        .collect()
}

fn container_item(v: Value) -> Item {
    let mut v = v;
    v["type"] = json!("Container");
    if let Some(m) = v.as_object_mut() {
        default_item(m);
    }
    Item::from_json(&v)
}

#[test]
fn a_container_item_defaults_its_limit_to_max_and_its_request_to_the_limit_then_min() {
    let mut item = json!({"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "100Mi"}});
    default_item(item.as_object_mut().unwrap());
    assert_eq!(
        item,
        json!({"type": "Container", "max": {"cpu": "2"}, "min": {"memory": "100Mi"},
               "default": {"cpu": "2"}, "defaultRequest": {"cpu": "2", "memory": "100Mi"}})
    );
}

#[test]
fn pod_and_claim_items_get_no_defaults() {
    let mut item = json!({"type": "Pod", "max": {"memory": "1Gi"}});
    default_item(item.as_object_mut().unwrap());
    assert_eq!(item, json!({"type": "Pod", "max": {"memory": "1Gi"}}));
}

#[test]
fn a_container_without_resources_gets_the_default_request_and_limit_and_the_annotation_says_so() {
    let item = container_item(
        json!({"default": {"memory": "512Mi"}, "defaultRequest": {"memory": "256Mi"}}),
    );
    let mut pod = json!({"spec": {"containers": [{"name": "web"}]}});
    let note = merge_pod(&mut pod, &container_defaults(&[item]));
    assert_eq!(
        note.as_deref(),
        Some("LimitRanger plugin set: memory request for container web; memory limit for container web")
    );
    assert_eq!(
        pod["spec"]["containers"][0]["resources"],
        json!({"requests": {"memory": "256Mi"}, "limits": {"memory": "512Mi"}})
    );
}

#[test]
fn what_a_container_states_is_kept_and_only_the_missing_resource_is_set() {
    let item = container_item(json!({"default": {"cpu": "1", "memory": "512Mi"}}));
    let mut pod = json!({"spec": {"containers": [
        {"name": "a", "resources": {"requests": {"memory": "100Mi"}, "limits": {"memory": "200Mi"}}}
    ], "initContainers": [{"name": "i", "resources": {}}]}});
    let note = merge_pod(&mut pod, &container_defaults(&[item]));
    assert_eq!(
        note.as_deref(),
        Some("LimitRanger plugin set: cpu request for container a; cpu limit for container a; cpu, memory request for init container i; cpu, memory limit for init container i")
    );
    assert_eq!(
        pod["spec"]["containers"][0]["resources"]["requests"],
        json!({"cpu": "1", "memory": "100Mi"})
    );
}

#[test]
fn nothing_set_means_no_annotation() {
    let mut pod = json!({"spec": {"containers": [{"name": "a"}]}});
    assert_eq!(merge_pod(&mut pod, &Defaults::default()), None);
}

#[test]
fn min_refuses_a_missing_or_smaller_request_and_a_smaller_limit() {
    let min = amount("500Mi");
    assert_eq!(
        min_constraint("Container", "memory", min, &list(&[]), &list(&[])).as_deref(),
        Some("minimum memory usage per Container is 500Mi.  No request is specified")
    );
    assert_eq!(
        min_constraint(
            "Container",
            "memory",
            min,
            &list(&[("memory", "100Mi")]),
            &list(&[])
        )
        .as_deref(),
        Some("minimum memory usage per Container is 500Mi, but request is 100Mi")
    );
    assert_eq!(
        min_constraint(
            "Pod",
            "memory",
            min,
            &list(&[("memory", "600Mi")]),
            &list(&[("memory", "400Mi")])
        )
        .as_deref(),
        Some("minimum memory usage per Pod is 500Mi, but limit is 400Mi")
    );
    assert_eq!(
        min_constraint(
            "Pod",
            "memory",
            min,
            &list(&[("memory", "500Mi")]),
            &list(&[])
        ),
        None
    );
}

#[test]
fn max_needs_a_limit_and_refuses_a_larger_limit_or_request() {
    let max = amount("1Gi");
    assert_eq!(
        max_constraint(
            "Container",
            "memory",
            max,
            &list(&[("memory", "1Gi")]),
            &list(&[])
        )
        .as_deref(),
        Some("maximum memory usage per Container is 1Gi.  No limit is specified")
    );
    assert_eq!(
        max_constraint(
            "Container",
            "memory",
            max,
            &list(&[]),
            &list(&[("memory", "1.5Gi")])
        )
        .as_deref(),
        Some("maximum memory usage per Container is 1Gi, but limit is 1536Mi")
    );
    assert_eq!(
        max_constraint(
            "Container",
            "memory",
            max,
            &list(&[("memory", "1Gi")]),
            &list(&[("memory", "1Gi")])
        ),
        None
    );
}

#[test]
fn the_ratio_is_limit_over_request_printed_as_go_prints_a_float() {
    let two = amount("2");
    assert_eq!(
        ratio_constraint(
            "Container",
            "memory",
            two,
            &list(&[("memory", "100Mi")]),
            &list(&[("memory", "2Gi")])
        )
        .as_deref(),
        Some(
            "memory max limit to request ratio per Container is 2, but provided ratio is 20.480000"
        )
    );
    assert_eq!(
        ratio_constraint("Container", "cpu", two, &list(&[]), &list(&[("cpu", "1")])).as_deref(),
        Some("cpu max limit to request ratio per Container is 2, but no request is specified or request is 0")
    );
    assert_eq!(
        ratio_constraint("Container", "cpu", two, &list(&[("cpu", "1")]), &list(&[])).as_deref(),
        Some("cpu max limit to request ratio per Container is 2, but no limit is specified or limit is 0")
    );
    assert_eq!(
        ratio_constraint(
            "Container",
            "cpu",
            two,
            &list(&[("cpu", "500m")]),
            &list(&[("cpu", "1")])
        ),
        None
    );
}

#[test]
fn a_pod_item_bounds_the_sum_of_its_containers() {
    let items = [Item {
        kind: "Pod".into(),
        max: list(&[("memory", "1500Mi")]),
        ..Item::default()
    }];
    let pod = json!({"spec": {"containers": [
        {"name": "a", "resources": {"limits": {"memory": "1Gi"}}},
        {"name": "b", "resources": {"limits": {"memory": "1Gi"}}}
    ]}});
    assert_eq!(
        pod_violations(&items, &pod),
        vec!["maximum memory usage per Pod is 1500Mi, but limit is 2Gi".to_string()]
    );
}

#[test]
fn pod_totals_take_the_largest_init_container_and_add_sidecars() {
    let pod = json!({"spec": {
    "containers": [{"name": "a", "resources": {"requests": {"cpu": "100m"}}}],
    "initContainers": [
        {"name": "side", "restartPolicy": "Always", "resources": {"requests": {"cpu": "200m"}}},
        {"name": "big", "resources": {"requests": {"cpu": "1"}}}
    ]}});
    // 100m + the 200m sidecar = 300m running; the init phase needs 1 + 200m.
    assert_eq!(pod_total(&pod, 0)["cpu"].milli, 1200);
}

#[test]
fn container_items_check_every_container_in_order_min_then_max_then_ratio() {
    let items = [container_item(
        json!({"min": {"cpu": "200m"}, "max": {"memory": "1Gi"}}),
    )];
    let pod = json!({"spec": {"containers": [
        {"name": "a", "resources": {"requests": {"cpu": "100m", "memory": "1Gi"}, "limits": {"cpu": "1", "memory": "2Gi"}}}
    ]}});
    assert_eq!(
        aggregate(&pod_violations(&items, &pod)).as_deref(),
        Some("[minimum cpu usage per Container is 200m, but request is 100m, maximum memory usage per Container is 1Gi, but limit is 2Gi]")
    );
}

#[test]
fn a_claim_needs_a_storage_request_within_min_and_max() {
    let items = [Item {
        kind: "PersistentVolumeClaim".into(),
        min: list(&[("storage", "1Gi")]),
        max: list(&[("storage", "2Gi")]),
        ..Item::default()
    }];
    let claim = |q: &str| json!({"spec": {"resources": {"requests": {"storage": q}}}});
    assert_eq!(
        claim_violations(&items, &claim("500Mi")),
        vec![
            "minimum storage usage per PersistentVolumeClaim is 1Gi, but request is 500Mi"
                .to_string()
        ]
    );
    assert_eq!(
        claim_violations(&items, &claim("5Gi")),
        vec![
            "maximum storage usage per PersistentVolumeClaim is 2Gi, but request is 5Gi"
                .to_string()
        ]
    );
    assert!(claim_violations(&items, &claim("1Gi")).is_empty());
}

#[test]
fn the_aggregate_says_a_repeated_message_once_without_brackets() {
    let e = "maximum memory usage per Container is 1Gi, but limit is 2Gi".to_string();
    assert_eq!(aggregate(&[e.clone(), e.clone()]), Some(e));
    assert_eq!(aggregate(&[]), None);
}
