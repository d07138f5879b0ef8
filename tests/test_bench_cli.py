"`cxr-bench` as a subprocess: the three loops, each in its own fresh process, on the sample."
import json
from conftest import run_cli

def test_bench_writes_its_figures(tmp_path):
    r = run_cli('cxr-bench', '--data', 'sample', '--n', '64', '--size', '48', '--device', 'cpu', '--profile',
                '--phases', '--json', tmp_path/'b.json')
    assert 'data speed-up' in r.stdout and 'GridAffineTfm' in r.stdout and 'backward' in r.stdout
    b = json.loads((tmp_path/'b.json').read_text())
    assert [p['pipeline'] for p in b['pipelines']] == ['original', 'ours', 'cxr-train simple']
    assert b['n'] == 64 and b['device'] == 'cpu' and b['learner_speedup'] > 0
    shares = [b['phases'][f'{k}_share'] for k in ('data', 'forward', 'loss', 'backward', 'step', 'callbacks')]
    # the phases cover the epoch; how closely is a timing, and moves with the machine's load
    assert all(0 <= v <= 1 for v in shares) and abs(sum(shares) - 1) < 0.25, shares
    assert all(p['peak_rss_mb'] > 0 and p['train_images_per_s'] > 0 for p in b['pipelines'])
