"""`cxr-train --processes 2` trains data-parallel (two CPU processes, the gloo backend) and saves a model
folder like a one-process run's: the same files, one history, a model that loads and predicts."""
import json
import pytest
from conftest import run_cli
from cxr_nbdev.inference import load_model, predict_files
from cxr_nbdev.data import find_images, sample_path

pytest.importorskip('accelerate')
ARGS = ['--data', 'sample', '--size', '32', '--epochs', '2', '--bs', '8', '--device', 'cpu', '--quiet']

def test_two_processes_save_what_one_saves(tmp_path):
    one, two = tmp_path/'one', tmp_path/'two'
    run_cli('cxr-train', *ARGS, '--out', one)
    r = run_cli('cxr-train', *ARGS, '--out', two, '--processes', '2')
    assert r.stdout.count('Kept epoch') == 1, r.stdout  # the first process reports and writes
    assert sorted(p.name for p in two.iterdir()) == sorted(p.name for p in one.iterdir())
    assert (two/'history.csv').read_text().count('\n') == 3  # a header and one row per epoch, written once
    assert (two/'manifest.csv').read_bytes() == (one/'manifest.csv').read_bytes()  # the same split
    c1, c2 = (json.loads((d/'model.json').read_text()) for d in (one, two))
    assert set(c1) == set(c2) and c1['train'] == c2['train'] and c1['format'] == c2['format']
    model, cfg = load_model(two)
    files = [sample_path()/p for p in find_images(sample_path()).path[:3]]
    assert predict_files(model, cfg, files).shape == (3, 4)

def test_processes_checked(tmp_path):
    r = run_cli('cxr-train', *ARGS, '--out', tmp_path, '--processes', '0', check=False)
    assert r.returncode == 2 and 'error: --processes must be in [1, 1,024]' in r.stderr, r.stderr
