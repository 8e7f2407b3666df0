"""The seed tutorial runs unchanged and prints what TensorFlow printed.

The notebook text (tests/data/seed_tutorial_notebook.txt) holds TensorFlow's
code cells and their printed outputs. examples/seed_tutorial.py is that code with
`import fasttape as tf` and translated comments. These tests parse the notebook,
check that the example is the same program, run it, and compare its output line by
line with the notebook's, `tf.` becoming `fasttape.`.
"""

import ast
import io
import os
import re
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "seed_tutorial.py"
NOTEBOOK = ROOT / "tests" / "data" / "seed_tutorial_notebook.txt"

# What the tutorial prints: tensors (str), containers of tensors (reprs), None.
OUTPUT_LINE = re.compile(r"^(None|tf\.Tensor\(.*\)|\[+<tf\.Tensor: .*>\]+)$")
CELL_START = re.compile(r"^In \[\d*\]:\s*$")

def parse_notebook(text):
    """(code, outputs): the code cells joined, and every printed line in order.

    A cell runs from an `In [n]:` line to the next one. Its paragraphs (split at blank
    lines) up to the first output paragraph are code; output paragraphs are those
    whose every line is a printed tensor, container of tensors, or None; anything
    after the outputs is the next markdown text.
    """
    code, outputs = [], []
    cells = []
    for line in text.splitlines():
        if CELL_START.match(line):
            cells.append([])
        elif cells:
            cells[-1].append(line)
    for lines in cells:
        paragraphs, current = [], []
        for line in lines + [""]:
            if line.strip():
                current.append(line)
            elif current:
                paragraphs.append(current)
                current = []
        seen_output = False
        for para in paragraphs:
            if all(OUTPUT_LINE.match(line) for line in para):
                outputs.extend(para)
                seen_output = True
            elif not seen_output:
                code.append("\n".join(para))
            else:
                break                        # markdown after the outputs
    return "\n".join(code) + "\n", outputs


def without_comments(source):
    tokens = [t for t in tokenize.generate_tokens(io.StringIO(source).readline)
              if t.type != tokenize.COMMENT]
    return tokenize.untokenize(tokens)


@pytest.fixture(scope="module")
def notebook():
    return parse_notebook(NOTEBOOK.read_text(encoding="utf-8"))


def test_notebook_parses_into_code_and_outputs(notebook):
    code, outputs = notebook
    assert "import tensorflow as tf" in code
    assert len(outputs) >= 15 and outputs[0].startswith("tf.Tensor(")


def test_example_is_the_notebook_program(notebook):
    code, _ = notebook
    expected = ast.dump(ast.parse(without_comments(
        code.replace("import tensorflow as tf", "import fasttape as tf"))))
    actual = ast.dump(ast.parse(without_comments(EXAMPLE.read_text(encoding="utf-8"))))
    assert actual == expected


def test_example_prints_the_notebook_outputs(notebook):
    _, outputs = notebook
    expected = [re.sub(r"\btf\.", "fasttape.", line) for line in outputs]
    # the checkout first on the path, as for the suite itself (installed or not)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p])}
    run = subprocess.run([sys.executable, str(EXAMPLE)], capture_output=True, text=True,
                         cwd=ROOT, timeout=120, env=env)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines() == expected
