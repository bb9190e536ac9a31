"""The Python `kubernetes` client against `kubeplay serve`: list pods, create one, watch it
from the list's resourceVersion until it runs. Prints one line per step for
tests/serve_client.rs to check. Usage: list_watch.py KUBECONFIG"""
import sys

from kubernetes import client, config, watch

config.load_kube_config(config_file=sys.argv[1])
v1 = client.CoreV1Api()

pods = v1.list_namespaced_pod("default")
print("listed", len(pods.items), "pods")

pod = client.V1Pod(
    metadata=client.V1ObjectMeta(name="hello", labels={"app": "hello"}),
    spec=client.V1PodSpec(containers=[client.V1Container(name="web", image="nginx:1.27")]),
)
created = v1.create_namespaced_pod("default", pod)
print("created", created.metadata.name, created.status.phase)

w = watch.Watch()
for event in w.stream(
    v1.list_namespaced_pod,
    "default",
    label_selector="app=hello",
    resource_version=pods.metadata.resource_version,
    timeout_seconds=300,
):
    obj = event["object"]
    print(event["type"], obj.metadata.name, obj.status.phase)
    if obj.status.phase == "Running":
        w.stop()

running = v1.read_namespaced_pod("hello", "default")
print("read", running.metadata.name, running.status.phase, running.spec.node_name)
