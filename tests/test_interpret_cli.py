"`cxr-evaluate` and `cxr-predict` as subprocesses on a tiny model trained on cxr-mini."
import json
from pathlib import Path
import pandas as pd
import pytest
from conftest import run_cli

@pytest.fixture(scope='module')
def model_dir(mini, tmp_path_factory):
    out = tmp_path_factory.mktemp('model')
    run_cli('cxr-train', '--data', mini, '--out', out, '--size', '32', '--epochs', '2', '--bs', '16', '--bn')
    return out

def test_evaluate_writes_its_report(model_dir, mini, tmp_path):
    r = run_cli('cxr-evaluate', '--model', model_dir, '--data', mini, '--out', tmp_path)
    assert 'accuracy' in r.stdout and '95% CI' in r.stdout
    names = {p.name for p in tmp_path.iterdir()}
    assert {'metrics.json', 'classification_report.txt', 'confusion_matrix.png', 'gradcam.png', 'errors.png'} <= names
    m = json.loads((tmp_path/'metrics.json').read_text())
    assert m['n'] == 16 and 0 <= m['ece'] <= 1
    assert m['accuracy_ci95'][0] <= m['accuracy'] <= m['accuracy_ci95'][1]
    assert set(m['per_class']) == {'COVID', 'Lung_Opacity', 'Normal', 'Viral Pneumonia'}
    assert {'precision', 'recall', 'f1', 'auc', 'support'} <= set(m['per_class']['COVID'])
    r = run_cli('cxr-evaluate', '--model', model_dir, '--data', mini, '--split', 'all', '--out', tmp_path/'all')
    assert json.loads((tmp_path/'all'/'metrics.json').read_text())['n'] == 100

def test_predict_prints_json_and_names_a_bad_image(model_dir, mini, tmp_path):
    m = pd.read_csv(model_dir/'manifest.csv')
    imgs = [str(mini/p) for p in m.path[:2]]
    bad = tmp_path/'broken.png'; bad.write_bytes(b'not a png')
    r = run_cli('cxr-predict', imgs[0], str(bad), imgs[1], '--model', model_dir, '--json', '--cam', tmp_path/'cam.png', check=False)
    assert r.returncode != 0 and 'broken.png' in r.stderr
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    assert [l['path'] for l in lines] == imgs
    assert all(abs(sum(l['probs'].values()) - 1) < 1e-4 and l['label'] in l['probs'] for l in lines)
    assert (tmp_path/'cam.png').stat().st_size > 1000
    r = run_cli('cxr-predict', imgs[0], '--model', model_dir)
    assert r.stdout.startswith(imgs[0]) and 'COVID=' in r.stdout

def test_evaluate_without_a_model_is_a_clear_error(tmp_path):
    r = run_cli('cxr-evaluate', '--model', tmp_path/'none', check=False)
    assert r.returncode != 0 and 'No model.json' in r.stderr
