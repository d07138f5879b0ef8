import os, signal, subprocess, sys, time
from pathlib import Path
import pytest
from cxr_nbdev.data import sample_path

ROOT = Path(__file__).resolve().parents[1]

@pytest.fixture(scope='session')
def mini():
    "The 100 real X-rays that ship inside the package."
    return sample_path()

def run_cli(*args, check=True, timeout=600, **kw):
    "Run a console script as a user would, returning the CompletedProcess."
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode: raise AssertionError(f'{args} exited {r.returncode}\n{r.stdout}\n{r.stderr}')
    return r

def kill_when(args, ready, timeout=300):
    "Start the console script `args`, SIGKILL it as soon as `ready()` is true, and fail if it ended first."
    # never a full pipe that blocks it
    p = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None and not ready(): time.sleep(0.02)
    assert p.poll() is None, f'{args[0]} finished before it could be killed: make the run longer'
    p.send_signal(signal.SIGKILL); p.wait()
