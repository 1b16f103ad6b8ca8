"""What the Python checks share: a named check that is counted, and running quantlens-cli.

Each check prints "ok" or "FAIL" with what it checks; a script ends with exit_on_failures().
"""
import subprocess
import sys

failures = []


def check(ok, what):
    print(("ok   " if ok else "FAIL ") + what)
    if not ok:
        failures.append(what)


def run(cli, *args):
    """quantlens-cli's standard output; the script stops with its output when the command fails."""
    p = subprocess.run([cli, *args], capture_output=True, text=True)
    if p.returncode != 0:
        print(p.stdout, p.stderr)
        sys.exit(f"quantlens-cli {' '.join(args)} failed with {p.returncode}")
    return p.stdout


def exit_on_failures():
    if failures:
        sys.exit(f"{len(failures)} check(s) failed")
