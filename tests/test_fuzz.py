"""Property-based tests (Hypothesis): garbage in every option of every command, mutated model files, damaged
images and weights. Each case must end with exit 0, or exit 2 and one `error:` line, never a traceback or a
hang. The commands' functions run in-process (the same code path as the console scripts, without a new
interpreter per case), with a fixed seed and a bounded number of examples: set CXR_FUZZ_EXAMPLES for a larger
budget, as `nbdev-test --flags slow` does."""
import contextlib, inspect, io, json, os, random, shutil, signal, sys
from dataclasses import fields
from pathlib import Path
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from conftest import run_cli

N = int(os.environ.get('CXR_FUZZ_EXAMPLES', '6'))
FUZZ = settings(max_examples=N, derandomize=True, deadline=None, database=None,
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
EDGES = ['0', '-1', '1', '2', '-0.0', 'nan', 'inf', '-inf', '1e309', '99999', '-99999', '4', '0.5', '1.5',
         '2147483648', '', ' ', 'true', 'false', 'none', 'None', '..', '/', '/dev/null', 'sample', 'cuda',
         'mps', '💥', '--', '-h' * 0 + 'x' * 300]
VALUE = st.one_of(st.sampled_from(EDGES), st.text(max_size=12), st.integers(-10**12, 10**12).map(str),
                  st.floats(allow_nan=True, allow_infinity=True).map(repr))

def run_in_process(cmd, argv, timeout=120):
    """(exit status, stdout, stderr) of console function `cmd` with `argv`; fails on an exception that
    escapes it, or a hang."""
    out, err, code = io.StringIO(), io.StringIO(), 0
    def _hang(*_): raise TimeoutError(f'{cmd.__name__} {argv} ran over {timeout} s')
    old_argv, old_alarm = sys.argv, signal.signal(signal.SIGALRM, _hang)
    sys.argv = [cmd.__name__.replace('_', '-'), *map(str, argv)]
    signal.alarm(timeout)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err): cmd()
    except SystemExit as e: code = e.code if isinstance(e.code, int) else 1
    finally: signal.alarm(0); signal.signal(signal.SIGALRM, old_alarm); sys.argv = old_argv
    return code, out.getvalue(), err.getvalue()

def assert_clean(r, argv):
    code, out, err = r
    assert code in (0, 2), (argv, code, err[-2000:])
    if code == 2: assert 'error:' in err and 'Traceback' not in err, (argv, err[-2000:])

@pytest.fixture(scope='module')
def model_dir(tmp_path_factory):
    out = tmp_path_factory.mktemp('fuzz')/'model'
    run_cli('cxr-train', '--data', 'sample', '--out', out, '--size', '32', '--epochs', '1', '--bs', '16',
            '--quiet')
    return out

@pytest.fixture(scope='module')
def xray(model_dir):
    from cxr_nbdev.data import sample_path
    return sample_path()/pd.read_csv(model_dir/'manifest.csv').path.iloc[0]

def commands(model_dir, xray, tmp):
    """(console function, fixed arguments, options to fuzz) for every command; fixed arguments keep a valid
    case quick."""
    from cxr_nbdev import train, evaluate, trust, split, search, report, browser, bench
    nowhere = str(tmp/'nowhere')
    from cxr_nbdev.core import opt_name
    # every setting of a training run, as `TrainConfig` declares them, and the command's own options
    train_opts = [opt_name(f.name) for f in fields(train.TrainConfig)] + ['--device', '--workers', '--out']
    return [(train.cxr_train, ['--data', nowhere], train_opts),
            (evaluate.cxr_evaluate, ['--model', model_dir, '--no-figures', '--quiet', '--out', tmp/'ev'],
             ['--bs', '--split', '--device', '--data']),
            (evaluate.cxr_predict, [xray, '--model', model_dir],
             ['--min-confidence', '--device', '--cam', '--model']),
            (trust.cxr_calibrate, ['--model', model_dir],
             ['--pass-rate', '--target-accuracy', '--bs', '--device']),
            (trust.cxr_ood, ['--model', model_dir, '--out', tmp/'ood'], ['--bs', '--device']),
            (split.cxr_data, ['--data', nowhere], ['--seed', '--near-dup', '--out']),
            (search.cxr_grid_search, ['--data', nowhere],
             ['--lrs', '--dropouts', '--wds', '--bss', '--epochs', '--metric', '--eta', '--backend', '--size',
              '--seed', '--arch']),
            (report.cxr_report, [nowhere], ['--split', '--target']),
            (browser.cxr_dashboard, ['--model', nowhere], ['--port', '--host', '--split']),
            (bench.cxr_bench, ['--data', nowhere], ['--size', '--device'])]

def test_every_option_of_every_command(model_dir, xray, tmp_path, monkeypatch):
    # a fuzzed --cam or --out that is a relative name is written here, not in the checkout
    monkeypatch.chdir(tmp_path)
    for cmd, fixed, opts in commands(model_dir, xray, tmp_path):
        @FUZZ
        @given(st.lists(st.tuples(st.sampled_from(opts), VALUE), min_size=1, max_size=3))
        def case(pairs):
            argv = [*fixed, *[x for o, v in pairs for x in (o, v)]]
            shutil.rmtree(tmp_path/'ev', ignore_errors=True)
            assert_clean(run_in_process(cmd, argv), argv)
        case()

def _mutations(cfg):
    "Strategy: `cfg` with keys removed, types changed, numbers negated or huge, nested values replaced."
    keys = sorted(cfg)
    nested = [(k, j) for k in keys if isinstance(cfg[k], dict) for j in cfg[k]]
    junk = st.one_of(st.none(), st.booleans(), st.integers(-10**12, 10**12), st.integers(-10**400, 10**400),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                     st.lists(st.integers(), max_size=3),
                     st.dictionaries(st.text(max_size=3), st.integers(), max_size=2))
    def apply(ops):
        c = json.loads(json.dumps(cfg))
        for op, i, v in ops:
            if op == 'drop': c.pop(keys[i % len(keys)], None)
            elif op == 'set': c[keys[i % len(keys)]] = v
            elif op == 'nested' and nested:
                k, j = nested[i % len(nested)]
                if isinstance(c.get(k), dict): c[k][j] = v
            elif op == 'scale':
                k = keys[i % len(keys)]
                if isinstance(c.get(k), (int, float)) and not isinstance(c.get(k), bool):
                    c[k] = c[k]*(-1 if i % 2 else 10**9)
        return c
    return st.lists(st.tuples(st.sampled_from(['drop', 'set', 'nested', 'scale']), st.integers(0, 99), junk),
                    min_size=1, max_size=4).map(apply)

def _fuzz_predict(fn, good, xray):
    "`cxr-predict` on the folder of `fn`, with `fn` written as mutations of the JSON object `good`."
    from cxr_nbdev.evaluate import cxr_predict
    @FUZZ
    @given(_mutations(good))
    def case(obj):
        fn.write_text(json.dumps(obj))
        assert_clean(run_in_process(cxr_predict, [xray, '--model', fn.parent, '--json']), obj)
    case()

def test_mutated_model_json(model_dir, xray, tmp_path):
    good = json.loads((model_dir/'model.json').read_text())
    folder = tmp_path/'m'; shutil.copytree(model_dir, folder, ignore=shutil.ignore_patterns('eval-*'))
    _fuzz_predict(folder/'model.json', good, xray)

def test_mutated_ensemble_json(model_dir, xray, tmp_path):
    classes = json.loads((model_dir/'model.json').read_text())['classes']
    good = {'members': [str(model_dir)]*2, 'classes': classes,
            'fit': {'temperature': 0.8, 'selective': {'target_accuracy': 0.97, 'min_confidence': 0.5,
                                                      'valid_coverage': 0.9}, 'split': 'valid', 'n': 16,
                    'ood': {'method': 'mean', 'pass_rate': 0.99, 'threshold': 3.0}, 'weights': ['0'*16]*2}}
    folder = tmp_path/'ens'; folder.mkdir()
    _fuzz_predict(folder/'ensemble.json', good, xray)

def test_damaged_png_and_weights(model_dir, xray, tmp_path):
    from cxr_nbdev.evaluate import cxr_predict
    png, pth = Path(xray).read_bytes(), (model_dir/'model.pth').read_bytes()
    folder = tmp_path/'m'; shutil.copytree(model_dir, folder, ignore=shutil.ignore_patterns('eval-*'))
    def damage(data, cut, flips, seed):
        b = bytearray(data[:max(0, len(data) - cut)])
        rng = random.Random(seed)
        for _ in range(flips):
            if b: b[rng.randrange(len(b))] = rng.randrange(256)
        return bytes(b)
    @FUZZ
    @given(st.integers(0, len(png)), st.integers(0, 8), st.integers(0, 2**16), st.binary(max_size=64))
    def case_png(cut, flips, seed, junk):
        for data in (damage(png, cut, flips, seed), junk):
            (tmp_path/'x.png').write_bytes(data)
            assert_clean(run_in_process(cxr_predict, [tmp_path/'x.png', '--model', model_dir]),
                         (cut, flips, len(data)))
    case_png()
    @FUZZ
    @given(st.integers(0, len(pth)), st.integers(0, 8), st.integers(0, 2**16))
    def case_pth(cut, flips, seed):
        (folder/'model.pth').write_bytes(damage(pth, cut, flips, seed))
        assert_clean(run_in_process(cxr_predict, [xray, '--model', folder]), (cut, flips))
    case_pth()

PY_VALUE = st.one_of(st.none(), st.booleans(), st.integers(), st.integers(-10**400, 10**400),
                     st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=8),
                     st.sampled_from(EDGES), st.lists(st.integers(), max_size=2), st.binary(max_size=4))

def test_settings_from_python():
    """Every declared setting, and every `TrainConfig` field, given any Python value: the value back, or
    `SettingError`."""
    from dataclasses import fields
    from cxr_nbdev.core import SETTINGS, SettingError, check_settings
    from cxr_nbdev.train import TrainConfig
    names, tc = sorted(SETTINGS), [f.name for f in fields(TrainConfig)]
    MANY = settings(FUZZ, max_examples=50*N)  # these cost microseconds: more examples than the commands get
    @MANY
    @given(st.sampled_from(names), PY_VALUE)
    def case(name, v):
        try: assert SETTINGS[name].check(name, v) == v or v != v
        except SettingError as e: assert f'--{name.replace("_", "-")}' in str(e)
    @MANY
    @given(st.dictionaries(st.sampled_from(tc), PY_VALUE, min_size=1, max_size=3))
    def config(kw):
        try: TrainConfig(**kw)
        except SettingError: pass
    funcs = [f for f, _, _ in commands(Path('m'), Path('x.png'), Path('.'))]
    @MANY
    @given(st.sampled_from(funcs), st.data())
    def call(func, data):
        params = sorted(set(inspect.signature(func.__wrapped__).parameters) & set(SETTINGS))
        kw = data.draw(st.dictionaries(st.sampled_from(params), PY_VALUE, max_size=3)) if params else {}
        try: check_settings(func.__wrapped__, kwargs=kw)
        except SettingError: pass
    for c in (case, config, call): c()
