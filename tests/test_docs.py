"""README.md is nbs/index.ipynb's text, its links and the notebooks' links point to files that exist, and CI
runs the README's commands."""
import re, sys
from pathlib import Path
from fastcore.nbio import read_nb

ROOT = Path(__file__).resolve().parents[1]
NBS = ROOT/'nbs'

def readme_text() -> str:
    "README.md as nbs/index.ipynb's markdown cells, with links made relative to the project's root."
    cells = [c.source for c in read_nb(NBS/'index.ipynb').cells if c.cell_type == 'markdown']
    return re.sub(r'\]\((?![a-z]+:|#|/)', '](nbs/', '\n\n'.join(cells)) + '\n'

def markdown_texts():
    "(file, markdown text) of README.md and of every notebook's markdown cells."
    yield ROOT/'README.md', (ROOT/'README.md').read_text()
    for fn in sorted(NBS.glob('*.ipynb')):
        for c in read_nb(fn).cells:
            if c.cell_type == 'markdown': yield fn, c.source

def test_readme_is_the_index_notebook():
    assert (
        ROOT/'README.md').read_text() == readme_text(), (
            'README.md is out of step with nbs/index.ipynb: run `python tests/test_docs.py`')

def test_relative_links_point_to_files():
    n = 0
    for fn, text in markdown_texts():
        for target in re.findall(r'\]\(([^)\s]+)(?:\s+"[^"]*")?\)', text):
            if re.match(r'[a-z]+:|#', target): continue  # web addresses and anchors in the same page
            n += 1
            assert (
                fn.parent/target.split('#')[0]).exists(), f'{fn.name}: the link {target!r} points to nothing'
    assert n > 10

def test_no_links_to_sites_that_do_not_exist():
    for fn, text in markdown_texts(): assert 'github.io' not in text, fn
    for fn in [ROOT/'pyproject.toml', NBS/'nbdev.yml', *sorted((ROOT/'cxr_nbdev').glob('*.py'))]:
        assert 'github.io' not in fn.read_text(), fn

def test_ci_runs_the_quickstart_commands():
    readme, ci = (ROOT/'README.md').read_text(), (ROOT/'.ci'/'run').read_text()
    block = re.search(r'## Quickstart.*?```bash\n(.*?)```', readme, re.S).group(1)
    cmds = [l.strip() for l in block.splitlines() if l.strip() and not l.strip().startswith('#')]
    assert cmds == ['cxr-train --out runs/model && cxr-evaluate --model runs/model',
                    'nbdev-test --n-workers 2 && pytest -q'], cmds
    for cmd in cmds: assert cmd in ci, 'the two Quickstart commands must be what .ci/run runs'

def test_sidebar_lists_every_notebook():
    side = (NBS/'sidebar.yml').read_text()
    for nb in sorted(NBS.glob('*.ipynb')):
        assert nb.name in side, f'{nb.name} is missing from nbs/sidebar.yml'

def test_markdown_tables_are_unbroken():
    """A table starts with a header row and its |---| separator; a blank line inside a table would start a
    headless one."""
    for fn, text in markdown_texts():
        lines = text.splitlines()
        for i, line in enumerate(lines):
            if line.startswith('|') and (i == 0 or not lines[i - 1].startswith('|')):
                assert i + 1 < len(lines) and re.fullmatch(r'\|[-:| ]+\|',
                                                           lines[i
                                                                 + 1].strip()), (
                                                                     f'{fn.name}: table without a header at '
                                                                     f'{line[:80]!r}')

def test_nothing_refers_to_files_outside_the_project():
    for d in ('nbs', 'tests', 'cxr_nbdev', '.ci'):
        for fn in sorted((ROOT/d).rglob('*')):
            if fn.suffix not in ('.py', '.ipynb', '.yml', '') or not fn.is_file() or fn.name == 'index.ipynb':
                continue
            assert '..' + '/shared' not in fn.read_text(
                errors='ignore'), (
                    f'{fn} refers to the shared folder beside the checkout, which users do not have')

if __name__ == '__main__':  # regenerate README.md from nbs/index.ipynb
    (ROOT/'README.md').write_text(readme_text()); print('wrote README.md')
