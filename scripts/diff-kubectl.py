#!/usr/bin/env python3
"""The differential check: replays transcripts through `kubeplay run` and through the real
kubectl 1.34 against `kubeplay serve --clock on-demand` (same nodes and seed), and compares
each command's output byte for byte.

usage: scripts/diff-kubectl.py [-v] [--kubectl PATH] [--kubeplay PATH]
                               [--allow FILE] [--port P] FILE...

FILE is a golden transcript (tests/transcripts/*.txt) or a seed session (*.t): its
`# runner: --nodes N --seed S` header, and its commands (`$ LINE`, continued by `> LINE`).
Expected outputs in FILE are ignored: both sides run the commands.

On the real side each command runs with bash in a scratch folder (heredocs write files
there), with the real kubectl first on PATH and KUBECONFIG pointing at the server:
  - `sleep N`            -> POST /kubeplay/v1/sleep?seconds=N (virtual time)
  - `timeout N kubectl … -w` -> the same with --request-timeout=Ns (the server ends the
                            watch after N virtual seconds, as `timeout` does in the runner)
Commands that differ and match a line of the allow-list (`REGEX :: REASON`, matched
against `FILE: COMMAND`) are counted as allowed, not as identical.
Prints `same`/`differs`/`allowed` per command and `N of M commands identical`.
"""
import argparse, concurrent.futures, json, os, re, shlex, signal, shutil, socket, subprocess, sys, tempfile, time, urllib.request, difflib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse(path):
    nodes, seed, cmds = 3, 1, []
    with open(path) as f:
        lines = f.read().split("\n")
    for line in lines:
        if line.startswith("# runner:"):
            w = line[len("# runner:"):].split()
            for k, v in zip(w[::2], w[1::2]):
                if k == "--nodes":
                    nodes = int(v)
                elif k == "--seed":
                    seed = int(v)
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("$ "):
            cmd = [line[2:]]
            i += 1
            while i < len(lines) and (lines[i].startswith("> ") or lines[i] == ">"):
                cmd.append(lines[i][2:])
                i += 1
            cmds.append(cmd)
            continue
        i += 1
    return nodes, seed, cmds


# The generated matrix nobody tuned to: every verb the playground supports against a
# missing object, the wrong kind, a bad flag value, every -o format and a bad
# jsonpath/template, on a small cluster both sides build the same way. Each group is a
# session of its own (a server of its own), so groups run in parallel.
MATRIX_SETUP = [
    "kubectl create deployment web --image=nginx:1.27 --replicas=2",
    "kubectl create configmap cfg --from-literal=a=b",
    "kubectl expose deployment web --port=80",
    "sleep 20",
]
OUTPUTS = ["json", "yaml", "name", "wide", "jsonpath='{.metadata.name}'",
           "jsonpath='{.items[*].metadata.name}'", "custom-columns=NAME:.metadata.name,KIND:.kind",
           "go-template='{{.metadata.name}}'", "jsonpath='{.metadata.name'",
           "go-template='{{.metadata.name'", "jsonpath='{.nope}'", "go-template='{{.nope.x}}'",
           "custom-columns=BAD", "bogus"]
MATRIX = {
    "get": ["kubectl get deploy nope", "kubectl get nope", "kubectl get deploy nope -o yaml",
            "kubectl get sts nope -o yaml", "kubectl get deploy,cm nope", "kubectl get deploy web --sort-by=.bad",
            "kubectl get deploy web --chunk-size=abc", "kubectl get deploy -l 'a in (b'",
            "kubectl get deploy --field-selector=spec.replicas=2", "kubectl get po --field-selector=bogus"]
           + [f"kubectl get deploy web -o {o}" for o in OUTPUTS]
           + [f"kubectl get cm -o {o}" for o in OUTPUTS],
    "describe": ["kubectl describe deploy nope", "kubectl describe nope web", "kubectl describe deploy -l 'a in (b'",
                 "kubectl describe cm cfg -o yaml"],
    "create": ["kubectl create deployment x --image=nginx --replicas=abc",
               "kubectl create deployment web --image=nginx", "kubectl create deployment",
               "kubectl create configmap cfg --from-literal=a=b", "kubectl create configmap c2 --from-literal=bad",
               "kubectl create nope x", "kubectl create namespace Bad_Name",
               "kubectl create service clusterip s --tcp=abc", "kubectl create job j --image=busybox --bogus"]
              + [f"kubectl create configmap c3 --from-literal=a=b --dry-run=client -o {o}" for o in OUTPUTS]
              + [f"kubectl create deployment d2 --image=nginx --dry-run=server -o {o}" for o in ["name", "jsonpath='{.spec.replicas}'"]],
    "run": ["kubectl run p --image=nginx --port=abc", "kubectl run p", "kubectl run web-1 --image=nginx --restart=Bogus",
            "kubectl run p2 --image=nginx --dry-run=client -o name", "kubectl run p2 --image=nginx --dry-run=client -o jsonpath='{.spec.containers[0].image}'",
            "kubectl run p3 --image=nginx --labels='bad label'"],
    "expose": ["kubectl expose deployment nope --port=80", "kubectl expose cm cfg --port=80",
               "kubectl expose deployment web --port=abc", "kubectl expose deployment web --port=80 --name=w2 --dry-run=client -o name",
               "kubectl expose deployment web --port=80 --type=Bogus --name=w3"],
    "scale": ["kubectl scale deploy nope --replicas=2", "kubectl scale cm cfg --replicas=2", "kubectl scale cm nope --replicas=2",
              "kubectl scale deploy web --replicas=abc", "kubectl scale deploy web", "kubectl scale deploy web --replicas=-1",
              "kubectl scale deploy web --replicas=3 -o name", "kubectl scale deploy web --replicas=3 --current-replicas=7"],
    "delete": ["kubectl delete deploy nope", "kubectl delete nope web", "kubectl delete deploy web --grace-period=abc",
               "kubectl delete cm", "kubectl delete cm cfg --dry-run=client -o name", "kubectl delete cm cfg -o bogus",
               "kubectl delete deploy -l 'a in (b'", "kubectl delete cm nope --ignore-not-found"],
    "label": ["kubectl label deploy nope a=b", "kubectl label nope web a=b", "kubectl label deploy web '=b'",
              "kubectl label deploy web a=b -o name", "kubectl label deploy web a=c", "kubectl label deploy web a-",
              "kubectl label deploy web zz-", "kubectl label deploy web 'b=in valid'"]
             + [f"kubectl label cm cfg k=v --overwrite -o {o}" for o in ["name", "jsonpath='{.metadata.labels}'", "go-template='{{.metadata.name}}'"]],
    "annotate": ["kubectl annotate deploy nope a=b", "kubectl annotate nope web a=b", "kubectl annotate deploy web a=b -o name",
                 "kubectl annotate deploy web a=c", "kubectl annotate cm cfg 'x/y/z=1'"],
    "patch": ["kubectl patch deploy nope -p '{}'", "kubectl patch deploy web -p '{bad'", "kubectl patch deploy web --type=bogus -p '{}'",
              "kubectl patch nope web -p '{}'", "kubectl patch deploy web -p '{\"spec\":{\"replicas\":\"x\"}}'",
              "kubectl patch cm cfg -p '{\"data\":{\"a\":\"c\"}}' -o name", "kubectl patch cm cfg --type=json -p '[{\"op\":\"bogus\"}]'",
              "kubectl patch cm cfg -p '{\"data\":{\"a\":\"d\"}}' -o jsonpath='{.data.a}'"],
    "set": ["kubectl set image deploy/nope nginx=nginx:1.28", "kubectl set image deploy/web nope=nginx:1.28",
            "kubectl set image cm/cfg a=b", "kubectl set image deploy/web nginx=nginx:1.28 -o name",
            "kubectl set env deploy/web A=1", "kubectl set bogus deploy/web"],
    "rollout": ["kubectl rollout status deploy nope", "kubectl rollout status cm cfg", "kubectl rollout history deploy web -o name",
                "kubectl rollout history deploy nope", "kubectl rollout undo deploy web --to-revision=abc",
                "kubectl rollout undo deploy web --to-revision=9", "kubectl rollout restart deploy nope",
                "kubectl rollout pause cm cfg", "kubectl rollout bogus deploy web", "kubectl rollout history deploy web -o jsonpath='{.metadata.name}'"],
    "explain": ["kubectl explain nope", "kubectl explain pods.spec.nope", "kubectl explain deploy --api-version=bogus",
                "kubectl explain pods.spec.restartPolicy", "kubectl explain deploy.spec.replicas -o bogus"],
    "wait": ["kubectl wait --for=condition=Available deploy/nope --timeout=1s", "kubectl wait --for=bogus deploy/web",
             "kubectl wait --for=condition=Available deploy/web --timeout=abc", "kubectl wait --for=condition=Available deploy/web -o name",
             "kubectl wait --for=delete cm/nope --timeout=1s"],
    "nodes": ["kubectl cordon nope", "kubectl uncordon nope", "kubectl drain nope", "kubectl taint nodes nope a=b:NoSchedule",
              "kubectl taint nodes kind-worker a=b:Bogus", "kubectl cordon kind-worker -o name", "kubectl cordon cm",
              "kubectl taint nodes kind-worker a-"],
    "logs": ["kubectl logs nope", "kubectl logs deploy/nope", "kubectl logs cm/cfg", "kubectl logs deploy/web --tail=abc",
             "kubectl logs deploy/web -c nope"],
    "events": ["kubectl events --for=deploy/nope", "kubectl events -o name", "kubectl events --types=Bogus",
               "kubectl events --for=bogus/x"],
    "apply": ["kubectl apply -f nope.yaml", "kubectl apply", "kubectl apply -f - -o bogus < /dev/null"],
    "api-resources": ["kubectl api-resources -o name", "kubectl api-resources -o wide", "kubectl api-resources -o bogus",
                      "kubectl api-resources --api-group=apps", "kubectl api-resources --namespaced=abc"],
}


def matrix_sessions():
    return [(f"matrix-{group}", 2, 1, [[c] for c in MATRIX_SETUP + cmds]) for group, cmds in MATRIX.items()]


def run_ours(kubeplay, nodes, seed, cmds):
    script = "\n".join(l for c in cmds for l in c) + "\n"
    out = subprocess.run([kubeplay, "run", "--nodes", str(nodes), "--seed", str(seed), "-"],
                         input=script, capture_output=True, text=True, timeout=600).stdout
    lines = out.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    # Split at each command's echo: `$ FIRST` then `> CONT`… (or `>` for an empty line).
    outputs, pos = [], 0
    echo_of = lambda c: ["$ " + c[0]] + [("> " + l) if l else ">" for l in c[1:]]
    starts = []
    for c in cmds:
        echo = echo_of(c)
        while pos < len(lines) and lines[pos:pos + len(echo)] != echo:
            pos += 1
        starts.append(pos)
        pos += len(echo)
    for k, c in enumerate(cmds):
        begin = starts[k] + len(echo_of(c))
        end = starts[k + 1] if k + 1 < len(cmds) else len(lines)
        outputs.append("\n".join(lines[begin:end]))
    return outputs


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    p = s.getsockname()[1]
    s.close()
    return p


def translate(cmd, url, scratch):
    text = "\n".join(cmd)
    # The playground bundles the kubernetes.io examples; the real kubectl gets the same
    # files, from the server's /kubeplay/v1/examples/ (only error messages name the source).
    for m in set(re.findall(r"https://k8s\.io/examples/([A-Za-z0-9_./-]+)", text)):
        local = os.path.join(scratch, ".examples", m)
        if not os.path.exists(local):
            os.makedirs(os.path.dirname(local), exist_ok=True)
            try:
                with urllib.request.urlopen(f"{url}/kubeplay/v1/examples/{m}") as r, open(local, "wb") as f:
                    f.write(r.read())
            except Exception:
                continue
        text = text.replace("https://k8s.io/examples/" + m, local)
    m = re.fullmatch(r"\s*sleep\s+([0-9.]+)\s*", text)
    if m:
        return f"curl -sf -o /dev/null -X POST '{url}/kubeplay/v1/sleep?seconds={m.group(1)}'", None, False
    m = re.fullmatch(r"\s*kubeplay\s+(.*)", text, re.S)
    if m:
        body = json.dumps(shlex.split(m.group(1)))
        return f"curl -s --fail-with-body -X POST --data-binary {shlex.quote(body)} '{url}/kubeplay/v1/command'", None, False
    m = re.match(r"\s*timeout\s+([0-9.]+)\s+(kubectl\s.*)$", text, re.S)
    if m and re.search(r"(^|\s)(-w|--watch)(\s|$)", m.group(2)):
        return f"{m.group(2)} --request-timeout={m.group(1)}s", None, False
    if m:
        # The runner's `timeout N` is N virtual seconds: time stops there, and the command
        # is stopped once the server says virtual time has reached it.
        return m.group(2), float(m.group(1)), True
    if re.match(r"\s*kubectl\s+wait\s", text):
        # kubectl wait's --timeout (30s by default) is wall time for the real kubectl but
        # virtual time in the runner: the server holds virtual time at that deadline.
        t = re.search(r"--timeout[= ](\d+)(ms|s|m|h)?\b", text)
        seconds = 30.0
        if t:
            seconds = float(t.group(1)) * {"ms": 0.001, "s": 1, "m": 60, "h": 3600, None: 1}[t.group(2)]
        return text, seconds, False
    return text, None, False


def admin(url, method, path):
    req = urllib.request.Request(url + path, method=method)
    with urllib.request.urlopen(req, timeout=10) as r:
        return json.loads(r.read() or b"null")


def run_bash(script, cwd, env, hold_url):
    """Runs one command; with hold_url, stops it (as `timeout` does) half a wall second
    after virtual time reached the hold."""
    p = subprocess.Popen(["bash", "-c", script], cwd=cwd, env=env, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, text=True, start_new_session=True)
    started, reached, killed = time.monotonic(), None, False
    while hold_url is not None and p.poll() is None:
        time.sleep(0.05)
        if reached is None and admin(hold_url, "GET", "/kubeplay/v1/hold")["reached"]:
            reached = time.monotonic()
        if (reached is not None and time.monotonic() - reached > 0.5) or time.monotonic() - started > 120:
            os.killpg(p.pid, signal.SIGTERM)
            killed = True
            break
    try:
        out, _ = p.communicate(timeout=120)
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        out += "\n[diff-kubectl: stopped after 120 s]"
    # `timeout` exits 124 when it stops its command.
    return out, 124 if killed else p.returncode


def run_real(kubectl, kubeplay, nodes, seed, cmds, port):
    work = tempfile.mkdtemp(prefix="diff-kubectl-")
    bindir = os.path.join(work, "bin")
    os.makedirs(bindir)
    os.symlink(os.path.abspath(kubectl), os.path.join(bindir, "kubectl"))
    kc = os.path.join(work, "kubeconfig")
    scratch = os.path.join(work, "scratch")
    os.makedirs(scratch)
    server = subprocess.Popen([kubeplay, "serve", "--port", str(port), "--nodes", str(nodes),
                               "--seed", str(seed), "--clock", "on-demand", "--kubeconfig", kc],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(url + "/version", timeout=1)
                break
            except Exception:
                time.sleep(0.05)
        env = dict(os.environ, KUBECONFIG=kc, PATH=bindir + ":" + os.environ["PATH"],
                   HOME=work, KUBECACHEDIR=os.path.join(work, "cache"))
        outputs = []
        # Each command is its own bash: shell variables set by an earlier command
        # (`pods=$(kubectl get …)`) are set again in front of every later one.
        assignments = []
        status = 0
        for c in cmds:
            line, hold, stop_at_hold = translate(c, url, scratch)
            # ... and `$?` is the previous command's exit status, as in the runner.
            script = "".join(x + "\n" for x in assignments) + f"(exit {status})\n" + line
            if len(c) == 1 and re.match(r"[A-Za-z_][A-Za-z0-9_]*=", c[0]):
                assignments.append(line)
            if hold is not None:
                admin(url, "POST", f"/kubeplay/v1/hold?seconds={hold}")
            out, status = run_bash(script, scratch, env, url if stop_at_hold else None)
            if hold is not None:
                if stop_at_hold:
                    time.sleep(0.3)  # the server notices the stopped client's streams
                admin(url, "DELETE", "/kubeplay/v1/hold")
            outputs.append(out[:-1] if out.endswith("\n") else out)
        return outputs
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


# serve moves every timestamp onto the wall clock (so the real kubectl's own age arithmetic
# gives the playground's ages, see src/serve/clock.rs): printed dates cannot match, and
# outputs that differ only there are "allowed" without an allow-list line. Anything else
# in such an output still has to match.
TIMESTAMPS = [
    re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)"),  # RFC 3339 (json, yaml)
    re.compile(r"[A-Z][a-z]{2}, \d\d [A-Z][a-z]{2} \d{4} \d\d:\d\d:\d\d [+-]\d{4}"),  # describe (RFC 1123Z)
    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d [+-]\d{4} UTC"),  # a Go time.Time's String()
]


# The real kubectl computes AGE columns and event ages itself, from its own wall clock at
# print time, while serve placed the objects on the wall clock when it answered: a command
# that straddles a second boundary prints ages one second older. Outputs that differ only
# in ages one second apart are "allowed" with that reason (anything else must match).
AGE = re.compile(r"^(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$")


def age_seconds(token):
    token = token.rstrip(")")  # the span of a repeated event: `(x2 over 4s)`
    m = AGE.match(token)
    if not token or not m:
        return None
    d, h, mi, se = (int(g or 0) for g in m.groups())
    return ((d * 24 + h) * 60 + mi) * 60 + se


def ages_a_second_apart(ours, real):
    lo, lr = ours.split("\n"), real.split("\n")
    if len(lo) != len(lr):
        return False
    for a, b in zip(lo, lr):
        ta, tb = re.split(r"(\s+)", a), re.split(r"(\s+)", b)
        if len(ta) != len(tb):
            return False
        for x, y in zip(ta, tb):
            if x == y:
                continue
            sx, sy = age_seconds(x), age_seconds(y)
            if sx is None or sy is None or abs(sx - sy) > 1:
                return False
    return True


# kubectl diff writes the objects into temporary directories that os.MkdirTemp names with
# random numbers, GNU diff prints those files' times (the wall clock for the real one), and
# klog heads a warning with the time and the process id: outputs that differ only there are
# "allowed" with that reason (the diff itself still has to match).
DIFF_NOISE = [
    re.compile(r"/tmp/(LIVE|MERGED)-\d+"),
    re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{9} [+-]\d{4}"),
    re.compile(r"^[IWEF]\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ ", re.M),
]


def diff_masked(text):
    for t in DIFF_NOISE:
        text = t.sub("<diff>", text)
    return masked(text)


def masked(text):
    for t in TIMESTAMPS:
        text = t.sub("<time>", text)
    return text


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true", help="show a diff for each differing command")
    ap.add_argument("-q", action="store_true", help="print no line for identical commands")
    ap.add_argument("--kubectl", default=os.environ.get("KUBECTL_REAL", os.path.join(ROOT, ".tools/kubectl")))
    ap.add_argument("--kubeplay", default=os.path.join(ROOT, "target/release/kubeplay"))
    ap.add_argument("--allow", default=os.path.join(ROOT, "scripts/diff-kubectl.allow"))
    ap.add_argument("--port", type=int, default=0, help="one file at a time on this port (default: free ports)")
    ap.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 2, help="files replayed at once, each against its own serve")
    ap.add_argument("--matrix", action="store_true", help="also run the generated matrix of verbs x errors and -o formats")
    ap.add_argument("files", nargs="*")
    a = ap.parse_args()
    if a.port:
        a.jobs = 1
    allow = []
    if os.path.exists(a.allow):
        for line in open(a.allow):
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                pat, _, reason = line.partition(" :: ")
                allow.append((re.compile(pat), reason))
    same = total = allowed = 0

    sessions = [(os.path.basename(p),) + parse(p) for p in a.files]
    if a.matrix:
        sessions += matrix_sessions()

    def both(session):
        name, nodes, seed, cmds = session
        ours = run_ours(a.kubeplay, nodes, seed, cmds)
        real = run_real(a.kubectl, a.kubeplay, nodes, seed, cmds, a.port or free_port())
        return cmds, ours, real

    # One serve per file and worker: the files are independent, the answers are printed
    # in the files' order.
    with concurrent.futures.ThreadPoolExecutor(max_workers=a.jobs) as pool:
        results = pool.map(both, sessions)
        for (name, *_), (cmds, ours, real) in zip(sessions, results):
            for c, o, r in zip(cmds, ours, real):
                total += 1
                label = f"{name}: {c[0]}"
                if o == r:
                    same += 1
                    if not a.q:
                        print(f"same     {label}")
                    continue
                why = None
                if diff_masked(o) == diff_masked(r) and masked(o) != masked(r):
                    why = "only kubectl diff's temporary directory names, file times and klog headers differ"
                if why is None:
                    why = next((reason for pat, reason in allow if pat.search(label)), None)
                if why is None and masked(o) == masked(r):
                    why = "only timestamps differ: serve moves them onto the wall clock"
                if why is None and ages_a_second_apart(masked(o), masked(r)):
                    why = "only ages one second apart: the real kubectl's clock crossed a second"
                if why is not None:
                    allowed += 1
                    if not a.q:
                        print(f"allowed  {label}  ({why})")
                    continue
                print(f"differs  {label}")
                if a.v:
                    for d in difflib.unified_diff(o.split("\n"), r.split("\n"), "kubeplay run", "real kubectl", lineterm="", n=1):
                        print("    " + d)
    print(f"{same} of {total} commands identical ({allowed} allowed, {total - same - allowed} differ)")
    return 0 if same + allowed == total else 1


if __name__ == "__main__":
    sys.exit(main())
