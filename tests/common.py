"""What tests/integration and tests/robust share: where the project and its programs are, and how a
program is run. Programs come from $ATMP_BIN (default ./bin)."""
import os
import subprocess

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), ".."))
BIN = os.path.abspath(os.environ.get("ATMP_BIN") or os.path.join(ROOT, "bin"))
CORPUS = os.path.join(ROOT, "corpus")
WEB = os.path.join(ROOT, "web")


def prog(name):
    return os.path.join(BIN, name)


def run(args, timeout=60, **kw):
    """Runs a program and returns the CompletedProcess (text mode)."""
    kw.setdefault("capture_output", True)
    kw.setdefault("text", True)
    return subprocess.run(args, timeout=timeout, **kw)
