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
import argparse, os, re, shutil, socket, subprocess, sys, tempfile, time, urllib.request, difflib

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
        return f"curl -sf -o /dev/null -X POST '{url}/kubeplay/v1/sleep?seconds={m.group(1)}'"
    m = re.match(r"\s*timeout\s+([0-9.]+)\s+(kubectl\s.*)$", text, re.S)
    if m and re.search(r"(^|\s)(-w|--watch)(\s|$)", m.group(2)):
        return f"{m.group(2)} --request-timeout={m.group(1)}s"
    if m:
        return m.group(2)
    return text


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
        for c in cmds:
            try:
                r = subprocess.run(["bash", "-c", translate(c, url, scratch)], cwd=scratch, env=env,
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                   text=True, timeout=120)
                out = r.stdout
            except subprocess.TimeoutExpired as e:
                out = (e.stdout or b"").decode() if isinstance(e.stdout, bytes) else (e.stdout or "")
                out += "\n[diff-kubectl: stopped after 120 s]"
            outputs.append(out[:-1] if out.endswith("\n") else out)
        return outputs
    finally:
        server.terminate()
        server.wait()
        shutil.rmtree(work, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("-v", action="store_true", help="show a diff for each differing command")
    ap.add_argument("--kubectl", default=os.environ.get("KUBECTL_REAL", os.path.join(ROOT, ".tools/kubectl")))
    ap.add_argument("--kubeplay", default=os.path.join(ROOT, "target/release/kubeplay"))
    ap.add_argument("--allow", default=os.path.join(ROOT, "scripts/diff-kubectl.allow"))
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("files", nargs="+")
    a = ap.parse_args()
    allow = []
    if os.path.exists(a.allow):
        for line in open(a.allow):
            line = line.rstrip("\n")
            if line.strip() and not line.startswith("#"):
                pat, _, reason = line.partition(" :: ")
                allow.append((re.compile(pat), reason))
    same = total = allowed = 0
    for path in a.files:
        nodes, seed, cmds = parse(path)
        ours = run_ours(a.kubeplay, nodes, seed, cmds)
        real = run_real(a.kubectl, a.kubeplay, nodes, seed, cmds, a.port or free_port())
        name = os.path.basename(path)
        for c, o, r in zip(cmds, ours, real):
            total += 1
            label = f"{name}: {c[0]}"
            if o == r:
                same += 1
                print(f"same     {label}")
                continue
            why = next((reason for pat, reason in allow if pat.search(label)), None)
            if why is not None:
                allowed += 1
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
