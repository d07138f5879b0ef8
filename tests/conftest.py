import os, subprocess, sys
from pathlib import Path
import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent/'shared'/'data'

@pytest.fixture(scope='session')
def mini():
    "The 100-image real sample (CXR_DATA in CI)."
    p = Path(os.environ.get('CXR_DATA', SHARED/'cxr-mini'))
    assert p.exists(), f'{p} is missing: set CXR_DATA to the cxr-mini sample'
    return p

@pytest.fixture(scope='session')
def dev():
    "The 3,853-image real development sample."
    p = Path(os.environ.get('CXR_DEV', SHARED/'cxr-dev'))
    assert p.exists(), f'{p} is missing: set CXR_DEV to the cxr-dev sample'
    return p

def run_cli(*args, check=True, timeout=600, **kw):
    "Run a console script as a user would, returning the CompletedProcess."
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, **kw)
    if check and r.returncode: raise AssertionError(f'{args} exited {r.returncode}\n{r.stdout}\n{r.stderr}')
    return r
