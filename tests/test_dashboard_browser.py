"`cxr-dashboard` in a real browser: Chromium driven by Playwright."
import os, shutil, signal, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import run_cli

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
        '--disable-sync']
NO_BROWSER = (
    'no Chromium found: install one (Debian/Ubuntu: apt-get install chromium; or `playwright install '
    'chromium`), or point CXR_CHROMIUM to its executable')

def chromium_path():
    """`CXR_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on PATH; None leaves it to
    Playwright's own."""
    if os.environ.get('CXR_CHROMIUM'): return os.environ['CXR_CHROMIUM']
    return next(filter(None, map(shutil.which, ('chromium', 'chromium-browser', 'google-chrome'))), None)

def launch(p):
    "A headless Chromium from Playwright `p`, or a skip that says how to get one."
    exe = chromium_path()
    try: return p.chromium.launch(executable_path=exe, headless=True, args=ARGS)
    except Exception as e:
        if exe: raise  # a browser was named or found: its failure is a real one
        pytest.skip(f'{NO_BROWSER} ({type(e).__name__})')
def _wait_http(url, proc, timeout=240):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, 'the dashboard exited'
        try:
            # Voila answers once the page's kernel has started
            with urllib.request.urlopen(url, timeout=200) as r:
                if r.status == 200: return
        except OSError: time.sleep(0.5)
    raise TimeoutError(url)

def other_folder(mini, dest, n=4):
    """A folder other than the training one: `n` X-rays per class of the sample in the Kaggle layout, the
    lung masks of the Viral Pneumonia ones beside them."""
    from cxr_nbdev.data import CLASSES, KAGGLE_FOLDER
    for c in CLASSES:
        src = mini/KAGGLE_FOLDER/c
        for f in sorted((src/'images').glob('*.png'))[-n:]:
            for kind in ('images', 'masks'):
                if (src/kind/f.name).exists():
                    (dest/c/kind).mkdir(parents=True, exist_ok=True)
                    (dest/c/kind/f.name).symlink_to((src/kind/f.name).resolve())
    return dest

def test_dashboard_in_chromium(mini, tmp_path):
    sync_api = pytest.importorskip('playwright.sync_api',
                                   reason='the browser test needs Playwright: pip install -e ".[dev]"')
    pytest.importorskip('voila', reason='the dashboard needs Voila: pip install -e ".[dev]"')
    from cxr_nbdev.browser import free_port
    # an ensemble of two seeds, named from the folder the commands run in, as a user would
    for seed in (42, 1):
        run_cli('cxr-train', '--data', 'sample', '--out', f'seed{seed}', '--seed', seed, '--split-seed', 42,
                '--size', '48', '--epochs', '2', '--bs', '16', '--quiet', cwd=tmp_path)
    run_cli('cxr-evaluate', '--model', 'seed42', '--model', 'seed1', '--out', 'ens', '--no-figures',
            '--quiet', cwd=tmp_path)
    other = other_folder(mini, tmp_path/'other')
    port = free_port()
    # a file, not a pipe: Voila's log could fill a pipe nobody reads and stall it
    log = tmp_path/'dashboard.log'
    proc = subprocess.Popen(['cxr-dashboard', '--model', 'ens', '--data', str(other), '--split', 'all',
                             '--port', str(port), '--device', 'cpu'], cwd=tmp_path,
                            stdout=log.open('w'), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(f'http://127.0.0.1:{port}/', proc)
        assert f'Dashboard: http://127.0.0.1:{port}/' in log.read_text().splitlines()
        with sync_api.sync_playwright() as p:
            browser = launch(p)
            page = browser.new_page(viewport={'width': 1200, 'height': 900})
            page.goto(f'http://127.0.0.1:{port}/', timeout=120_000)
            img = page.locator('img').first
            img.wait_for(timeout=150_000)
            info = page.locator('.cxr-info')
            info.wait_for(timeout=30_000)
            src0, info0 = img.get_attribute('src'), info.inner_text()
            assert '1 of 16' in info0 and 'Grad-CAM of member 1 of 2, seed42' in info0
            page.get_by_label('map from').select_option(label='2: seed1')  # the other member's map
            page.wait_for_function(
                '() => document.querySelector(".cxr-info").innerText.includes("member 2 of 2, seed1")',
                timeout=30_000)
            page.wait_for_function('s => document.querySelector("img").src !== s', arg=src0, timeout=30_000)
            src1 = img.get_attribute('src')
            page.get_by_role('button', name='next ▶').click()
            # the image and the caption are two widgets, each its own message: wait for both
            page.wait_for_function('s => document.querySelector("img").src !== s', arg=src1, timeout=30_000)
            second = '() => document.querySelector(".cxr-info").innerText.startsWith("2 of 16")'
            page.wait_for_function(second, timeout=30_000)
            page.locator('select').first.select_option('Viral Pneumonia')
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.includes("of 4")',
                                   timeout=30_000)
            text = info.inner_text()
            assert 'true Viral Pneumonia' in text and 'of the map in the lungs' in text
            before = img.get_attribute('src')
            page.get_by_label('lung outline').check()
            page.wait_for_function('s => document.querySelector("img").src !== s', arg=before, timeout=30_000)
            page.get_by_role('button', name='next ▶').click()
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.startsWith("2 of 4")',
                                   timeout=30_000)
            assert len(page.locator('.cxr-probs tr').all()) == 4
            page.screenshot(path=str(tmp_path/'dashboard.png'), full_page=True)
            browser.close()
        assert (tmp_path/'dashboard.png').stat().st_size > 10_000
        shot = os.environ.get('CXR_SCREENSHOT')
        if shot: Path(shot).write_bytes((tmp_path/'dashboard.png').read_bytes())
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try: proc.wait(timeout=20)
        except subprocess.TimeoutExpired: os.killpg(proc.pid, signal.SIGKILL); proc.wait()

def _descendants(pid):
    "Process ids of every living descendant of `pid` (Linux /proc)."
    kids = {}
    for p in Path('/proc').iterdir():
        if p.name.isdigit():
            try:
                kids.setdefault(int((p/'stat').read_text().rsplit(')', 1)[1].split()[1]),
                                []).append(int(p.name))
            except (OSError, IndexError): pass
    found, stack = [], [pid]
    while stack:
        for k in kids.get(stack.pop(), []): found.append(k); stack.append(k)
    return found

def _alive(pid):
    try: return (Path('/proc')/str(pid)/'stat').read_text().rsplit(')', 1)[1].split()[0] != 'Z'
    except OSError: return False

@pytest.mark.skipif(not Path('/proc').exists(), reason='needs Linux /proc to list child processes')
def test_dashboard_refuses_bad_ports_and_leaves_no_server(tmp_path):
    """A port out of range or in use is one error line at once; however the command ends, its server ends
    with it."""
    pytest.importorskip('voila', reason='the dashboard needs Voila: pip install -e ".[dev]"')
    import socket
    from cxr_nbdev.browser import free_port
    model = tmp_path/'model'
    run_cli('cxr-train', '--data', 'sample', '--out', model, '--size', '32', '--epochs', '1', '--bs', '16',
            '--quiet')
    # on an idle machine, about 5 s of imports
    r = run_cli('cxr-dashboard', '--model', model, '--port', '99999', check=False, timeout=60)
    assert r.returncode == 2 and r.stderr.startswith(
        'error: --port must be in [0, 65,535]') and 'Traceback' not in r.stderr
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0)); s.listen()
        r = run_cli('cxr-dashboard', '--model', model, '--port', s.getsockname()[1], check=False, timeout=60)
    assert r.returncode == 2 and 'it is in use' in r.stderr and 'Traceback' not in r.stderr
    for sig in (signal.SIGTERM,):  # what a service manager or `kill` sends; Ctrl-C takes the same path
        port = free_port()
        proc = subprocess.Popen(['cxr-dashboard', '--model', str(model), '--port', str(port), '--device',
                                 'cpu'],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_http(f'http://127.0.0.1:{port}/', proc)
            kids = _descendants(proc.pid)
            assert kids, 'the dashboard started no server'
            proc.send_signal(sig); proc.wait(timeout=10)
            deadline = time.time() + 10
            while time.time() < deadline and any(map(_alive, kids)): time.sleep(0.2)
            assert not any(map(_alive,
                               kids)), f'{sig!r} left processes running: {[k for k in kids if _alive(k)]}'
        finally:
            for k in _descendants(proc.pid) + [proc.pid]:
                try: os.kill(k, signal.SIGKILL)
                except OSError: pass
