"""Every warning and refusal code the product can produce, read from its source without running it.

A code reaches the person in one of two ways: as a ``ReviewWarning(code, severity, message)`` (a
review's warnings or refusals, shown on the device, printed by the CLI, in ``--review-json``), or
as the ``code`` of an exception that carries one (``BtcRefusal`` and its subclasses). Codes are
written in many shapes: a literal, a module constant, a constant imported from another module, a
local variable set by a conditional, or an argument handed through a helper (``_Findings.refuse``,
``_Out.add``) that builds the ReviewWarning itself. So the scan works on the syntax tree:

1. Sinks. ``ReviewWarning`` (found by its shape, wherever it lives: a dataclass whose first fields
   are ``code`` and ``severity``) is a sink: its first argument (or ``code=``) is a code and its
   second (or ``severity=``) a severity. So is every class with a class-level ``code = "..."`` and every
   subclass of one: the ``code`` parameter of its ``__init__``, else the class's own default.
   Then, to a fixed point: a function or method that passes one of its own parameters into a
   sink's code becomes a sink too, at that parameter (and likewise for the severity).
2. Calls. Every call in ``signer/``, ``ui/`` and ``app/`` is resolved to a sink by name: a local
   definition, an import (followed through re-exports), a module attribute, or a method on a
   receiver whose class is known (``self``, a parameter annotated with the class, a local
   assigned from the constructor). A call of a sink's method name on a receiver of unknown class
   with a code-shaped string (``self.out.add("fee-high", ...)``) is reported, not skipped.
3. Values. The code argument is evaluated to the set of strings it can take: literals, constants
   (local, module-level or imported), members of a class or enum (``Code.FEE_HIGH``), both branches
   of ``a if c else b``, and every assignment to a local variable. A severity is a member of
   ``Severity`` (read from its class body, like any enum). A ReviewWarning built straight into
   ``refusals.append(...)`` (or a sink that does so) is a refusal. Anything else is reported as
   unresolved, so a code written in a shape this scan cannot read fails the docs test instead of
   being skipped silently. The only exception is ``x.code`` / ``x.severity``: a code handed on
   from another review, already counted where it was made.
"""

from __future__ import annotations

import ast
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("signer", "ui", "app")
SEVERITIES = ("info", "warn", "danger")  # the values of signer.review.Severity
REFUSED = "refused"
PASSTHROUGH = ("code", "severity")  # attributes that hand on a value made elsewhere
CODE_SHAPE = re.compile(r"[a-z0-9]+(-[a-z0-9]+)+")  # what every code looks like


class Unresolved(Exception):
    """The scan cannot tell which values an expression takes."""


@dataclass(frozen=True)
class Sink:
    """A callable whose call makes a code. Positions count call arguments (``self`` excluded)."""

    code_pos: int | None
    code_kw: str | None
    severity_pos: int | None = None
    severity_kw: str | None = None
    fixed: frozenset[str] = frozenset()  # severities when not taken from an argument
    default_code: str | None = None  # an exception class's own code when none is passed


@dataclass
class Finding:
    code: str
    severity: frozenset[str]
    where: str  # path:line


@dataclass
class Scan:
    findings: list[Finding] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    def codes(self) -> dict[str, set[str]]:
        """code -> every severity it is raised with (``refused`` for refusals)."""
        out: dict[str, set[str]] = {}
        for f in self.findings:
            out.setdefault(f.code, set()).update(f.severity)
        return out

    def places(self, code: str) -> list[str]:
        return [f.where for f in self.findings if f.code == code]


@dataclass
class _Module:
    name: str
    path: Path
    tree: ast.Module
    constants: dict[str, ast.expr] = field(default_factory=dict)
    imports: dict[str, tuple[str, str | None]] = field(default_factory=dict)  # alias -> (module, name)
    functions: dict[str, ast.FunctionDef] = field(default_factory=dict)  # qualname -> def
    classes: dict[str, ast.ClassDef] = field(default_factory=dict)


def _module_name(path: Path, root: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _load(root: Path, packages: tuple[str, ...]) -> dict[str, _Module]:
    modules: dict[str, _Module] = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            name = _module_name(path, root)
            tree = ast.parse(path.read_text(), filename=str(path))
            mod = _Module(name, path, tree)
            for node in tree.body:
                _index_top(mod, node)
            modules[name] = mod
    return modules


def _index_top(mod: _Module, node: ast.stmt) -> None:
    if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
        mod.constants[node.targets[0].id] = node.value
    elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.value is not None:
        mod.constants[node.target.id] = node.value
    elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
        for alias in node.names:
            mod.imports[alias.asname or alias.name] = (node.module, alias.name)
    elif isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                mod.imports[alias.asname] = (alias.name, None)
    elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
        mod.functions[node.name] = node  # type: ignore[assignment]
    elif isinstance(node, ast.ClassDef):
        mod.classes[node.name] = node
        for item in node.body:
            if isinstance(item, ast.FunctionDef | ast.AsyncFunctionDef):
                mod.functions[f"{node.name}.{item.name}"] = item  # type: ignore[assignment]
    elif isinstance(node, ast.If | ast.Try):  # TYPE_CHECKING blocks, optional imports
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.stmt):
                _index_top(mod, child)


Ref = tuple[str, str]  # (module, qualname): a function, a method ("Class.meth") or a class


class _Scanner:
    def __init__(self, modules: dict[str, _Module]) -> None:
        self.modules = modules
        self.sinks: dict[Ref, Sink] = {ref: sink for ref, sink in self._finding_classes()}
        for ref in self._code_classes():
            self.sinks[ref] = self._class_sink(ref)

    # -- names ------------------------------------------------------------------------------------
    def resolve(self, module: str, name: str, depth: int = 0) -> Ref | None:
        """Where ``name`` as seen from ``module`` is defined (following imports and re-exports)."""
        mod = self.modules.get(module)
        if mod is None or depth > 10:
            return None
        if name in mod.functions or name in mod.classes:
            return (module, name)
        if name in mod.imports:
            source, original = mod.imports[name]
            if original is None:
                return None
            if f"{source}.{original}" in self.modules:
                return None  # a submodule, not a definition
            return self.resolve(source, original, depth + 1)
        return None

    def module_alias(self, module: str, name: str) -> str | None:
        mod = self.modules[module]
        if name in mod.imports:
            source, original = mod.imports[name]
            target = source if original is None else f"{source}.{original}"
            if target in self.modules:
                return target
        return None

    def constant(self, module: str, name: str, depth: int = 0) -> ast.expr | None:
        mod = self.modules.get(module)
        if mod is None or depth > 10:
            return None
        if name in mod.constants:
            return mod.constants[name]
        if name in mod.imports and mod.imports[name][1] is not None:
            source, original = mod.imports[name]
            return self.constant(source, original or name, depth + 1)
        return None

    def _bases(self, ref: Ref) -> list[Ref]:
        module, name = ref
        node = self.modules[module].classes[name]
        found = []
        for base in node.bases:
            if isinstance(base, ast.Name):
                target = self.resolve(module, base.id)
            elif isinstance(base, ast.Attribute) and isinstance(base.value, ast.Name):
                alias = self.module_alias(module, base.value.id)
                target = self.resolve(alias, base.attr) if alias else None
            else:
                target = None
            if target is not None and target[1] in self.modules[target[0]].classes:
                found.append(target)
        return found

    def mro(self, ref: Ref) -> Iterator[Ref]:
        seen: set[Ref] = set()
        queue = [ref]
        while queue:
            current = queue.pop(0)
            if current in seen:
                continue
            seen.add(current)
            yield current
            queue += self._bases(current)

    # -- the finding type: a dataclass with ``code`` and ``severity`` fields ---------------------------
    def _finding_classes(self) -> list[tuple[Ref, Sink]]:
        found = []
        for module, mod in self.modules.items():
            for name, node in mod.classes.items():
                fields = [
                    item.target.id
                    for item in node.body
                    if isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name)
                ]
                dataclass = any("dataclass" in ast.unparse(d) for d in node.decorator_list)
                if dataclass and fields[:2] == ["code", "severity"]:
                    found.append(((module, name), Sink(0, "code", 1, "severity")))
        return found

    # -- exception classes that carry a code --------------------------------------------------------
    def _own_code(self, ref: Ref) -> str | None:
        node = self.modules[ref[0]].classes[ref[1]]
        for item in node.body:
            value = None
            if isinstance(item, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "code" for t in item.targets
            ):
                value = item.value
            elif isinstance(item, ast.AnnAssign) and isinstance(item.target, ast.Name):
                value = item.value if item.target.id == "code" else None
            if isinstance(value, ast.Constant) and isinstance(value.value, str):
                return value.value
        return None

    def _code_classes(self) -> list[Ref]:
        refs = [(m, c) for m, mod in self.modules.items() for c in mod.classes]
        return [r for r in refs if any(self._own_code(k) is not None for k in self.mro(r))]

    def _class_sink(self, ref: Ref) -> Sink:
        default = next(c for k in self.mro(ref) if (c := self._own_code(k)) is not None)
        pos = None
        for k in self.mro(ref):
            init = self.modules[k[0]].functions.get(f"{k[1]}.__init__")
            if init is not None:
                params = [a.arg for a in init.args.posonlyargs + init.args.args][1:]
                pos = params.index("code") if "code" in params else None
                break
        keyword = "code" if pos is not None else None
        return Sink(pos, keyword, fixed=frozenset({REFUSED}), default_code=default)

    # -- calls ------------------------------------------------------------------------------------
    def callee(self, call: ast.Call, ctx: _Context) -> Ref | None:
        func = call.func
        if isinstance(func, ast.Name):
            return self.resolve(ctx.module, func.id)
        if not isinstance(func, ast.Attribute):
            return None
        if isinstance(func.value, ast.Name):
            alias = self.module_alias(ctx.module, func.value.id)
            if alias is not None:
                return self.resolve(alias, func.attr)
            cls = ctx.type_of(func.value.id, self)
            if cls is not None:
                for k in self.mro(cls):
                    if f"{k[1]}.{func.attr}" in self.modules[k[0]].functions:
                        return (k[0], f"{k[1]}.{func.attr}")
        return None

    # -- evaluation ---------------------------------------------------------------------------------
    def strings(self, expr: ast.expr, ctx: _Context, depth: int = 0) -> set[str] | None:
        """The strings ``expr`` can be; None for a value handed on from elsewhere (``x.code``)."""
        if depth > 20:
            raise Unresolved("too deep")
        if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
            return {expr.value}
        if isinstance(expr, ast.IfExp):
            a, b = self.strings(expr.body, ctx, depth + 1), self.strings(expr.orelse, ctx, depth + 1)
            return (a or set()) | (b or set()) if a is not None or b is not None else None
        if isinstance(expr, ast.Attribute) and expr.attr in PASSTHROUGH:
            return None
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            alias = self.module_alias(ctx.module, expr.value.id)
            value = self.constant(alias, expr.attr) if alias else None
            if value is not None:
                return self.strings(value, _Context(alias or ctx.module), depth + 1)
            member = self.class_constant(ctx.module, expr.value.id, expr.attr)
            if member is not None:  # a member of a closed vocabulary (an enum of codes)
                return self.strings(member[1], _Context(member[0]), depth + 1)
        if isinstance(expr, ast.Name):
            local = ctx.assignments(expr.id)
            if local:
                out: set[str] = set()
                for value in local:
                    out |= self.strings(value, ctx, depth + 1) or set()
                return out
            value = self.constant(ctx.module, expr.id)
            if value is not None:
                return self.strings(value, _Context(self._home(ctx.module, expr.id)), depth + 1)
        raise Unresolved(ast.unparse(expr))

    def class_constant(self, module: str, name: str, attr: str) -> tuple[str, ast.expr] | None:
        """(module, value) of ``name.attr`` where ``name`` is a class with ``attr = value`` in its body
        (an enum member, a class constant)."""
        ref = self.resolve(module, name)
        if ref is None or ref[1] not in self.modules[ref[0]].classes:
            return None
        for item in self.modules[ref[0]].classes[ref[1]].body:
            if (
                isinstance(item, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == attr for t in item.targets)
            ):
                return ref[0], item.value
        return None

    def severities(self, expr: ast.expr, ctx: _Context, depth: int = 0) -> set[str] | None:
        if depth > 20:
            raise Unresolved("too deep")
        if isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            member = self.class_constant(ctx.module, expr.value.id, expr.attr)
            value = member[1] if member is not None else None
            if isinstance(value, ast.Constant) and value.value in SEVERITIES:
                return {str(value.value)}
        if isinstance(expr, ast.IfExp):
            a, b = self.severities(expr.body, ctx, depth + 1), self.severities(expr.orelse, ctx, depth + 1)
            return (a or set()) | (b or set()) if a is not None or b is not None else None
        if isinstance(expr, ast.Attribute) and expr.attr in PASSTHROUGH:
            return None
        if isinstance(expr, ast.Name):
            local = ctx.assignments(expr.id)
            if local:
                out: set[str] = set()
                for value in local:
                    out |= self.severities(value, ctx, depth + 1) or set()
                return out
        raise Unresolved(ast.unparse(expr))

    def _home(self, module: str, name: str) -> str:
        """The module that defines constant ``name`` as seen from ``module``."""
        mod = self.modules[module]
        if name in mod.constants or name not in mod.imports:
            return module
        source, original = mod.imports[name]
        return self._home(source, original or name) if source in self.modules else module


def _arg(call: ast.Call, pos: int | None, kw: str | None) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == kw:
            return keyword.value
    if pos is not None and pos < len(call.args) and not any(isinstance(a, ast.Starred) for a in call.args):
        return call.args[pos]
    return None


class _Context:
    """Where a call sits: its module, the functions around it (innermost last) and its class."""

    def __init__(self, module: str, functions: tuple[ast.FunctionDef, ...] = (), cls: Ref | None = None):
        self.module, self.functions, self.cls = module, functions, cls

    def assignments(self, name: str) -> list[ast.expr]:
        for fn in reversed(self.functions):
            found = [
                node.value
                for node in ast.walk(fn)
                if isinstance(node, ast.Assign | ast.AnnAssign)
                and node.value is not None
                and any(
                    isinstance(t, ast.Name) and t.id == name
                    for t in (node.targets if isinstance(node, ast.Assign) else [node.target])
                )
            ]
            if found:
                return found
        return []

    def params(self) -> list[str]:
        if not self.functions:
            return []
        args = self.functions[-1].args
        names = [a.arg for a in args.posonlyargs + args.args]
        method = self.cls is not None and len(self.functions) == 1 and names[:1] == ["self"]
        return names[1:] if method else names

    def all_params(self) -> set[str]:
        return {a.arg for fn in self.functions for a in _all_args(fn)}

    def type_of(self, name: str, scanner: _Scanner) -> Ref | None:
        if name == "self" and self.cls is not None:
            return self.cls
        for fn in reversed(self.functions):
            for a in _all_args(fn):
                if a.arg == name and a.annotation is not None:
                    return _annotation_class(a.annotation, self.module, scanner)
        for value in self.assignments(name):
            if isinstance(value, ast.Call) and isinstance(value.func, ast.Name):
                ref = scanner.resolve(self.module, value.func.id)
                if ref is not None and ref[1] in scanner.modules[ref[0]].classes:
                    return ref
        return None


def _all_args(fn: ast.FunctionDef) -> list[ast.arg]:
    return fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs


def _annotation_class(node: ast.expr, module: str, scanner: _Scanner) -> Ref | None:
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        try:
            node = ast.parse(node.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(node, ast.Name):
        ref = scanner.resolve(module, node.id)
        if ref is not None and ref[1] in scanner.modules[ref[0]].classes:
            return ref
    return None


_Site = tuple[ast.Call, "_Context", ast.AST | None]


def _calls(mod: _Module) -> Iterator[_Site]:
    """Every call in the module with its context and its parent node."""

    def visit(node: ast.AST, ctx: _Context, parent: ast.AST | None) -> Iterator[_Site]:
        if isinstance(node, ast.ClassDef) and not ctx.functions:
            inner = _Context(ctx.module, (), (ctx.module, node.name))
            for child in node.body:
                yield from visit(child, inner, node)
            return
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            ctx = _Context(ctx.module, (*ctx.functions, node), ctx.cls)  # type: ignore[arg-type]
        if isinstance(node, ast.Call):
            yield node, ctx, parent
        for child in ast.iter_child_nodes(node):
            yield from visit(child, ctx, node)

    yield from visit(mod.tree, _Context(mod.name), None)


def _is_refusal_append(call: ast.Call, parent: ast.AST | None) -> bool:
    """``refusals.append(<call>)`` or ``self.refusals.append(<call>)``."""
    if not (isinstance(parent, ast.Call) and isinstance(parent.func, ast.Attribute)):
        return False
    if parent.func.attr != "append" or call not in parent.args:
        return False
    target = parent.func.value
    if isinstance(target, ast.Attribute):
        return target.attr == "refusals"
    return isinstance(target, ast.Name) and target.id == "refusals"


def _looks_like_a_sink_call(call: ast.Call, sinks: dict[str, Sink], scanner: _Scanner, ctx: _Context) -> bool:
    """A method call the scan could not resolve (its receiver's class is unknown) that has a sink's
    name and a code-shaped string (``"fee-high"``) where that sink takes its code."""
    if not isinstance(call.func, ast.Attribute) or call.func.attr not in sinks:
        return False
    sink = sinks[call.func.attr]
    code = _arg(call, sink.code_pos, sink.code_kw)
    try:
        values = scanner.strings(code, ctx) if code is not None else None
    except Unresolved:
        return False
    return bool(values) and all(CODE_SHAPE.fullmatch(v) for v in values or ())


def _own_ref(ctx: _Context) -> Ref | None:
    """The function a call sits in, as a sink key; None inside a nested function."""
    if len(ctx.functions) != 1:
        return None
    name = ctx.functions[0].name
    return (ctx.module, f"{ctx.cls[1]}.{name}" if ctx.cls else name)


def scan(root: Path = ROOT, packages: tuple[str, ...] = PACKAGES) -> Scan:
    modules = _load(root, packages)
    scanner = _Scanner(modules)
    calls = [(mod, call, ctx, parent) for mod in modules.values() for call, ctx, parent in _calls(mod)]

    # 1. sinks, to a fixed point: functions that hand a parameter into a sink's code
    changed = True
    while changed:
        changed = False
        for _mod, call, ctx, parent in calls:
            ref = scanner.callee(call, ctx)
            sink = scanner.sinks.get(ref) if ref else None
            if sink is None or not ctx.functions or (sink.code_pos is None and sink.code_kw is None):
                continue
            code = _arg(call, sink.code_pos, sink.code_kw)
            params = ctx.params()
            if not (isinstance(code, ast.Name) and code.id in params and not ctx.assignments(code.id)):
                continue
            own = _own_ref(ctx)
            if own is None or own in scanner.sinks:
                continue
            severity = _arg(call, sink.severity_pos, sink.severity_kw)
            if sink.fixed or _is_refusal_append(call, parent):
                new = Sink(params.index(code.id), code.id, fixed=sink.fixed or frozenset({REFUSED}))
            elif isinstance(severity, ast.Name) and severity.id in params:
                new = Sink(params.index(code.id), code.id, params.index(severity.id), severity.id)
            else:
                fixed = scanner.severities(severity, ctx) if severity is not None else None
                new = Sink(params.index(code.id), code.id, fixed=frozenset(fixed or ()))
            scanner.sinks[own] = new
            changed = True

    # 2. every call of a sink that makes a code (rather than handing one on)
    result = Scan()
    method_sinks = {qual.rsplit(".", 1)[1]: sink for (_, qual), sink in scanner.sinks.items() if "." in qual}
    for mod, call, ctx, parent in calls:
        ref = scanner.callee(call, ctx)
        sink = scanner.sinks.get(ref) if ref else None
        where = f"{mod.path.relative_to(root).as_posix()}:{call.lineno}"
        if sink is None:
            if _looks_like_a_sink_call(call, method_sinks, scanner, ctx):
                result.unresolved.append(f"{where}: {ast.unparse(call)[:80]} (whose method is this?)")
            continue
        code = _arg(call, sink.code_pos, sink.code_kw)
        if code is None and sink.default_code is None:
            result.unresolved.append(f"{where}: {ast.unparse(call)[:80]} (no code argument)")
            continue
        if isinstance(code, ast.Name) and code.id in ctx.all_params() and not ctx.assignments(code.id):
            if _own_ref(ctx) in scanner.sinks:
                continue  # a helper handing its parameter on: counted at its callers
            result.unresolved.append(f"{where}: code {code.id!r} handed in through a nested function")
            continue
        try:
            codes = {sink.default_code} if code is None else scanner.strings(code, ctx)
            if sink.fixed:
                severity: set[str] | None = set(sink.fixed)
            elif _is_refusal_append(call, parent):
                severity = {REFUSED}
            else:
                expr = _arg(call, sink.severity_pos, sink.severity_kw)
                severity = scanner.severities(expr, ctx) if expr is not None else None
        except Unresolved as exc:
            result.unresolved.append(f"{where}: cannot read {exc}")
            continue
        if codes is None:
            continue  # a code handed on from another review (x.code)
        if not severity:
            result.unresolved.append(f"{where}: no severity for {sorted(codes)}")
            continue
        result.findings += [Finding(c, frozenset(severity), where) for c in sorted(c for c in codes if c)]
    return result


def main() -> int:
    found = scan()
    for code, severities in sorted(found.codes().items()):
        print(f"{code:32} {', '.join(sorted(severities)):22} {' '.join(found.places(code))}")
    for problem in found.unresolved:
        print(f"UNRESOLVED {problem}", file=sys.stderr)
    return 1 if found.unresolved else 0


if __name__ == "__main__":
    sys.exit(main())
