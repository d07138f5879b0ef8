"README.md is nbs/index.ipynb's text, and CI runs the README's Quickstart commands."
import re
from pathlib import Path
from fastcore.nbio import read_nb

ROOT = Path(__file__).resolve().parents[1]

def test_readme_matches_index():
    readme = (ROOT/'README.md').read_text()
    cells = [c.source for c in read_nb(ROOT/'nbs'/'index.ipynb').cells if c.cell_type == 'markdown']
    for src in cells:
        src = src.replace('](images/', '](nbs/images/')
        assert src in readme, f'README.md is out of step with nbs/index.ipynb at:\n{src[:300]}'
    for img in re.findall(r'\]\((nbs/images/[^)]+)\)', readme): assert (ROOT/img).exists(), img

def test_ci_runs_the_quickstart_commands():
    readme, ci = (ROOT/'README.md').read_text(), (ROOT/'.ci'/'run').read_text()
    block = re.search(r'## Quickstart.*?```bash\n(.*?)```', readme, re.S).group(1)
    cmds = [l.strip() for l in block.splitlines() if l.strip() and not l.strip().startswith('#')]
    assert len(cmds) == 2, cmds
    assert cmds[1] in ci and cmds[0] in ci, 'the two Quickstart commands must be what .ci/run runs'

def test_sidebar_lists_every_notebook():
    side = (ROOT/'nbs'/'sidebar.yml').read_text()
    for nb in sorted((ROOT/'nbs').glob('*.ipynb')): assert nb.name in side, f'{nb.name} is missing from nbs/sidebar.yml'

def test_markdown_tables_are_unbroken():
    "A table starts with a header row and its |---| separator; a blank line inside a table would start a headless one."
    for fn in [ROOT/'README.md'] + sorted((ROOT/'nbs').glob('*.ipynb')):
        texts = [fn.read_text()] if fn.suffix == '.md' else [c.source for c in read_nb(fn).cells if c.cell_type == 'markdown']
        for text in texts:
            lines = text.splitlines()
            for i, line in enumerate(lines):
                if line.startswith('|') and (i == 0 or not lines[i - 1].startswith('|')):
                    assert i + 1 < len(lines) and re.fullmatch(r'\|[-:| ]+\|', lines[i + 1].strip()), f'{fn.name}: table without a header at {line[:80]!r}'
