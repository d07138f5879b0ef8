"`cxr-dashboard` in a real browser: Chromium driven by Playwright."
import os, shutil, signal, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import run_cli

ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']
NO_BROWSER = ('no Chromium found: install one (Debian/Ubuntu: apt-get install chromium; or `playwright install chromium`), '
              'or point CXR_CHROMIUM to its executable')

def chromium_path():
    "`CXR_CHROMIUM`, else the first of chromium, chromium-browser, google-chrome on PATH; None leaves it to Playwright's own."
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
            with urllib.request.urlopen(url, timeout=200) as r:  # Voila answers once the page's kernel has started
                if r.status == 200: return
        except OSError: time.sleep(0.5)
    raise TimeoutError(url)

def other_folder(mini, dest, n=4):
    "A folder other than the training one: `n` X-rays per class of the sample in the Kaggle layout, the lung masks of the Viral Pneumonia ones beside them."
    from cxr_nbdev.data import CLASSES, KAGGLE_FOLDER
    for c in CLASSES:
        src = mini/KAGGLE_FOLDER/c
        for f in sorted((src/'images').glob('*.png'))[-n:]:
            for kind in ('images', 'masks'):
                if (src/kind/f.name).exists():
                    (dest/c/kind).mkdir(parents=True, exist_ok=True); (dest/c/kind/f.name).symlink_to((src/kind/f.name).resolve())
    return dest

def test_dashboard_in_chromium(mini, tmp_path):
    sync_api = pytest.importorskip('playwright.sync_api', reason='the browser test needs Playwright: pip install -e ".[dev]"')
    pytest.importorskip('voila', reason='the dashboard needs Voila: pip install -e ".[dev]"')
    from cxr_nbdev.browser import free_port
    model = tmp_path/'model'
    run_cli('cxr-train', '--data', 'sample', '--out', model, '--size', '48', '--epochs', '2', '--bs', '16', '--quiet')
    other = other_folder(mini, tmp_path/'other')
    port = free_port()
    log = tmp_path/'dashboard.log'  # a file, not a pipe: Voila's log could fill a pipe nobody reads and stall it
    proc = subprocess.Popen(['cxr-dashboard', '--model', str(model), '--data', str(other), '--split', 'all', '--port', str(port), '--device', 'cpu'],
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
            assert '1 of 16' in info0
            page.get_by_role('button', name='next ▶').click()
            page.wait_for_function('s => document.querySelector("img").src !== s', arg=src0, timeout=30_000)
            assert '2 of 16' in info.inner_text()
            page.locator('select').first.select_option('Viral Pneumonia')
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.includes("of 4")', timeout=30_000)
            assert 'true Viral Pneumonia' in info.inner_text() and 'of the map in the lungs' in info.inner_text()
            before = img.get_attribute('src')
            page.get_by_label('lung outline').check()
            page.wait_for_function('s => document.querySelector("img").src !== s', arg=before, timeout=30_000)
            page.get_by_role('button', name='next ▶').click()
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.startsWith("2 of 4")', timeout=30_000)
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
