"""Every `cxr-*` command, given bad input, exits with status 2 and one `error:` line that names what is
wrong, with no traceback."""
import json, os
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import pytest
from PIL import Image
from conftest import run_cli
from cxr_nbdev.data import CLASSES, find_images, sample_path

def tiny_tree(root, n=2, size=16):
    "A flat `<Class>/*.png` tree of tiny generated images, for bad-input tests only."
    for i, c in enumerate(CLASSES):
        (root/c).mkdir(parents=True, exist_ok=True)
        for j in range(n): Image.new('L', (size, size), 20*i + j + 1).save(root/c/f'{c}-{j}.png')
    return root

@pytest.fixture(scope='module')
def trees(tmp_path_factory):
    "Data folders with one defect each, and a tiny trained model folder."
    d = tmp_path_factory.mktemp('trees')
    real = (sample_path()/find_images(sample_path()).path[0]).read_bytes()  # a real X-ray, to cut in half
    t = {}
    def bad_files(r):
        (r/'COVID'/'COVID-empty.png').write_bytes(b'')
        (r/'Normal'/'Normal-text.png').write_text('hello')
        (r/'Normal'/'Normal-half.png').write_bytes(real[:len(real)//2])
    for name, defect in (('bad_files', bad_files),
                         ('empty_class', lambda r: [f.unlink() for f in (r/'Viral Pneumonia').iterdir()]),
                         ('unknown_class', lambda r: (r/'Pneumonia').mkdir()), ('other', lambda r: None)):
        t[name] = tiny_tree(d/name); defect(t[name])
    t['file'] = d/'other'/'COVID'/'COVID-0.png'
    t['model'] = d/'model'
    run_cli('cxr-train', '--data', 'sample', '--out', t['model'], '--size', '32', '--epochs', '1', '--bs',
            '16', '--quiet')
    t['broken_model'] = d/'broken_model'; t['broken_model'].mkdir()
    cfg = json.loads((t['model']/'model.json').read_text())
    (t['broken_model']/'model.json').write_text(json.dumps({**cfg, 'format': 1}))
    for name, change in (('no_classes', lambda c: {k: v for k, v in c.items() if k != 'classes'}),
                         ('list_json', lambda c: [c]), ('negative_size', lambda c: {**c, 'size': -32}),
                         ('other_classes', lambda c: {**c, 'classes': ['a', 'b', 'c', 'd']})):
        t[name] = d/name; t[name].mkdir()
        (t[name]/'model.pth').write_bytes((t['model']/'model.pth').read_bytes())
        (t[name]/'model.json').write_text(json.dumps(change(cfg)))
    t['finished'] = t['model']
    for name, text in (('bad_ensemble', '{"members": "runs/a"}'), ('ensemble_of_none', '{"members": ["%s"]}'
                                                                     % (d/'none').as_posix())):
        t[name] = d/name; t[name].mkdir(); (t[name]/'ensemble.json').write_text(text)
    t['other_split'] = d/'other_split'  # the same recipe on the split of another seed
    run_cli('cxr-train', '--data', 'sample', '--out', t['other_split'], '--size', '32', '--epochs', '1',
            '--bs', '16', '--seed', '5', '--quiet')
    return t

CASES = {  # name: (command line, words the error must contain); {x} are filled from `trees`
    'data not found': ('cxr-data --data /no/such/folder --out {tmp}', ['/no/such/folder', '--data sample']),
    'bad image files': ('cxr-data --data {bad_files} --out {tmp}',
                        ['3 image file(s) cannot be read', 'COVID-empty.png: empty file',
                         'Normal-text.png: not an image', 'Normal-half.png: truncated', '--skip-bad']),
    'empty class': ('cxr-data --data {empty_class} --out {tmp}', ["Class 'Viral Pneumonia' has no images"]),
    'unknown class': ('cxr-data --data {unknown_class} --out {tmp}', ['Unknown class folder', 'Pneumonia']),
    'manifest mismatch': ('cxr-data --data sample --out {model} --seed 7',
                          ['not the one seed 7', 'delete the manifest to split again']),
    'bad near-dup value': ('cxr-data --data sample --near-dup many --out {tmp}', ['--near-dup', 'many']),
    'train: no data': ('cxr-train --data /no/such/folder --out {tmp}', ['/no/such/folder']),
    'train: bad aug': ('cxr-train --data sample --aug heavy --out {tmp}/run',
                       ['--aug must be one of light, original, none']),
    'train: no cuda': ('cxr-train --data sample --device cuda --out {tmp}', ['--device cuda', 'no CUDA GPU']),
    'train: nothing to resume': ('cxr-train --data sample --out {tmp} --resume', ['Nothing to resume']),
    'train: finished run': ('cxr-train --data sample --out {finished} --resume --size 32 --epochs 1 --bs 16',
                            ['that run finished']),
    'evaluate: no model': ('cxr-evaluate --model {tmp}/none', ['No model.json', 'none']),
    'evaluate: old model': ('cxr-evaluate --model {broken_model}', ['has format 1', 'model.json']),
    'evaluate: bad split': ('cxr-evaluate --model {model} --split holdout', ['--split must be one of']),
    'evaluate: other data': ('cxr-evaluate --model {model} --data {other}',
                             ['no longer match the manifest', '--split all']),
    'predict: no model': ('cxr-predict {file} --model {tmp}/none', ['No model.json']),
    'predict: bad image': ('cxr-predict {tmp}/missing.png --model {model}', ['missing.png: no such file']),
    'predict: --cam not a picture name': ('cxr-predict {file} --model {model} --cam {tmp}/cam.0',
                                          ["--cam", 'end the file name with .png']),
    'search: bad metric': ('cxr-grid-search --data sample --out {tmp} --metric loss',
                           ['--metric must be one of']),
    'report: no run': ('cxr-report {tmp}/none', ['No model.json']),
    'report: not evaluated': ('cxr-report {model}', ['cxr-evaluate --model']),
    'report: damaged ensemble.json': ('cxr-report {bad_ensemble}', ['is not an ensemble file', '--out']),
    # any free port: 8866 may be taken
    'dashboard: no model': ('cxr-dashboard --model {tmp}/none --port 0', ['No model.json']),
    'dashboard: other data': ('cxr-dashboard --model {model} --data {other} --port 0', ['--split all']),
    'bench: no cuda': ('cxr-bench --data sample --device cuda', ['--device cuda']),
    'bench: too few images': ('cxr-bench --data sample --n 10', ['--n 10', 'at least 64']),
    'download: offline': ('cxr-download', ['Could not download', '--data sample']),
    'model.json without classes': ('cxr-predict {file} --model {no_classes}',
                                   ["'classes' must be a list", 'model.json']),
    'model.json a list': ('cxr-evaluate --model {list_json}', ['is not a JSON object']),
    'model.json negative size': ('cxr-predict {file} --model {negative_size}', ["'size' must be an integer"]),
    'train: label smoothing 2': ('cxr-train --data sample --label-smoothing 2 --out {tmp}/r',
                                 ['--label-smoothing must be in [0, 1), not 2']),
    'train: size 4': ('cxr-train --data sample --size 4 --out {tmp}/r',
                      ['--size must be at least 16 for --arch simple']),
    'train: taught without a teacher': ('cxr-train --data sample --preset taught --out {tmp}/r',
                                        ['--preset taught learns from teachers', '--teacher']),
    'train: out is a file': ('cxr-train --data sample --out {file} --epochs 1', ['is a file. Give a folder']),
    'evaluate: bs 0': ('cxr-evaluate --model {model} --bs 0', ['--bs must be in [1, 4,096], not 0']),
    'dashboard: port out of range': ('cxr-dashboard --model {model} --port 99999',
                                     ['--port must be in [0, 65,535]']),
    'ood: bad bs': ('cxr-ood --model {model} --bs 0', ['--bs must be in [1, 4,096]']),
    'ensemble: no --out': ('cxr-evaluate --model {model} --model {model}', ['give --out']),
    'ensemble: other classes': ('cxr-predict {file} --model {model} --model {other_classes}',
                                ['must share their classes']),
    'ensemble: other split': ('cxr-evaluate --model {model} --model {other_split} --out {tmp}/ens',
                              ['was trained on another split', '--split-seed']),
    'dashboard: members of other splits': ('cxr-dashboard --model {model} --model {other_split} --port 0',
                                           ['was trained on another split', '--split-seed']),
    'ensemble: damaged ensemble.json': ('cxr-predict {file} --model {bad_ensemble}',
                                        ['is not an ensemble file that cxr-evaluate wrote', '--out']),
    'ensemble: out is a model': ('cxr-evaluate --model {model} --model {model} --out {model}',
                                 ['is a model\'s folder', 'a folder of its own']),
    'calibrate: an ensemble': ('cxr-calibrate --model {ensemble_of_none}',
                               ["is an ensemble's folder, and this command takes one model"]),
    'ensemble: a member is gone': ('cxr-evaluate --model {ensemble_of_none}', ['No model.json', 'none']),
}

@pytest.fixture(scope='module')
def results(trees, tmp_path_factory):
    """Every case run once, a few at a time (each is a process that spends most of its time importing torch
    and fastai)."""
    import torch
    env = {k: v for k, v in os.environ.items() if k not in ('CXR_DATA', 'CXR_DEBUG')}
    env.update(HTTPS_PROXY='http://127.0.0.1:9', HTTP_PROXY='http://127.0.0.1:9',
               KAGGLEHUB_CACHE=str(tmp_path_factory.mktemp('kaggle')))  # offline
    def one(name):
        if 'cuda' in name and torch.cuda.is_available(): return None
        tmp = tmp_path_factory.mktemp('case')
        return run_cli(*CASES[name][0].format(tmp=tmp, **trees).split(), check=False, env=env, timeout=300)
    with ThreadPoolExecutor(4) as ex: return dict(zip(CASES, ex.map(one, CASES)))

@pytest.mark.parametrize('name', list(CASES))
def test_error_is_one_line(name, results):
    r = results[name]
    if r is None: pytest.skip('this machine has CUDA')
    assert r.returncode == 2, (r.returncode, r.stdout[-500:], r.stderr[-2000:])
    assert 'Traceback' not in r.stderr, r.stderr
    assert any(l.startswith('error:') or 'error: argument' in l for l in r.stderr.splitlines()), r.stderr
    for w in CASES[name][1]: assert w in r.stderr, (w, r.stderr)

def test_debug_shows_the_traceback(tmp_path):
    r = run_cli('cxr-data', '--data', '/no/such/folder', '--out', tmp_path, '--debug', check=False)
    assert r.returncode != 0 and 'Traceback' in r.stderr and 'DataNotFoundError' in r.stderr

def test_a_class_too_small_for_every_split_is_warned_about(tmp_path):
    """One image of a class cannot be in all three splits: cxr-data and cxr-train say which class and which
    splits."""
    root = tiny_tree(tmp_path/'data', n=8)
    for f in sorted((root/'COVID').iterdir())[1:]: f.unlink()
    r = run_cli('cxr-data', '--data', root, '--out', tmp_path/'split', '--near-dup', '0')
    warning = "warning: class 'COVID' has no image in the valid and test split(s) (1 image(s) in all)"
    assert warning in r.stderr, r.stderr
    r = run_cli('cxr-train', '--data', root, '--out', tmp_path/'run', '--near-dup', '0', '--size', '16',
                '--epochs', '1', '--quiet')
    assert "warning: class 'COVID'" in r.stderr
    run_cli('cxr-evaluate', '--model', tmp_path/'run', '--no-figures', '--quiet')
    assert "class 'COVID'" in json.loads(
        (tmp_path/'run'/'eval-test'/'metrics.json').read_text())['warnings'][0]
