#!/usr/bin/env python3
"""Records a terminal session of the real kubectl against `kubeplay serve` as an asciicast
v2 file (asciinema's format) and a plain transcript beside it.

    scripts/record-serve-session.py KUBEPLAY KUBECTL OUT.cast

KUBEPLAY is the kubeplay binary, KUBECTL the real kubectl 1.34 (.tools/kubectl after
`scripts/setup.sh --test`). The session: a Deployment created and watched with
`kubectl get po -w`, scaled down and watched again, its logs followed, a shell opened with
`kubectl exec -it`. Ctrl-C ends each watch after a few seconds, as a person would. The
clock is `--clock wall`: the recording shows the pace a person sees."""
import json
import os
import pty
import select
import signal
import socket
import subprocess
import sys
import tempfile
import time

kubeplay, kubectl, cast_path = sys.argv[1:4]

with socket.socket() as s:
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
workdir = tempfile.mkdtemp(prefix="kubeplay-record-")
kubeconfig = os.path.join(workdir, "kubeconfig")
server = subprocess.Popen(
    [kubeplay, "serve", "--clock", "wall", "--port", str(port), "--kubeconfig", kubeconfig],
    stdout=subprocess.DEVNULL,
)
time.sleep(1)
os.symlink(os.path.abspath(kubectl), os.path.join(workdir, "kubectl"))
# No bracketed-paste escapes in the recording.
with open(os.path.join(workdir, "inputrc"), "w") as f:
    f.write("set enable-bracketed-paste off\n")

# (what to type, seconds to let it run before Ctrl-C, or None to wait for the prompt)
STEPS = [
    ("kubectl get nodes", None),
    ("kubectl create deployment web --image=nginx:1.27 --replicas=3", None),
    ("kubectl get po -w", 8),
    ("kubectl scale deployment web --replicas=1; kubectl get po -w", 6),
    ("kubectl logs -f deploy/web --tail=3", 2),
    ("kubectl exec -it deploy/web -- sh", None),
    ("hostname", None),
    ("exit", None),
]
SHELL_PROMPTS = (b"$ ", b"/ # ")

env = dict(os.environ, PATH=workdir + ":" + os.environ["PATH"], KUBECONFIG=kubeconfig,
           PS1="$ ", TERM="xterm-256color", LANG="C.UTF-8",
           INPUTRC=os.path.join(workdir, "inputrc"))
pid, fd = pty.fork()
if pid == 0:
    os.chdir(workdir)
    os.execvpe("bash", ["bash", "--norc", "--noprofile", "-i"], env)

start = time.time()
events = []
screen = b""


def pump(seconds=None, until_prompt=False):
    """Records output for `seconds`, or until a prompt ends it."""
    global screen
    end = time.time() + (seconds if seconds is not None else 60)
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.05)
        if not r:
            if until_prompt and screen.endswith(SHELL_PROMPTS):
                return
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            return
        if not data:
            return
        screen += data
        events.append([round(time.time() - start, 6), "o", data.decode("utf-8", "replace")])


pump(1, until_prompt=True)
for line, run_for in STEPS:
    for ch in line:
        os.write(fd, ch.encode())
        pump(0.04)
    os.write(fd, b"\r")
    if run_for is None:
        pump(until_prompt=True)
        pump(0.3)
    else:
        pump(run_for)
        os.write(fd, b"\x03")
        pump(until_prompt=True)
        pump(0.3)
os.kill(pid, signal.SIGKILL)
server.terminate()

header = {"version": 2, "width": 100, "height": 30, "timestamp": int(start),
          "title": "the real kubectl 1.34.5 against kubeplay serve",
          "env": {"SHELL": "/bin/bash", "TERM": "xterm-256color"}}
with open(cast_path, "w") as f:
    f.write(json.dumps(header) + "\n")
    for e in events:
        f.write(json.dumps(e) + "\n")
text = screen.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "")
with open(os.path.splitext(cast_path)[0] + ".txt", "w") as f:
    f.write(text.rstrip().removesuffix("$").rstrip() + "\n")
