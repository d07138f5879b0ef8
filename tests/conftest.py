import os, signal, subprocess, sys, time
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent/'shared'/'data'

def _sample(env, name):
    p = Path(os.environ.get(env, SHARED/name))
    assert p.exists(), f'{p} is missing: set {env} to the {name} sample'
    return p

@pytest.fixture(scope='session')
def mini():
    "The 100-image real sample (CXR_DATA in CI)."
    return _sample('CXR_DATA', 'cxr-mini')

@pytest.fixture(scope='session')
def dev():
    "The 3,853-image real development sample."
    return _sample('CXR_DEV', 'cxr-dev')

def run_cli(*args, check=True, timeout=600, **kw):
    "Run a console script as a user would, returning the CompletedProcess."
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode: raise AssertionError(f'{args} exited {r.returncode}\n{r.stdout}\n{r.stderr}')
    return r

def kill_when(args, ready, timeout=300):
    "Start the console script `args`, SIGKILL it as soon as `ready()` is true, and fail if it ended first."
    p = subprocess.Popen([str(a) for a in args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # never a full pipe that blocks it
    deadline = time.time() + timeout
    while time.time() < deadline and p.poll() is None and not ready(): time.sleep(0.02)
    assert p.poll() is None, f'{args[0]} finished before it could be killed: make the run longer'
    p.send_signal(signal.SIGKILL); p.wait()
