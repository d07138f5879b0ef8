"`cxr-train` as a subprocess: killed during its second epoch, resumed, and reloaded in a fresh process."
import json, subprocess, sys
from pathlib import Path
import pandas as pd
from conftest import run_cli, kill_when

ARGS = ['--size', '48', '--epochs', '3', '--bs', '8', '--seed', '1']

def test_killed_run_resumes_to_the_full_epoch_count(tmp_path):
    out = tmp_path/'run'
    # epoch 1 saved: epoch 2 under way
    kill_when(['cxr-train', '--data', 'sample', '--out', out, *ARGS], lambda: (out/'checkpoint.pth').exists())
    assert (out/'checkpoint.pth').exists() and not (out/'model.json').exists()
    r = run_cli('cxr-train', '--data', 'sample', '--out', out, *ARGS, '--resume')
    assert pd.read_csv(out/'history.csv').epoch.tolist() == [0, 1, 2]
    cfg = json.loads((out/'model.json').read_text())
    assert cfg['metrics']['epochs_run'] == 3 and 'Kept epoch' in r.stdout
    assert not (out/'checkpoint.pth').exists()

def test_defaults_and_the_original_preset(tmp_path):
    r = run_cli('cxr-train', '--data', 'sample', '--out', tmp_path/'default', '--epochs', '1')
    cfg = json.loads((tmp_path/'default'/'model.json').read_text())['train']
    assert (cfg['preset'], cfg['arch'], cfg['bn'], cfg['aug'], cfg['lr'], cfg['schedule'],
            cfg['size']) == ('default', 'simple', True, 'light', 0.01, 'one_cycle', 128)
    assert r.stdout.startswith('Preset default: simple, 128 px, 1 epochs')
    # no mixing callback named when there is none
    assert r.stdout.splitlines()[0].endswith('light augmentation.')
    r = run_cli('cxr-train', '--data', 'sample', '--out', tmp_path/'original', '--preset', 'original',
                '--epochs', '1', '--size', '64', '--mix', 'mixup')
    assert r.stdout.startswith(
        'Preset original: simple, 64 px, 1 epochs, lr 0.001, original augmentation, mixup.')
    cfg = json.loads((tmp_path/'original'/'model.json').read_text())['train']
    assert (cfg['preset'], cfg['bn'], cfg['aug'], cfg['lr'], cfg['dropout'], cfg['bs'], cfg['schedule'],
            cfg['keep']) == \
           ('original', False, 'original', 0.001, 0.3, 16, 'constant', 'last')

def test_saved_model_predicts_the_same_in_a_fresh_process(mini, tmp_path):
    out = tmp_path/'run'
    run_cli('cxr-train', '--data', 'sample', '--out', out, '--size', '32', '--epochs', '1', '--bs', '16',
            '--quiet')
    m = pd.read_csv(out/'manifest.csv')
    files = [str(mini/p) for p in m[m.split == 'test'].path[:8]]
    code = ("import sys, json; from cxr_nbdev.inference import load_model, predict_files; model, cfg = "
            "load_model(sys.argv[1]); print(json.dumps(predict_files(model, cfg, sys.argv[2:]).tolist()))")
    a, b = (subprocess.run([sys.executable, '-c', code, str(out), *files], capture_output=True, text=True,
                           check=True).stdout for _ in range(2))
    pa, pb = json.loads(a), json.loads(b)
    assert len(pa) == 8 and pa == pb
    assert all(abs(sum(r) - 1) < 1e-5 for r in pa)

def test_a_full_disk_ends_in_one_line_and_keeps_the_checkpoint(tmp_path, monkeypatch, capsys):
    """torch.save raising ENOSPC on the second epoch's checkpoint: one `error:` line naming the file, exit 2,
    epoch 0 resumable."""
    import errno, torch
    from cxr_nbdev.train import cxr_train
    real, calls = torch.save, []
    def full_disk(obj, f, *a, **k):
        calls.append(str(f))
        if str(f).endswith('checkpoint.pth.tmp') and sum(c.endswith('checkpoint.pth.tmp')
                                                         for c in calls) == 2:
            raise OSError(errno.ENOSPC, 'No space left on device', str(f))
        return real(obj, f, *a, **k)
    monkeypatch.setattr(torch, 'save', full_disk)
    out = tmp_path/'run'
    monkeypatch.setattr(sys, 'argv', ['cxr-train', '--data', 'sample', '--out', str(out), *ARGS, '--quiet'])
    try: cxr_train(); code = 0
    except SystemExit as e: code = e.code
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(
        f"error: Cannot write '{out/'checkpoint.pth.tmp'}': the disk is full") and 'Traceback' not in err, err
    # the last good checkpoint, intact
    assert torch.load(out/'checkpoint.pth', weights_only=True)['epoch'] == 0
    monkeypatch.setattr(torch, 'save', real)
    r = run_cli('cxr-train', '--data', 'sample', '--out', out, *ARGS, '--resume', '--quiet')
    assert pd.read_csv(out/'history.csv').epoch.tolist() == [0, 1, 2]
