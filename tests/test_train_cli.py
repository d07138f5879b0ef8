"`cxr-train` as a subprocess: killed during its second epoch, resumed, and reloaded in a fresh process."
import json, subprocess, sys
from pathlib import Path
import pandas as pd
from conftest import run_cli, kill_when

ARGS = ['--size', '48', '--epochs', '3', '--bs', '8', '--lr', '1e-2', '--bn', '--seed', '1']

def test_killed_run_resumes_to_the_full_epoch_count(mini, tmp_path):
    out = tmp_path/'run'
    hist = out/'history.csv'
    kill_when(['cxr-train', '--data', mini, '--out', out, *ARGS], lambda: (out/'checkpoint.pth').exists())  # epoch 1 saved: epoch 2 under way
    assert (out/'checkpoint.pth').exists() and not (out/'model.json').exists()
    r = run_cli('cxr-train', '--data', mini, '--out', out, *ARGS, '--resume')
    h = pd.read_csv(hist)
    assert h.epoch.tolist() == [0, 1, 2], h
    cfg = json.loads((out/'model.json').read_text())
    assert cfg['metrics']['epochs_run'] == 3 and 'Best epoch' in r.stdout
    assert not (out/'checkpoint.pth').exists()

def test_saved_model_predicts_the_same_in_a_fresh_process(mini, tmp_path):
    out = tmp_path/'run'
    run_cli('cxr-train', '--data', mini, '--out', out, '--size', '32', '--epochs', '1', '--bs', '16')
    m = pd.read_csv(out/'manifest.csv')
    files = [str(mini/p) for p in m[m.split == 'test'].path[:8]]
    code = ("import sys, json; from cxr_nbdev.train import load_model, predict_files; "
            "model, cfg = load_model(sys.argv[1]); print(json.dumps(predict_files(model, cfg, sys.argv[2:]).tolist()))")
    a, b = (subprocess.run([sys.executable, '-c', code, str(out), *files], capture_output=True, text=True, check=True).stdout for _ in range(2))
    pa, pb = json.loads(a), json.loads(b)
    assert len(pa) == 8 and pa == pb
    assert all(abs(sum(r) - 1) < 1e-5 for r in pa)

def test_unknown_augmentation_is_refused_before_any_file(mini, tmp_path):
    r = run_cli('cxr-train', '--data', mini, '--out', tmp_path/'run', '--aug', 'heavy', check=False)
    assert r.returncode != 0 and '--aug must be one of seed, light, none' in r.stderr + r.stdout
    assert not (tmp_path/'run').exists()
