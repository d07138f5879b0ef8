"`cxr-dashboard` in a real browser: Debian's Chromium driven by Playwright."
import os, signal, subprocess, time, urllib.request
from pathlib import Path
import pytest
from conftest import run_cli

CHROMIUM = '/usr/bin/chromium'
ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync']

def _wait_http(url, proc, timeout=240):
    deadline = time.time() + timeout
    while time.time() < deadline:
        assert proc.poll() is None, 'the dashboard exited'
        try:
            with urllib.request.urlopen(url, timeout=200) as r:  # Voila answers once the page's kernel has started
                if r.status == 200: return
        except OSError: time.sleep(0.5)
    raise TimeoutError(url)

def test_dashboard_in_chromium(mini, tmp_path):
    from playwright.sync_api import sync_playwright
    from cxr_nbdev.browser import free_port
    assert Path(CHROMIUM).exists(), 'install Chromium: apt-get install -y chromium'
    model = tmp_path/'model'
    run_cli('cxr-train', '--data', mini, '--out', model, '--size', '48', '--epochs', '2', '--bs', '16', '--bn')
    port = free_port()
    log = tmp_path/'dashboard.log'  # a file, not a pipe: Voila's log could fill a pipe nobody reads and stall it
    proc = subprocess.Popen(['cxr-dashboard', '--model', str(model), '--data', str(mini), '--port', str(port)],
                            stdout=log.open('w'), stderr=subprocess.STDOUT, start_new_session=True)
    try:
        _wait_http(f'http://127.0.0.1:{port}/', proc)
        assert f'Dashboard: http://127.0.0.1:{port}/' in log.read_text().splitlines()
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
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
            assert info.inner_text() != info0 and '2 of 16' in info.inner_text()
            page.locator('select').first.select_option('Normal')
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.includes("of 4")', timeout=30_000)
            assert 'true Normal' in info.inner_text()
            page.get_by_role('button', name='next ▶').click()
            page.wait_for_function('() => document.querySelector(".cxr-info").innerText.startsWith("2 of 4")', timeout=30_000)
            assert 'true Normal' in info.inner_text()
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
