"`cxr-grid-search` as a subprocess: killed during its third trial and rerun; and the Ray backend."
import pandas as pd
from conftest import run_cli, kill_when

GRID = ['--data', 'sample', '--lrs', '1e-2,1e-3', '--dropouts', '0.1,0.5', '--bss', '16', '--epochs', '1',
        '--size', '32']

def test_killed_search_finishes_every_trial_exactly_once(tmp_path):
    out = tmp_path/'search'
    res = out/'results.csv'
    kill_when(['cxr-grid-search', '--out', out, *GRID],
              lambda: res.exists() and len(res.read_text().splitlines()) >= 3)  # the third trial is under way
    assert len(pd.read_csv(res)) == 2
    r = run_cli('cxr-grid-search', '--out', out, *GRID)
    assert '2 trial(s) of 1 epochs already in' in r.stdout
    rows = pd.read_csv(res)
    assert len(rows) == 4 and rows.trial.is_unique and set(rows.status) == {'done'}
    assert (out/'best'/'model.json').exists() and (out/'search.png').exists()

def test_ray_backend_writes_the_same_results(tmp_path):
    grid = ['--data', 'sample', '--lrs', '1e-2,1e-3', '--dropouts', '0.5', '--bss', '16', '--epochs', '1',
            '--size', '32', '--device', 'cpu']
    run_cli('cxr-grid-search', '--out', tmp_path/'local', *grid, '--quiet')
    run_cli('cxr-grid-search', '--out', tmp_path/'ray', *grid, '--backend', 'ray', '--quiet')
    local, ray = (pd.read_csv(tmp_path/d/'results.csv') for d in ('local', 'ray'))
    assert list(ray.columns) == list(local.columns) and len(ray) == 2
    key = ['trial', 'value', 'kept_epoch', 'valid_loss']
    pd.testing.assert_frame_equal(ray.sort_values('trial')[key].reset_index(drop=True),
                                  local.sort_values('trial')[key].reset_index(drop=True))
