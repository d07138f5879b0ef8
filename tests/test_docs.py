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

def missing_links(fn:Path, text:str) -> list:
    "The relative links in `text` (the markdown of file `fn`) that point to no file."
    targets = re.findall(r'\]\(([^)\s]+)(?:\s+"[^"]*")?\)', text)
    return [t for t in targets if not re.match(r'[a-z]+:|#', t) and not (fn.parent/t.split('#')[0]).exists()]

def test_relative_links_point_to_files():
    n = 0
    for fn, text in markdown_texts():
        assert not missing_links(fn, text), f'{fn.name}: the links {missing_links(fn, text)} point to nothing'
        n += len(re.findall(r'\]\((?![a-z]+:|#)', text))
    assert n > 10
    links = '[a](00_core.ipynb) [b](nothing.ipynb#x) [c](https://x.org) [d](#top)'
    assert missing_links(NBS/'index.ipynb', links) == ['nothing.ipynb#x']

MAX_LINE = 110

def long_lines(files) -> list:
    """(file, line's start, length) of each line over MAX_LINE characters: every line of code, and the
    markdown of notebooks but for table rows (markdown cannot break them) and the one-line `>` summary."""
    out = []
    for fn in files:
        if fn.suffix == '.ipynb':
            lines = [(l, c.cell_type) for c in read_nb(fn).cells for l in c.source.splitlines()]
        else:
            lines = [(l, 'code') for l in fn.read_text().splitlines()]
            if fn.parent.name == 'cxr_nbdev':  # nbdev writes a module's first line and its `__all__`
                text = fn.read_text()
                alls = re.findall(r'^__all__ = \[.*?\]$', text, re.S | re.M)
                gen = text.split('\n', 1)[0] + '\n'.join(alls)
                lines = [(l, k) for l, k in lines if l not in gen.split('\n') and l not in gen]
        out += [(fn.name, l[:60], len(l)) for l, kind in lines
                if len(l) > MAX_LINE and not (kind == 'markdown' and l.startswith(('|', '> ')))]
    return out

def test_lines_at_most_110_characters(tmp_path):
    files = [*sorted(NBS.glob('*.ipynb')), *sorted((ROOT/'tests').glob('*.py')), ROOT/'.ci'/'run',
             *[f for f in sorted((ROOT/'cxr_nbdev').glob('*.py')) if f.name != '_modidx.py']]
    assert not long_lines(files), long_lines(files)
    (tmp_path/'x.py').write_text('x = 1\n' + 'y = ' + '1' * (MAX_LINE - 3) + '\n')
    assert long_lines([tmp_path/'x.py']) == [('x.py', 'y = ' + '1' * 56, MAX_LINE + 1)]

def unshown_names(nb:Path) -> list:
    """The names a chapter exports (its module's `__all__`) that appear nowhere in it outside the export cell
    that defines them: no example, no test, no prose; a command may appear as its `cxr-...` name."""
    cells = read_nb(nb).cells
    mod = next(c.source.split()[-1] for c in cells if c.source.startswith('#| default_exp'))
    text = (ROOT/'cxr_nbdev'/f'{mod}.py').read_text()
    names = re.findall(r"'(\w+)'", re.search(r'^__all__ = \[(.*?)\]', text, re.S | re.M).group(1))
    out = []
    for n in (n for n in names if not n.isupper()):  # constants are shown with the code that reads them
        alt = '|'.join(map(re.escape, (n, n.replace('_', '-'))))
        word = re.compile(r'(?<![\w-])(' + alt + r')(?![\w-])')
        home = [c for c in cells if c.source.startswith('#| export') and re.search(
            r'^(?:class|def) ' + re.escape(n) + r'\b|^' + re.escape(n) + r'\s*=', c.source, re.M)]
        if not any(word.search(c.source) for c in cells if c not in home): out.append(n)
    return out

def test_every_export_is_shown_in_its_chapter():
    for nb in sorted(NBS.glob('[0-9]*.ipynb')):
        assert not unshown_names(nb), f'{nb.name}: no example or mention of {unshown_names(nb)}'

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
