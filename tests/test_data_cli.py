"`cxr-data` as a subprocess, on the bundled sample."
import os
import pandas as pd
from conftest import run_cli

def test_split_is_stratified_leak_free_and_repeatable(tmp_path):
    r1 = run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'a')
    r2 = run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'b')
    a, b = (tmp_path/'a'/'manifest.csv').read_bytes(), (tmp_path/'b'/'manifest.csv').read_bytes()
    assert a == b, 'two runs on the same files and seed must write identical manifests'
    m = pd.read_csv(tmp_path/'a'/'manifest.csv')
    assert list(m.columns) == ['path', 'label', 'split', 'hash']
    assert len(m) == 100 and set(m.split) == {'train', 'valid', 'test'}
    for label, g in m.groupby('label'):
        n = len(g)
        for split, frac in (('train', .70), ('valid', .15), ('test', .15)):
            assert abs((g.split == split).sum() - frac*n) <= 1, f'{label} {split}: {(g.split == split).sum()} of {n}'
    assert m.groupby('hash').split.nunique().max() == 1, 'an image content is in two splits'
    assert 'Duplicates: 0 file(s)' in r1.stdout
    assert 'Wrote' in r1.stdout and (tmp_path/'a'/'splits.png').stat().st_size > 1000
    r3 = run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'a')
    assert 'Checked and reused' in r3.stdout
    assert (tmp_path/'a'/'manifest.csv').read_bytes() == a

def test_missing_data_is_a_clear_error(tmp_path):
    r = run_cli('cxr-data', '--data', tmp_path/'nowhere', '--out', tmp_path, check=False)
    assert r.returncode != 0
    assert 'nowhere' in r.stderr and 'CXR_DATA' in r.stderr and '--data sample' in r.stderr

def test_skip_bad_writes_the_list(mini, tmp_path):
    from cxr_nbdev.data import find_images
    data = tmp_path/'data'
    for p in find_images(mini).path:
        dest = data/p; dest.parent.mkdir(parents=True, exist_ok=True); dest.symlink_to((mini/p).resolve())
    bad = data/'COVID-19_Radiography_Dataset'/'Normal'/'images'/'Normal-broken.png'
    bad.write_bytes(b'\x89PNG\r\n\x1a\n' + os.urandom(64))
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o', check=False)
    assert r.returncode != 0 and 'Normal-broken.png' in r.stderr
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o', '--skip-bad')
    assert 'Bad files left out: 1' in r.stdout
    listed = pd.read_csv(tmp_path/'o'/'bad_files.csv')
    assert listed.path.str.endswith('Normal-broken.png').all() and len(listed) == 1
    assert len(pd.read_csv(tmp_path/'o'/'manifest.csv')) == 100
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o')  # reuse: the known bad file is not "new"
    assert 'Checked and reused' in r.stdout
