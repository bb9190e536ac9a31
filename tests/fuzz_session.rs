//! Property test: random and mutated command lines and manifests, fed through
//! `Session::submit` + `run_blocking`, never panic, are always answered (the terminal is
//! idle again and ready for the next line) and never run away in virtual time.
//!
//! CI runs `DEFAULT_CASES`; `KUBEPLAY_FUZZ_CASES=1000000 cargo test --release --test
//! fuzz_session -- --nocapture` runs a long campaign, `KUBEPLAY_FUZZ_SEED` picks the seed.
//! A failure names the case number and the exact input, so it can be replayed with
//! `kubeplay run`.

use kubeplay::kubectl::Session;
use serde_yaml::{Mapping, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

/// Cases per `cargo test` run (kept small: a debug build manages ~50 cases a second (each session
/// first applies a workload and runs it for 20 virtual seconds)); `cargo test --release
/// --test fuzz_session` with `KUBEPLAY_FUZZ_CASES=20000` is the CI-sized run.
const DEFAULT_CASES: u64 = 400;

/// Inputs per session before starting a fresh cluster (keeps the state varied and small).
const CASES_PER_SESSION: u64 = 150;

/// Longest virtual time one input may take: the runner's one-hour job limit, plus the
/// largest `sleep` / `timeout` the generator writes, plus slack for nested jobs.
const MAX_VIRTUAL_MS_PER_INPUT: u64 = 3 * 3_600_000 + 10 * 600_000;

/// splitmix64: small, seedable, good enough to pick words.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

const VERBS: &[&str] = &[
    "get",
    "describe",
    "create",
    "apply",
    "delete",
    "scale",
    "set",
    "patch",
    "label",
    "annotate",
    "rollout",
    "logs",
    "explain",
    "api-resources",
    "api-versions",
    "version",
    "cluster-info",
    "config",
    "expose",
    "run",
    "exec",
    "edit",
    "top",
    "cordon",
    "drain",
    "taint",
    "completion",
    "wait",
    "replace",
    "bogus",
    "",
    "--help",
    "-h",
    "help",
];
const TYPES: &[&str] = &[
    "po",
    "pods",
    "pod",
    "sts",
    "statefulset",
    "statefulsets.apps",
    "statefulset.v1.apps",
    "ds",
    "daemonsets",
    "deploy",
    "deployment.apps",
    "rs",
    "replicasets",
    "svc",
    "services",
    "no",
    "nodes",
    "pvc",
    "pv",
    "ns",
    "ev",
    "events",
    "cm",
    "cr",
    "controllerrevisions",
    "all",
    "secrets",
    "endpoints",
    "jobs",
    "job/pi",
    "cj",
    "cronjobs",
    "cronjob/hello",
    "foo",
    "po,svc",
    "sts,po",
    "deploy,rs,po",
    "deployment.v1.apps",
    "pods.",
    ".",
    ",",
    "sts/web",
    "po/web-0",
    "deploy/nginx",
    "ds/fluentd-elasticsearch",
    "pod/",
    "/x",
];
const NAMES: &[&str] = &[
    "pi",
    "hello",
    "web",
    "web-0",
    "web-1",
    "web-2",
    "nginx",
    "nginx-deployment",
    "fluentd-elasticsearch",
    "kubernetes",
    "minikube",
    "kind-worker",
    "kind-control-plane",
    "www-web-0",
    "x",
    "",
    "Web",
    "My_App",
    "a.b",
    "-",
    "--",
    "default",
    "kube-system",
    "web-99",
];
const FLAGS: &[&str] = &[
    "-o",
    "-o wide",
    "-o yaml",
    "-o json",
    "-o name",
    "-o jsonpath={.items[*].metadata.name}",
    "--from-literal=a=b",
    "--from-literal==",
    "--from-file=web.yaml",
    "--from-file=k=/",
    "--from-env-file=web.yaml",
    "--tcp=80:8080",
    "--dry-run=server",
    "-o jsonpath='{.spec.replicas}'",
    "-o jsonpath={.status",
    "-o jsonpath={range .items[*]}{.metadata.name}{\"\\n\"}{end}",
    "-o custom-columns=NAME:.metadata.name,IMG:.spec.containers[0].image",
    "-o custom-columns=",
    "-o go-template={{.metadata.name}}",
    "-o go-template='{{range .items}}{{.metadata.name}}{{\"\\n\"}}{{end}}'",
    "--template '{{range $i, $c := .spec.containers}}{{$c.image}}{{end}}'",
    "--template '{{if .spec}}{{index .metadata.labels \"app\"}}{{else}}x{{end}}'",
    "--template '{{range .x}}'",
    "--template '{{- .a -}}{{len .b}}{{$z}}'",
    "-o template",
    "-o bogus",
    "-owide",
    "-l app=nginx",
    "-l app!=nginx",
    "-l 'app in (nginx,web)'",
    "-l '!app'",
    "-l ==",
    "-l app=",
    "-l",
    "-L app",
    "-L",
    "--show-labels",
    "--sort-by=.metadata.name",
    "--sort-by=.status.podIP",
    "--sort-by={.metadata.creationTimestamp}",
    "--sort-by",
    "-A",
    "--all-namespaces",
    "-n kube-system",
    "-n",
    "-n nope",
    "--namespace=default",
    "-w",
    "--watch",
    "--watch-only",
    "--no-headers",
    "--replicas=3",
    "--replicas=-1",
    "--replicas=99999999999999999999",
    "--replicas=0",
    "--replicas",
    "--replicas=abc",
    "--all",
    "--cascade=orphan",
    "--cascade=foreground",
    "--cascade=false",
    "--cascade=x",
    "--grace-period=0",
    "--force",
    "--now",
    "--wait=false",
    "--timeout=5s",
    "--timeout=x",
    "--revision=1",
    "--revision=-3",
    "--to-revision=1",
    "--to-revision=99",
    "--watch=false",
    "--overwrite",
    "--type=merge",
    "--type=json",
    "--type=strategic",
    "--type=bogus",
    "-p '{\"spec\":{\"replicas\":2}}'",
    "-p '[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":1}]'",
    "-p '{'",
    "-p",
    "--patch={}",
    "--dry-run=client",
    "--dry-run=server",
    "--dry-run=bogus",
    "--recursive",
    "--api-version=apps/v1",
    "-f web.yaml",
    "-f -",
    "-f",
    "-f nope.yaml",
    "-f https://k8s.io/examples/application/web/web.yaml",
    "-f https://k8s.io/examples/controllers/nginx-deployment.yaml",
    "-f https://k8s.io/examples/controllers/fluentd-daemonset.yaml",
    "-f https://kubernetes.io/examples/controllers/job.yaml",
    "-f https://k8s.io/examples/application/job/cronjob.yaml",
    "--schedule=*/5",
    "--schedule=@hourly",
    "--schedule=61",
    "--from=cronjob/hello",
    "--from=deploy/nginx",
    "--from=",
    "--restart=Never",
    "--",
    "--image=nginx:1.16.1",
    "--image=",
    "-c nginx",
    "--previous",
    "-f=",
    "--tail=5",
    "--since=1h",
    "--bogus-flag",
    "-x",
    "--",
    "=",
    "app=web",
    "app-",
    "app=a b",
    "tier=front",
    "k=v",
    "nginx=nginx:1.27",
    "*=busybox",
    "nginx=",
    "--env=A=1",
    "A=1",
    "A-",
    "--limits=cpu=200m,memory=512Mi",
    "--requests=cpu=x",
    "--from-literal=a=b",
    "--port=80",
    "--target-port=8080",
];
const ROLLOUT: &[&str] = &[
    "status", "history", "undo", "pause", "resume", "restart", "bogus", "",
];
const SET: &[&str] = &["image", "env", "resources", "bogus", ""];
const SHELL_CMDS: &[&str] = &[
    "echo", "sleep", "timeout", "history", "alias", "unalias", "ls", "cat", "rm", "clear", "help",
    "vim", "nano", "watch", "grep", "wc", "head", "tail", "sort", "uniq", "export", "cd", "pwd",
    "true", "false", "exit", "source", "foo", "k", "env", "printf", "[", "test",
];
const PIPES: &[&str] = &[
    "| grep nginx",
    "| grep -c Running",
    "| grep -v NAME",
    "| grep -i -E 'web|nginx'",
    "| grep -w",
    "| grep '['",
    "| grep -E '(('",
    "| wc -l",
    "| wc",
    "| head -n 2",
    "| head -n",
    "| head -n -1",
    "| tail -n 1",
    "| tail -n +2",
    "| sort",
    "| sort -r",
    "| uniq",
    "| uniq -c",
    "| cat",
    "| kubectl apply -f -",
    "| xargs echo",
    "> out.txt",
    ">> out.txt",
    "2>&1",
    "2> err.txt",
    "< web.yaml",
    "&& echo ok",
    "|| echo failed",
    "; echo next",
    "&",
    "|",
    "||",
    "&&",
    ";",
    ";;",
    "| |",
];
const ODD: &[&str] = &[
    "'",
    "\"",
    "\\",
    "$",
    "$(",
    "`",
    "$((1+1))",
    "${X",
    "${X}",
    "$HOME",
    "$?",
    "$1",
    "*",
    "?",
    "~",
    "{a,b}",
    "#",
    "!",
    "!!",
    "(",
    ")",
    "{",
    "}",
    "<<",
    "<<EOF",
    "<<-EOF",
    "\t",
    "é",
    "中文",
    "\u{1b}[31m",
    "\u{0}",
    "🙂",
    "a=b",
    "X=1",
    "for",
    "do",
    "done",
    "in",
    "if",
    "then",
    "fi",
    "while",
];

/// A random command line made from kubectl and shell vocabulary.
fn command_line(r: &mut Rng) -> String {
    let mut words: Vec<String> = Vec::new();
    if r.chance(8) {
        words.push(r.pick(SHELL_CMDS).to_string());
        for _ in 0..r.below(4) {
            words.push(if r.chance(50) {
                r.pick(NAMES).to_string()
            } else {
                r.pick(ODD).to_string()
            });
        }
        if words[0] == "sleep" || words[0] == "timeout" {
            words.insert(
                1,
                r.pick(&[
                    "1",
                    "5",
                    "30",
                    "0.5",
                    "-1",
                    "1e9",
                    "abc",
                    "99999999999999999999",
                    "3600",
                ])
                .to_string(),
            );
        }
    } else {
        if r.chance(10) {
            words.push(format!(
                "timeout {}",
                r.pick(&["1", "10", "60", "300", "0", "x"])
            ));
        }
        words.push(
            r.pick(&[
                "kubectl",
                "kubectl",
                "kubectl",
                "k",
                "kubectl.exe",
                "kubctl",
            ])
            .to_string(),
        );
        let verb = r.pick(VERBS);
        words.push(verb.to_string());
        match verb {
            "rollout" => words.push(r.pick(ROLLOUT).to_string()),
            "set" => words.push(r.pick(SET).to_string()),
            "config" => words.push(
                r.pick(&["current-context", "get-contexts", "view", "use-context", ""])
                    .to_string(),
            ),
            "create" if r.chance(50) => words.push(
                r.pick(&[
                    "deployment",
                    "service",
                    "namespace",
                    "ns",
                    "cm",
                    "secret",
                    "job",
                    "cronjob",
                    "cj",
                    "clusterip",
                    "generic",
                    "tls",
                    "docker-registry",
                ])
                .to_string(),
            ),
            _ => {}
        }
        if r.chance(85) {
            words.push(r.pick(TYPES).to_string());
        }
        for _ in 0..r.below(3) {
            words.push(r.pick(NAMES).to_string());
        }
        for _ in 0..r.below(4) {
            words.push(r.pick(FLAGS).to_string());
        }
    }
    if r.chance(8) {
        let at = r.below(words.len() + 1);
        words.insert(at, r.pick(ODD).to_string());
    }
    if r.chance(25) {
        words.push(r.pick(PIPES).to_string());
        if r.chance(30) {
            words.push(r.pick(PIPES).to_string());
        }
    }
    let mut line = words.join(" ");
    if r.chance(5) {
        line = format!("for i in 0 1 2; do {line}; done");
    }
    if r.chance(4) {
        line = format!("echo $({line})");
    }
    if r.chance(6) {
        line = mutate_text(r, &line);
    }
    line
}

/// Byte-level damage: delete, duplicate or insert a special character.
fn mutate_text(r: &mut Rng, s: &str) -> String {
    let mut chars: Vec<char> = s.chars().collect();
    for _ in 0..1 + r.below(3) {
        let at = r.below(chars.len() + 1);
        match r.below(3) {
            0 if at < chars.len() => {
                chars.remove(at);
            }
            1 if at < chars.len() => {
                let c = chars[at];
                chars.insert(at, c);
            }
            _ => {
                let c = r
                    .pick(&[
                        "'", "\"", "\\", "$", "(", ")", "|", "&", ";", "<", ">", "{", "}", "`",
                        "#", " ", "=", ",", "/", "-", "\n", "*", "é",
                    ])
                    .chars()
                    .next()
                    .unwrap_or(' ');
                chars.insert(at, c);
            }
        }
    }
    chars.into_iter().collect()
}

const MANIFESTS: &[&str] = &[
    "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  completions: 3\n  parallelism: 2\n  completionMode: Indexed\n  backoffLimit: 1\n  activeDeadlineSeconds: 30\n  ttlSecondsAfterFinished: 5\n  podFailurePolicy:\n    rules:\n    - action: FailJob\n      onExitCodes:\n        operator: In\n        values: [1]\n  template:\n    spec:\n      containers:\n      - name: pi\n        image: crashloop\n      restartPolicy: Never\n",
    "apiVersion: batch/v1\nkind: CronJob\nmetadata:\n  name: hello\nspec:\n  schedule: \"*/1 * * * *\"\n  timeZone: Asia/Taipei\n  concurrencyPolicy: Forbid\n  startingDeadlineSeconds: 10\n  jobTemplate:\n    spec:\n      template:\n        spec:\n          containers:\n          - name: hello\n            image: busybox:1.28\n          restartPolicy: OnFailure\n",
    "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: nginx\n  serviceName: nginx\n  replicas: 3\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: registry.k8s.io/nginx-slim:0.24\n        ports:\n        - containerPort: 80\n          name: web\n        volumeMounts:\n        - name: www\n          mountPath: /usr/share/nginx/html\n  volumeClaimTemplates:\n  - metadata:\n      name: www\n    spec:\n      accessModes: [\"ReadWriteOnce\"]\n      resources:\n        requests:\n          storage: 1Gi\n",
    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: nginx-deployment\n  labels:\n    app: nginx\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: nginx\n  template:\n    metadata:\n      labels:\n        app: nginx\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.14.2\n        ports:\n        - containerPort: 80\n",
    "apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: fluentd-elasticsearch\n  namespace: kube-system\nspec:\n  selector:\n    matchLabels:\n      name: fluentd-elasticsearch\n  updateStrategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxUnavailable: 1\n  template:\n    metadata:\n      labels:\n        name: fluentd-elasticsearch\n    spec:\n      tolerations:\n      - key: node-role.kubernetes.io/control-plane\n        operator: Exists\n        effect: NoSchedule\n      containers:\n      - name: fluentd-elasticsearch\n        image: quay.io/fluentd_elasticsearch/fluentd:v4.7.2\n        resources:\n          limits:\n            memory: 200Mi\n          requests:\n            cpu: 100m\n            memory: 200Mi\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: nginx\nspec:\n  ports:\n  - port: 80\n    name: web\n  clusterIP: None\n  selector:\n    app: nginx\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: np\nspec:\n  type: NodePort\n  ports:\n  - port: 80\n    targetPort: 8080\n    nodePort: 30080\n  selector:\n    app: nginx\n",
    "apiVersion: v1\nkind: Pod\nmetadata:\n  name: busybox\n  labels:\n    app: bb\nspec:\n  restartPolicy: Never\n  containers:\n  - name: bb\n    image: busybox:1.36\n    command: [\"sh\", \"-c\", \"echo hi; sleep 3600\"]\n    env:\n    - name: A\n      value: \"1\"\n",
    "apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: data\nspec:\n  accessModes: [ReadWriteOnce]\n  resources:\n    requests:\n      storage: 2Gi\n",
    "apiVersion: apps/v1\nkind: ReplicaSet\nmetadata:\n  name: frontend\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      tier: frontend\n  template:\n    metadata:\n      labels:\n        tier: frontend\n    spec:\n      containers:\n      - name: php\n        image: us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5\n",
    "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata:\n  a: \"1\"\n",
    "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-a\n",
    "apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: pv1\nspec:\n  capacity:\n    storage: 1Gi\n  accessModes: [ReadWriteOnce]\n  hostPath:\n    path: /data\n",
];

fn random_scalar(r: &mut Rng) -> Value {
    match r.below(12) {
        0 => Value::Null,
        1 => Value::Bool(r.chance(50)),
        2 => Value::Number((r.next() as i64).into()),
        3 => Value::Number(u64::MAX.into()),
        4 => Value::Number(i64::MIN.into()),
        5 => Value::Number((-1).into()),
        6 => Value::Number(serde_yaml::Number::from(1e308)),
        7 => Value::Number(serde_yaml::Number::from(f64::NAN)),
        8 => Value::String(String::new()),
        9 => Value::String("x".repeat(1 + r.below(400))),
        10 => Value::String(r.pick(ODD).to_string()),
        _ => Value::String(r.pick(NAMES).to_string()),
    }
}

fn deep(r: &mut Rng, depth: usize) -> Value {
    let mut v = random_scalar(r);
    for _ in 0..depth {
        v = if r.chance(50) {
            Value::Sequence(vec![v])
        } else {
            let mut m = Mapping::new();
            m.insert(
                Value::String(
                    r.pick(&["spec", "metadata", "a", "containers", "items"])
                        .to_string(),
                ),
                v,
            );
            Value::Mapping(m)
        };
    }
    v
}

/// Walks to a random node of `v` and damages it.
fn mutate_value(r: &mut Rng, v: &mut Value, budget: usize) {
    let stop = budget == 0 || r.chance(25);
    match v {
        Value::Mapping(m) if !m.is_empty() && !stop => {
            let keys: Vec<Value> = m.keys().cloned().collect();
            let k = keys[r.below(keys.len())].clone();
            match r.below(8) {
                0 => {
                    m.remove(&k);
                }
                1 => {
                    m.insert(
                        Value::String(format!("{}x", k.as_str().unwrap_or("k"))),
                        random_scalar(r),
                    );
                }
                2 => {
                    let d = 1 + r.below(200);
                    m.insert(k, deep(r, d));
                }
                _ => {
                    if let Some(child) = m.get_mut(&k) {
                        mutate_value(r, child, budget - 1);
                    }
                }
            }
        }
        Value::Sequence(s) if !s.is_empty() && !stop => match r.below(6) {
            0 => {
                s.clear();
            }
            1 => {
                let c = s[0].clone();
                for _ in 0..r.below(50) {
                    s.push(c.clone());
                }
            }
            _ => {
                let i = r.below(s.len());
                mutate_value(r, &mut s[i], budget - 1);
            }
        },
        _ => {
            *v = match r.below(5) {
                0 => Value::Sequence(vec![v.clone()]),
                1 => {
                    let mut m = Mapping::new();
                    m.insert(Value::String("x".into()), v.clone());
                    Value::Mapping(m)
                }
                _ => random_scalar(r),
            };
        }
    }
}

/// A mutated manifest, fed the ways tutorials feed them.
fn manifest_input(r: &mut Rng) -> Vec<String> {
    let base = r.pick(MANIFESTS);
    let mut text = if r.chance(85) {
        match serde_yaml::from_str::<Value>(base) {
            Ok(mut v) => {
                for _ in 0..1 + r.below(3) {
                    mutate_value(r, &mut v, 12);
                }
                serde_yaml::to_string(&v).unwrap_or_else(|_| base.to_string())
            }
            Err(_) => base.to_string(),
        }
    } else {
        base.to_string()
    };
    if r.chance(15) {
        text = mutate_text(r, &text);
    }
    if r.chance(10) {
        // a duplicated key at the top level
        text.push_str("kind: Pod\n");
    }
    if r.chance(10) {
        text = format!("{text}---\n{}", r.pick(MANIFESTS));
    }
    let verb = r.pick(&[
        "apply",
        "create",
        "apply",
        "delete",
        "replace",
        "apply --dry-run=client -o yaml",
        "create --dry-run=client -o json",
        "diff",
    ]);
    let mut lines = Vec::new();
    if r.chance(50) {
        lines.push(format!("cat <<EOF | kubectl {verb} -f -"));
        lines.extend(text.lines().map(|l| l.replace("EOF", "E0F")));
        lines.push("EOF".to_string());
    } else {
        lines.push("cat <<'EOF' > m.yaml".to_string());
        lines.extend(text.lines().map(|l| l.replace("EOF", "E0F")));
        lines.push("EOF".to_string());
        lines.push(format!("kubectl {verb} -f m.yaml"));
    }
    lines
}

#[derive(Default)]
struct Stats {
    inputs: u64,
    lines_out: u64,
    silent: u64,
}

/// Runs one input (one or more terminal lines) and checks the properties.
fn run_case(session: &mut Session, lines: &[String], case: u64, stats: &mut Stats) {
    for line in lines {
        let before = session.now_ms();
        let result = catch_unwind(AssertUnwindSafe(|| {
            let mut out = session.submit(line);
            out.extend(session.run_blocking());
            out
        }));
        let out = match result {
            Ok(out) => out,
            Err(e) => {
                let msg = e
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                panic!("case {case}: panic {msg:?} on input {line:?} (whole input {lines:#?})");
            }
        };
        stats.inputs += 1;
        stats.lines_out += out.len() as u64;
        if out.is_empty() {
            stats.silent += 1;
        }
        assert!(
            !session.is_busy(),
            "case {case}: still busy after run_blocking on {line:?}"
        );
        // A kubectl failure always says why (no silent non-zero exit).
        let plain = (line.starts_with("kubectl ") || line.starts_with("k "))
            && !line.contains(['|', '>', '<', '&', ';', '$', '`', '\\', '\n']);
        if plain && !session.awaiting_more() && session.last_status() != 0 {
            assert!(
                !out.is_empty(),
                "case {case}: {line:?} failed with status {} and printed nothing",
                session.last_status()
            );
        }
        let spent = session.now_ms().saturating_sub(before);
        assert!(
            spent <= MAX_VIRTUAL_MS_PER_INPUT,
            "case {case}: {line:?} took {spent} ms of virtual time"
        );
    }
    // An unterminated quote or heredoc keeps asking for more; end it like a user would
    // (Ctrl-C) so the next input starts clean.
    if session.awaiting_more() {
        session.interrupt();
    }
    assert!(
        !session.awaiting_more(),
        "case {case}: Ctrl-C must clear pending input"
    );
}

fn setup(session: &mut Session, r: &mut Rng) {
    let first = match r.below(4) {
        0 => "kubectl apply -f https://k8s.io/examples/application/web/web.yaml",
        1 => "kubectl apply -f https://k8s.io/examples/controllers/nginx-deployment.yaml",
        2 => "kubectl apply -f https://k8s.io/examples/controllers/fluentd-daemonset.yaml",
        _ => "kubectl create deployment nginx --image=nginx --replicas=2",
    };
    let _ = session.submit(first);
    let _ = session.run_blocking();
    let _ = session.submit("sleep 20");
    let _ = session.run_blocking();
}

#[test]
fn random_and_mutated_input_never_panics_and_is_always_answered() {
    let cases: u64 = std::env::var("KUBEPLAY_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(DEFAULT_CASES);
    let seed: u64 = std::env::var("KUBEPLAY_FUZZ_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(0x6b75_6265);
    let mut r = Rng(seed);
    let mut stats = Stats::default();
    let mut session = Session::new(1, 1);
    for case in 0..cases {
        if case % CASES_PER_SESSION == 0 {
            let nodes = [1, 3][r.below(2)];
            session = Session::new(nodes, r.next() % 1000);
            setup(&mut session, &mut r);
        }
        let input = if r.chance(20) {
            manifest_input(&mut r)
        } else {
            vec![command_line(&mut r)]
        };
        run_case(&mut session, &input, case, &mut stats);
    }
    eprintln!(
        "fuzz: {cases} cases, {} terminal lines, {} output lines, {} silent lines (seed {seed})",
        stats.inputs, stats.lines_out, stats.silent
    );
}
