"`cxr-data` as a subprocess, on the bundled sample and on copies of it with duplicates and bad files."
import io, os
from pathlib import Path
import pandas as pd
from PIL import Image
from conftest import run_cli
from cxr_nbdev.data import CLASSES, KAGGLE_FOLDER

def flat_copy(mini, dest):
    "The sample as a flat `<Class>/*.png` tree of links."
    for c in CLASSES:
        (dest/c).mkdir(parents=True)
        for f in (mini/KAGGLE_FOLDER/c/'images').glob('*.png'): (dest/c/f.name).symlink_to(f.resolve())
    return dest

def test_split_is_stratified_leak_free_and_repeatable(tmp_path):
    r1 = run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'a')
    run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'b', '--quiet')
    a, b = (tmp_path/'a'/'manifest.csv').read_bytes(), (tmp_path/'b'/'manifest.csv').read_bytes()
    assert a == b, 'two runs on the same files and seed must write identical manifests'
    m = pd.read_csv(tmp_path/'a'/'manifest.csv')
    assert list(m.columns) == ['path', 'label', 'split', 'hash', 'phash']
    assert len(m) == 100 and set(m.split) == {'train', 'valid', 'test'}
    for label, g in m.groupby('label'):
        for split, frac in (('train', .70), ('valid', .15), ('test', .15)):
            assert abs((g.split == split).sum() - frac*len(g)) <= 1, f'{label} {split}'
    assert 'Duplicates: 0 files in 0 groups' in r1.stdout
    assert 'Wrote' in r1.stdout and (tmp_path/'a'/'splits.png').stat().st_size > 1000
    r3 = run_cli('cxr-data', '--data', 'sample', '--out', tmp_path/'a')
    assert 'Checked and reused' in r3.stdout and (tmp_path/'a'/'manifest.csv').read_bytes() == a

def test_a_near_duplicate_lands_in_its_twins_split(mini, tmp_path):
    """A sample X-ray re-encoded as JPEG, back to PNG and resized by a few pixels: same split as its
    original, for every seed tried."""
    data = flat_copy(mini, tmp_path/'data')
    original = sorted((data/'Normal').glob('*.png'))[3]
    buf = io.BytesIO(); Image.open(original).convert('L').save(buf, format='JPEG', quality=75)
    Image.open(buf).resize((295, 297)).save(data/'Normal'/'twin.png')
    for seed in (1, 2):
        r = run_cli('cxr-data', '--data', data, '--out', tmp_path/f's{seed}', '--seed', seed, '--quiet')
        m = pd.read_csv(tmp_path/f's{seed}'/'manifest.csv').set_index('path')
        assert m.split[f'Normal/{original.name}'] == m.split['Normal/twin.png']
        assert '1 near-duplicate pairs' in r.stdout
        pairs = pd.read_csv(tmp_path/f's{seed}'/'near_duplicates.csv')
        assert {pairs.path_a[0], pairs.path_b[0]} == {f'Normal/{original.name}',
                                                      'Normal/twin.png'} and not pairs.labels_differ[0]
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'exact', '--near-dup', '0', '--quiet')
    assert '0 near-duplicate pairs' in r.stdout

def test_skip_bad_writes_the_list(mini, tmp_path):
    data = flat_copy(mini, tmp_path/'data')
    (data/'Normal'/'Normal-broken.png').write_bytes(b'\x89PNG\r\n\x1a\n' + os.urandom(64))
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o', check=False)
    assert r.returncode == 2 and 'Normal-broken.png' in r.stderr
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o', '--skip-bad')
    assert 'Bad files left out: 1' in r.stdout
    listed = pd.read_csv(tmp_path/'o'/'bad_files.csv')
    assert listed.path.tolist() == ['Normal/Normal-broken.png'] and len(
        pd.read_csv(tmp_path/'o'/'manifest.csv')) == 100
    r = run_cli('cxr-data', '--data', data, '--out', tmp_path/'o')  # reuse: the known bad file is not "new"
    assert 'Checked and reused' in r.stdout
