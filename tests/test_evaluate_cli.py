"`cxr-evaluate`, `cxr-predict` and `cxr-report` as subprocesses, on a tiny model trained on the sample."
import json, shutil
from pathlib import Path
import pandas as pd
import pytest
from conftest import run_cli
from cxr_nbdev.data import CLASSES, KAGGLE_FOLDER

@pytest.fixture(scope='module')
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp('model')
    run_cli('cxr-train', '--data', 'sample', '--out', out, '--size', '64', '--epochs', '4', '--bs', '16',
            '--quiet')
    return out

def test_evaluate_writes_its_report(model_dir, tmp_path):
    r = run_cli('cxr-evaluate', '--model', model_dir, '--quiet')
    shutil.copytree(model_dir/'eval-test', tmp_path/'test')
    assert '95% CI' in r.stdout and 'Grad-CAM in the lungs, 4 images with a mask' in r.stdout
    names = {p.name for p in (tmp_path/'test').iterdir()}
    assert {'metrics.json', 'classification_report.txt', 'predictions.csv', 'confusion_matrix.png',
            'reliability.png', 'coverage.png', 'gradcam.png', 'errors.png', 'examples.png',
            'cam_in_lungs.png'} <= names
    m = json.loads((tmp_path/'test'/'metrics.json').read_text())
    assert m['n'] == 16 and m['split'] == 'test' and not m['tta'] and 0 <= m['ece'] <= 1
    assert m['accuracy_ci95'][0] <= m['accuracy'] <= m['accuracy_ci95'][1]
    assert set(m['per_class']) == set(CLASSES) and m['cam_in_lungs']['overall']['n'] == 4
    assert m['ood']['checked'] and 0 <= m['ood']['passed'] <= 1
    assert 'ece' in m['uncalibrated'] and m['temperature'] > 0
    assert {'aurc', 'accuracy_at_90%', 'accuracy_at_90%_ci95', 'accuracy_at_80%'} <= set(m['selective'])
    assert 'before calibration' in r.stdout and 'Accuracy of the 90% most confident' in r.stdout
    p = pd.read_csv(tmp_path/'test'/'predictions.csv')
    assert {'uncertain', 'ood', 'ood_score'} <= set(p.columns) and p.ood_score.notna().all()

def test_all_images_and_the_lung_audit(model_dir, mini, tmp_path):
    run_cli('cxr-evaluate', '--model', model_dir, '--data', 'sample', '--split', 'all', '--out',
            tmp_path/'all', '--quiet')
    m = json.loads((tmp_path/'all'/'metrics.json').read_text())
    assert m['n'] == 100 and m['cam_in_lungs']['overall']['n'] == 25 and list(
        m['cam_in_lungs']['per_class']) == ['Viral Pneumonia']
    p = pd.read_csv(tmp_path/'all'/'predictions.csv')
    # empty without a mask, and for a map that is zero everywhere (no share to take)
    shared = p.cam_in_lungs.notna()
    assert shared.sum() + m['cam_in_lungs']['overall']['zero_maps'] == 25 and set(p[shared].label) == {
        'Viral Pneumonia'}
    nomask = tmp_path/'nomask'
    for c in CLASSES: shutil.copytree(mini/KAGGLE_FOLDER/c/'images', nomask/c/'images')
    r = run_cli('cxr-evaluate', '--model', model_dir, '--data', nomask, '--split', 'all', '--out',
                tmp_path/'nm', '--quiet')
    assert 'cam_in_lungs' not in json.loads(
        (tmp_path/'nm'/'metrics.json').read_text()) and 'no image here has a lung mask' in r.stdout

def test_tta_valid_and_the_report(model_dir, tmp_path):
    # when run alone
    if not (model_dir/'eval-test').exists(): run_cli('cxr-evaluate', '--model', model_dir, '--quiet')
    run_cli('cxr-evaluate', '--model', model_dir, '--tta', '--quiet')
    assert json.loads((model_dir/'eval-test-tta'/'metrics.json').read_text())['tta']
    run_cli('cxr-evaluate', '--model', model_dir, '--split', 'valid', '--out', tmp_path/'v', '--quiet',
            '--no-figures')
    assert json.loads((tmp_path/'v'/'metrics.json').read_text())['n'] == 16
    assert sorted(p.name for p in (tmp_path/'v').iterdir()) == ['classification_report.txt', 'metrics.json',
                                                                'predictions.csv']
    r = run_cli('cxr-report', model_dir, model_dir, '--data-as', 'sample', '--out', tmp_path/'table.md')
    assert r.stdout == (tmp_path/'table.md').read_text()
    head = r.stdout.splitlines()[0]
    assert head.startswith('| run | model | recipe |') and 'test accuracy / macro-F1 with TTA' in head
    assert f'cxr-train --data sample --out {model_dir} --size 64 --epochs 4 --bs 16' in r.stdout
    assert '+0.000 (+0.000 to +0.000)' in r.stdout  # a run against itself: no difference

def test_predict_prints_json_and_names_a_bad_image(model_dir, mini, tmp_path):
    m = pd.read_csv(model_dir/'manifest.csv')
    imgs = [str(mini/p) for p in m.path[:2]]
    bad = tmp_path/'broken.png'; bad.write_bytes(b'not a png')
    r = run_cli('cxr-predict', imgs[0], bad, imgs[1], '--model', model_dir, '--json', '--cam',
                tmp_path/'cam.png', check=False)
    assert r.returncode == 2 and 'broken.png: not an image' in r.stderr and 'Traceback' not in r.stderr
    lines = [json.loads(l) for l in r.stdout.splitlines()]
    assert [l['path'] for l in lines] == imgs
    assert all(abs(sum(l['probs'].values()) - 1) < 1e-4 and l['label'] in l['probs'] for l in lines)
    assert (tmp_path/'cam.png').stat().st_size > 1000
    r = run_cli('cxr-predict', imgs[0], '--model', model_dir)
    assert r.stdout.startswith(imgs[0]) and 'COVID=' in r.stdout

def test_the_pretrained_network_end_to_end(mini, tmp_path):
    """EfficientNet-Lite0 from its pip-installed ImageNet weights: trained, evaluated with TTA and the lung
    audit, and used to predict."""
    out = tmp_path/'lite0'
    run_cli('cxr-train', '--data', 'sample', '--out', out, '--arch', 'efficientnet_lite0', '--size', '64',
            '--epochs', '1', '--bs', '16', '--quiet')
    cfg = json.loads((out/'model.json').read_text())
    assert cfg['arch']['name'] == 'efficientnet_lite0' and cfg['normalize']['mean'] == [
        0.5]*3 and cfg['train']['preset'] == 'efficientnet_lite0'
    run_cli('cxr-evaluate', '--model', out, '--tta', '--quiet')
    m = json.loads((out/'eval-test-tta'/'metrics.json').read_text())
    assert m['n'] == 16 and m['tta'] and m['cam_in_lungs']['overall']['n'] == 4
    imgs = [str(mini/p) for p in pd.read_csv(out/'manifest.csv').path[:2]]
    r = run_cli('cxr-predict', *imgs, '--model', out, '--json', '--tta', '--cam', tmp_path/'cam.png')
    assert [json.loads(l)['path'] for l in r.stdout.splitlines()] == imgs and (tmp_path/'cam.png').exists()

def test_predict_json_flags_a_photo_and_an_old_model_still_predicts(model_dir, mini, tmp_path):
    "The --json fields, a photo flagged, --min-confidence, and a model folder from before the trust checks."
    import skimage.data
    photo = Path(skimage.data.__file__).parent/'page.png'  # a scanned page of text
    xray = str(mini/pd.read_csv(model_dir/'manifest.csv').query("split == 'train'").path.iloc[0])
    r = run_cli('cxr-predict', xray, photo, '--model', model_dir, '--json', '--min-confidence', '1')
    x, p = (json.loads(l) for l in r.stdout.splitlines())
    assert set(x) == {'path', 'label', 'probs', 'uncertain', 'ood',
                      'ood_score'} and x['uncertain'] and p['uncertain']
    assert p['ood'] is True and x['ood'] is False and p['ood_score'] > x['ood_score'] and r.stderr == ''
    text = run_cli('cxr-predict', photo, '--model', model_dir).stdout
    assert 'not a chest X-ray? (score' in text, text
    old = tmp_path/'old'; shutil.copytree(model_dir, old, ignore=shutil.ignore_patterns('eval-*', 'ood.npz'))
    cfg = json.loads((old/'model.json').read_text())
    (old/'model.json').write_text(json.dumps({k: v for k, v in cfg.items()
                                              if k not in ('temperature', 'ood', 'selective')}))
    r = run_cli('cxr-predict', xray, '--model', old, '--json')
    line = json.loads(r.stdout)
    assert line['ood'] is None and line['ood_score'] is None and not line['uncertain']
    assert r.stderr.startswith('note: ') and f'cxr-calibrate --model {old}' in r.stderr
    r = run_cli('cxr-calibrate', '--model', old)
    assert r.stdout.startswith('Temperature ') and (old/'ood.npz').exists()
    assert json.loads(run_cli('cxr-predict', xray, '--model', old, '--json').stdout)['ood'] is False
    r = run_cli('cxr-ood', '--model', old)
    assert r.stdout.startswith('AUROC ') and (old/'eval-ood'/'ood.json').exists()

def test_an_ensemble_flags_a_photo_with_its_own_threshold(model_dir, mini, tmp_path):
    "An ensemble's folder: its out-of-distribution threshold fitted as a whole, in cxr-predict and cxr-ood."
    import skimage.data
    photo = Path(skimage.data.__file__).parent/'page.png'
    second, ens = tmp_path/'seed1', tmp_path/'ens'
    split = json.loads((model_dir/'model.json').read_text())['train']['seed']  # the first member's split
    run_cli('cxr-train', '--data', 'sample', '--out', second, '--size', '64', '--epochs', '4', '--bs', '16',
            '--seed', split + 1, '--split-seed', split, '--quiet')
    run_cli('cxr-evaluate', '--model', model_dir, '--model', second, '--out', ens, '--no-figures', '--quiet')
    fit = json.loads((ens/'ensemble.json').read_text())['fit']
    xray = str(mini/pd.read_csv(model_dir/'manifest.csv').query("split == 'train'").path.iloc[0])
    lines = {m: [json.loads(l) for l in run_cli('cxr-predict', xray, photo, '--model', m, '--json').stdout
                 .splitlines()] for m in (model_dir, second, ens)}
    x, p = lines[ens]
    assert p['ood'] is True and x['ood'] is False
    for i in (0, 1):  # the ensemble's score is its members' mean
        mean = (lines[model_dir][i]['ood_score'] + lines[second][i]['ood_score'])/2
        assert abs(lines[ens][i]['ood_score'] - mean) < 2e-3
    assert f"> {fit['ood']['threshold']:.1f})" in run_cli('cxr-predict', photo, '--model', ens).stdout
    r = run_cli('cxr-ood', '--model', ens)
    assert r.stdout.startswith('AUROC ') and r.stderr == ''
    assert json.loads((ens/'eval-ood'/'ood.json').read_text())['threshold'] == fit['ood']['threshold']
    r = run_cli('cxr-ood', '--model', ens, '--compare', check=False)
    assert r.returncode == 2 and "give one of the members" in r.stderr
