//! The manifests that the kubernetes.io tutorials apply by URL, bundled so the playground
//! works offline (written out here from the tutorials' published examples).

const NGINX_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx-deployment
  labels:
    app: nginx
spec:
  replicas: 3
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
        image: nginx:1.14.2
        ports:
        - containerPort: 80
";

/// The HorizontalPodAutoscaler walkthrough's server (`application/php-apache.yaml`).
const PHP_APACHE: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: php-apache
spec:
  selector:
    matchLabels:
      run: php-apache
  template:
    metadata:
      labels:
        run: php-apache
    spec:
      containers:
      - name: php-apache
        image: registry.k8s.io/hpa-example
        ports:
        - containerPort: 80
        resources:
          limits:
            cpu: 500m
          requests:
            cpu: 200m
---
apiVersion: v1
kind: Service
metadata:
  name: php-apache
  labels:
    run: php-apache
spec:
  ports:
  - port: 80
  selector:
    run: php-apache
";

const WEB: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  ports:
  - port: 80
    name: web
  clusterIP: None
  selector:
    app: nginx
---
apiVersion: apps/v1
kind: StatefulSet
metadata:
  name: web
spec:
  serviceName: \"nginx\"
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
";

fn fluentd(update: bool) -> String {
    // The "-update" variant of the tutorial adds resource requests and limits.
    let resources = if update {
        "        resources:\n          limits:\n            memory: 200Mi\n          requests:\n            cpu: 100m\n            memory: 200Mi\n"
    } else {
        ""
    };
    format!(
        "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: fluentd-elasticsearch
  namespace: kube-system
  labels:
    k8s-app: fluentd-logging
spec:
  selector:
    matchLabels:
      name: fluentd-elasticsearch
  updateStrategy:
    type: RollingUpdate
    rollingUpdate:
      maxUnavailable: 1
  template:
    metadata:
      labels:
        name: fluentd-elasticsearch
    spec:
      tolerations:
      # these tolerations are to have the daemonset runnable on control plane nodes
      # remove them if your control plane nodes should not run pods
      - key: node-role.kubernetes.io/control-plane
        operator: Exists
        effect: NoSchedule
      - key: node-role.kubernetes.io/master
        operator: Exists
        effect: NoSchedule
      containers:
      - name: fluentd-elasticsearch
        image: quay.io/fluentd_elasticsearch/fluentd:v2.5.2
{resources}        volumeMounts:
        - name: varlog
          mountPath: /var/log
      terminationGracePeriodSeconds: 30
      volumes:
      - name: varlog
        hostPath:
          path: /var/log
"
    )
}

/// The π Job of the "Jobs" page.
const PI_JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  template:
    spec:
      containers:
      - name: pi
        image: perl:5.34.0
        command: [\"perl\",  \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]
      restartPolicy: Never
  backoffLimit: 4
";

/// The hello CronJob of "Running Automated Tasks with a CronJob".
const HELLO_CRONJOB: &str = "apiVersion: batch/v1
kind: CronJob
metadata:
  name: hello
spec:
  schedule: \"* * * * *\"
  jobTemplate:
    spec:
      template:
        spec:
          containers:
          - name: hello
            image: busybox:1.28
            imagePullPolicy: IfNotPresent
            command:
            - /bin/sh
            - -c
            - date; echo Hello from the Kubernetes cluster
          restartPolicy: OnFailure
";

/// The manifest at `path` (`application/web/web.yaml`, …), if bundled.
pub fn manifest(path: &str) -> Option<&'static str> {
    use std::sync::OnceLock;
    static FLUENTD: OnceLock<String> = OnceLock::new();
    static FLUENTD_UPDATE: OnceLock<String> = OnceLock::new();
    static WEB_PARALLEL: OnceLock<String> = OnceLock::new();
    match path {
        "controllers/nginx-deployment.yaml" => Some(NGINX_DEPLOYMENT),
        "controllers/job.yaml" => Some(PI_JOB),
        "application/job/cronjob.yaml" => Some(HELLO_CRONJOB),
        "application/web/web.yaml" => Some(WEB),
        "application/php-apache.yaml" => Some(PHP_APACHE),
        "application/web/web-parallel.yaml" => Some(
            WEB_PARALLEL
                .get_or_init(|| {
                    WEB.replace(
                        "  serviceName: \"nginx\"\n",
                        "  serviceName: \"nginx\"\n  podManagementPolicy: \"Parallel\"\n",
                    )
                })
                .as_str(),
        ),
        "controllers/fluentd-daemonset.yaml" => {
            Some(FLUENTD.get_or_init(|| fluentd(false)).as_str())
        }
        "controllers/fluentd-daemonset-update.yaml" => {
            Some(FLUENTD_UPDATE.get_or_init(|| fluentd(true)).as_str())
        }
        _ => None,
    }
}
