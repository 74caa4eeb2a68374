"""The step's modules import each other without a cycle, lazy (function-level) imports included:
a cycle worked only by the order of imports at run time (cli → job → batch → cli, issue 28)."""

import ast
import os

PACKAGE = os.path.join(os.path.dirname(__file__), "..", "trends_step")


def imports(source):
    """The trends_step modules a module's source imports, at any depth of the tree."""
    out = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            out.update([node.module] if node.module else [a.name for a in node.names])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("trends_step."):
            out.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            out.update(a.name.split(".")[1] for a in node.names if a.name.startswith("trends_step."))
    return out


def graph():
    g = {}
    for name in sorted(os.listdir(PACKAGE)):
        if name.endswith(".py") and name != "__init__.py":
            with open(os.path.join(PACKAGE, name), encoding="utf-8") as f:
                g[name[:-3]] = imports(f.read())
    return g


def cycle(g):
    """One import cycle as a list of modules, or None."""
    state = {}

    def visit(m, path):
        state[m] = "open"
        for n in sorted(g.get(m, ())):
            if state.get(n) == "open":
                return [*path[path.index(n) :], n]
            if n not in state and (found := visit(n, [*path, n])):
                return found
        state[m] = "done"
        return None

    for m in g:
        if m not in state and (found := visit(m, [m])):
            return found
    return None


def test_the_step_runtime_has_no_import_cycle():
    g = graph()
    assert {"cli", "job", "batch", "errors"} <= g.keys()
    assert cycle(g) is None, " → ".join(cycle(g))


def test_the_check_finds_a_cycle_through_a_lazy_import():
    lazy = "def main():\n    from .job import run\n"
    assert imports(lazy) == {"job"}
    assert cycle({"cli": imports(lazy), "job": {"batch"}, "batch": {"cli"}}) == ["cli", "job", "batch", "cli"]
