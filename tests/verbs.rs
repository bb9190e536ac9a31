//! Golden texts for the verbs `expose`, `create service`, `run`, `exec`, `cordon`,
//! `uncordon`, `drain`, `taint` and `top`, read against kubectl v0.34.10's sources
//! (`pkg/cmd/{expose,create,run,exec,drain,taint,top}`, `pkg/drain/filters.go`,
//! `pkg/metricsutil/metrics_printer.go`).

mod common;

use common::run;
use kubeplay::kubectl::Session;

fn session() -> Session {
    Session::new(3, 1)
}

const STS: &str = "cat <<EOF | kubectl apply -f -
apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  clusterIP: None
  selector:
    app: nginx
  ports:
  - port: 80
    name: web
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: nginx
  replicas: 2
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: registry.k8s.io/nginx-slim:0.21
        ports:
        - containerPort: 80
          name: web
        volumeMounts:
        - name: www
          mountPath: /usr/share/nginx/html
  volumeClaimTemplates:
  - metadata:
      name: www
    spec:
      accessModes: [ \"ReadWriteOnce\" ]
      resources:
        requests:
          storage: 1Gi
EOF";

fn submit_script(s: &mut Session, script: &str) -> String {
    let mut out = String::new();
    for l in script.lines() {
        out.push_str(&run(s, l));
    }
    out
}

#[test]
fn expose_prints_exposed_and_the_service_gets_a_cluster_ip_and_endpoints() {
    let mut s = session();
    run(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=2 --port=80",
    );
    assert_eq!(
        run(
            &mut s,
            "kubectl expose deployment web --port=80 --target-port=80"
        ),
        "service/web exposed\n"
    );
    run(&mut s, "sleep 30");
    let svc = run(&mut s, "kubectl get svc web -o jsonpath={.spec.clusterIP}");
    assert!(svc.starts_with("10.96."), "{svc}");
    let ep = run(&mut s, "kubectl get endpoints web");
    // 1.33+ servers warn about v1 Endpoints (seen on the oracle); the table follows.
    assert!(
        ep.starts_with("Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\nNAME   ENDPOINTS"),
        "{ep}"
    );
    assert_eq!(ep.matches(":80").count(), 2, "{ep}");
}

#[test]
fn expose_of_a_statefulset_is_refused_like_kubectl() {
    let mut s = session();
    submit_script(&mut s, STS);
    assert_eq!(
        run(&mut s, "kubectl expose sts web --port=80"),
        "error: cannot expose a StatefulSet.apps\n"
    );
}

#[test]
fn expose_without_a_port_to_find_says_so() {
    let mut s = session();
    run(&mut s, "kubectl create deployment web --image=nginx");
    assert_eq!(
        run(&mut s, "kubectl expose deployment web"),
        "error: couldn't find port via --port flag or introspection\n"
    );
    assert_eq!(
        run(&mut s, "kubectl expose deployment nope --port=80"),
        "Error from server (NotFound): deployments.apps \"nope\" not found\n"
    );
}

#[test]
fn create_service_makes_named_ports_and_needs_a_tcp_spec() {
    let mut s = session();
    assert_eq!(
        run(
            &mut s,
            "kubectl create service clusterip my-cs --tcp=5678:8080"
        ),
        "service/my-cs created\n"
    );
    assert_eq!(
        run(
            &mut s,
            "kubectl get svc my-cs -o jsonpath={.spec.ports[0].name}"
        ),
        "5678-8080\n"
    );
    assert_eq!(
        run(&mut s, "kubectl create service clusterip bad"),
        "error: at least one tcp port specifier must be provided\n"
    );
    run(&mut s, "kubectl create service nodeport my-ns --tcp=80");
    let np = run(
        &mut s,
        "kubectl get svc my-ns -o jsonpath={.spec.ports[0].nodePort}",
    );
    let n: i64 = np.trim().parse().unwrap_or(0);
    assert!((30000..=32767).contains(&n), "{np}");
}

#[test]
fn run_creates_a_pod_labelled_run_name() {
    let mut s = session();
    assert_eq!(
        run(&mut s, "kubectl run nginx --image=nginx --port=80"),
        "pod/nginx created\n"
    );
    assert_eq!(
        run(
            &mut s,
            "kubectl get pod nginx -o jsonpath={.metadata.labels.run}"
        ),
        "nginx\n"
    );
    // --image is a required flag: cobra refuses before the command runs (real kubectl 1.34.5).
    assert_eq!(
        run(&mut s, "kubectl run x"),
        "error: required flag(s) \"image\" not set\n"
    );
}

#[test]
fn run_it_rm_attaches_a_shell_until_exit_then_deletes_the_pod() {
    let mut s = session();
    submit_script(&mut s, STS);
    run(&mut s, "sleep 60");
    let attach = run(
        &mut s,
        "kubectl run -i --tty --rm dns-test --image=busybox:1.28 --restart=Never -- sh",
    );
    assert_eq!(attach, "All commands and output from this session will be recorded in container logs, including credentials and sensitive information passed through the command prompt.\nIf you don't see a command prompt, try pressing enter.\n");
    assert_eq!(s.prompt(), Some("/ # "));
    let ns = run(&mut s, "nslookup web-0.nginx");
    assert!(ns.starts_with("Server:    10.96.0.10\nAddress 1: 10.96.0.10 kube-dns.kube-system.svc.cluster.local\n\nName:      web-0.nginx\nAddress 1: 10.244."), "{ns}");
    assert_eq!(run(&mut s, "hostname"), "dns-test\n");
    assert_eq!(
        run(&mut s, "exit"),
        "pod \"dns-test\" deleted from default namespace\n"
    );
    assert_eq!(s.prompt(), None);
}

#[test]
fn data_written_to_a_pvc_survives_pod_recreation_and_is_served_by_nginx() {
    let mut s = session();
    submit_script(&mut s, STS);
    run(&mut s, "sleep 60");
    assert_eq!(run(&mut s, "kubectl exec web-0 -- curl -s localhost"), "<html>\n<head><title>403 Forbidden</title></head>\n<body>\n<center><h1>403 Forbidden</h1></center>\n<hr><center>nginx</center>\n</body>\n</html>\n");
    run(&mut s, "for i in 0 1; do kubectl exec \"web-$i\" -- sh -c 'echo \"$(hostname)\" > /usr/share/nginx/html/index.html'; done");
    run(&mut s, "kubectl delete pod -l app=nginx");
    run(&mut s, "sleep 30");
    assert_eq!(
        run(
            &mut s,
            "for i in 0 1; do kubectl exec -i -t \"web-$i\" -- curl http://localhost/; done"
        ),
        "web-0\nweb-1\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- curl -s http://web-1.nginx"),
        "web-1\n"
    );
}

#[test]
fn exec_errors_read_as_kubectl_prints_them() {
    let mut s = session();
    submit_script(&mut s, STS);
    run(&mut s, "sleep 60");
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -c nope -- hostname"),
        "Error from server (BadRequest): container nope is not valid for pod web-0\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec web-0 hostname"),
        "error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec web-0 -- cat /nope"),
        "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n"
    );
    assert_eq!(
        run(&mut s, "kubectl exec nope -- ls"),
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
}

#[test]
fn a_container_runs_the_same_shell_as_the_terminal() {
    let mut s = session();
    submit_script(&mut s, STS);
    run(&mut s, "sleep 60");
    assert_eq!(
        run(
            &mut s,
            "kubectl exec web-0 -- sh -c 'for f in a b; do echo $f >> /tmp/l; done; grep -c . /tmp/l; nope || echo $?'"
        ),
        "2\n127\nsh: nope: not found\n"
    );
    run(&mut s, "kubectl exec -it web-1 -- sh");
    assert_eq!(run(&mut s, "env | grep HOSTNAME | wc -l"), "1\n");
    assert_eq!(run(&mut s, "exit"), "");
}

#[test]
fn cordon_twice_says_already_and_uncordon_reverses_it() {
    let mut s = session();
    assert_eq!(
        run(&mut s, "kubectl cordon kind-worker"),
        "node/kind-worker cordoned\n"
    );
    assert_eq!(
        run(&mut s, "kubectl cordon kind-worker"),
        "node/kind-worker already cordoned\n"
    );
    let taints = run(
        &mut s,
        "kubectl get node kind-worker -o jsonpath={.spec.taints[0].key}",
    );
    assert_eq!(taints, "node.kubernetes.io/unschedulable\n");
    assert_eq!(
        run(&mut s, "kubectl uncordon kind-worker"),
        "node/kind-worker uncordoned\n"
    );
    assert_eq!(
        run(&mut s, "kubectl uncordon kind-worker"),
        "node/kind-worker already uncordoned\n"
    );
    assert_eq!(
        run(&mut s, "kubectl cordon"),
        "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n"
    );
}

const DS: &str = "cat <<EOF | kubectl apply -f -
apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: agent
spec:
  selector:
    matchLabels:
      app: agent
  template:
    metadata:
      labels:
        app: agent
    spec:
      containers:
      - name: a
        image: nginx
EOF";

#[test]
fn drain_refuses_daemonset_pods_and_evicts_the_rest_with_ignore_daemonsets() {
    let mut s = session();
    submit_script(&mut s, DS);
    run(
        &mut s,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    run(&mut s, "sleep 30");
    let ds_pod = run(
        &mut s,
        "kubectl get pods -l app=agent --field-selector spec.nodeName=kind-worker -o name",
    );
    let ds_pod = ds_pod.trim().trim_start_matches("pod/").to_string();
    // kind's own daemons on the node (kindnet, kube-proxy) are DaemonSet pods too.
    let system = run(
        &mut s,
        "kubectl get pods -n kube-system --field-selector spec.nodeName=kind-worker -o name",
    );
    let mut daemons = vec![format!("default/{ds_pod}")];
    daemons.extend(
        system
            .lines()
            .map(|l| format!("kube-system/{}", l.trim_start_matches("pod/"))),
    );
    let daemons = daemons.join(", ");
    let refused = run(&mut s, "kubectl drain kind-worker");
    assert_eq!(refused, format!("node/kind-worker cordoned\nerror: unable to drain node \"kind-worker\" due to error: cannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {daemons}, continuing command...\nThere are pending nodes to be drained:\n kind-worker\ncannot delete DaemonSet-managed Pods (use --ignore-daemonsets to ignore): {daemons}\n"));
    let drained = run(&mut s, "kubectl drain kind-worker --ignore-daemonsets");
    assert!(drained.starts_with(&format!("node/kind-worker already cordoned\nWarning: ignoring DaemonSet-managed Pods: {daemons}\n")), "{drained}");
    assert!(drained.ends_with("node/kind-worker drained\n"), "{drained}");
    assert_eq!(
        drained.matches("evicting pod default/web-").count(),
        drained.matches(" evicted\n").count()
    );
}

#[test]
fn taint_adds_and_removes_and_no_execute_evicts() {
    let mut s = session();
    run(&mut s, "kubectl run p --image=nginx");
    run(&mut s, "sleep 20");
    let node = run(&mut s, "kubectl get pod p -o jsonpath={.spec.nodeName}");
    let node = node.trim();
    assert_eq!(
        run(&mut s, &format!("kubectl taint nodes {node} k=v:NoExecute")),
        format!("node/{node} tainted\n")
    );
    assert_eq!(
        run(&mut s, &format!("kubectl taint nodes {node} k=v:NoExecute")),
        format!("error: node {node} already has k taint(s) with same effect(s) and --overwrite is false\n")
    );
    run(&mut s, "sleep 40");
    assert_eq!(
        run(&mut s, "kubectl get pod p"),
        "Error from server (NotFound): pods \"p\" not found\n"
    );
    assert_eq!(
        run(&mut s, &format!("kubectl taint nodes {node} k:NoExecute-")),
        format!("node/{node} untainted\n")
    );
    assert_eq!(
        run(&mut s, &format!("kubectl taint nodes {node} k:NoExecute-")),
        "error: taint \"k:NoExecute\" not found\n"
    );
    assert_eq!(
        run(&mut s, &format!("kubectl taint nodes {node} k=v:Foo")),
        // parseTaints' errors are usage errors (real kubectl 1.34.5).
        "error: invalid taint effect: Foo, unsupported taint effect\nSee 'kubectl taint -h' for help and examples\n"
    );
}

#[test]
fn top_pods_pads_every_column_and_says_when_there_is_nothing() {
    let mut s = session();
    assert_eq!(
        run(&mut s, "kubectl top pods"),
        "No resources found in default namespace.\n"
    );
    run(&mut s, "kubectl run web --image=nginx");
    run(&mut s, "sleep 20");
    assert_eq!(
        run(&mut s, "kubectl top pods"),
        "NAME   CPU(cores)   MEMORY(bytes)   \nweb    1m           4Mi             \n"
    );
    let nodes = run(&mut s, "kubectl top nodes");
    assert!(
        nodes.starts_with(
            "NAME                 CPU(cores)   CPU(%)   MEMORY(bytes)   MEMORY(%)   \n"
        ),
        "{nodes}"
    );
}
