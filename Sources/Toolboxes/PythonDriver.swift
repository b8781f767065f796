/// The Python program that runs a snippet for `PythonBridge`. It reads `inputs.json` from the
/// scratch folder given as its argument (values as tagged JSON nodes, arrays as `.npy` files),
/// runs `snippet.py` with those names defined, and writes `outputs.json` (and `.npy` files) or,
/// when the snippet fails, `error.json` with the exception's type, module and traceback.
///
/// Tagged nodes: `["n"]` none, `["b", true]`, `["i", "12"]`, `["f", "1.5"]` (text, so nan and inf
/// survive), `["c", re, im]`, `["s", text]`, `["a", file]`, `["l", [nodes]]`, `["d", [[key, node]]]`.
enum PythonDriver {
    static let source = #"""
import json, os, sys, traceback, linecache, textwrap, types, keyword

folder = sys.argv[1]
SNIPPET = "<python snippet>"

def write_json(name, obj):
    with open(os.path.join(folder, name), "w") as f:
        json.dump(obj, f)

def fail(kind, exc=None, message=None, tb=None, module=None):
    write_json("error.json", {"type": kind, "message": message if message is not None else str(exc),
                              "module": module, "traceback": tb or ""})
    sys.exit(3)

try:
    import numpy as np
except ImportError as e:
    fail("NumPyMissing", message=str(e), module="numpy")

def decode(node):
    tag = node[0]
    if tag == "n": return None
    if tag == "b": return bool(node[1])
    if tag == "i": return int(node[1])
    if tag == "f": return float(node[1])
    if tag == "c": return complex(float(node[1]), float(node[2]))
    if tag == "s": return node[1]
    if tag == "a": return np.load(os.path.join(folder, node[1]))
    if tag == "l": return [decode(x) for x in node[1]]
    if tag == "d": return {k: decode(v) for k, v in node[1]}
    raise ValueError("unknown node " + repr(tag))

class Unsupported(Exception):
    pass

counter = [0]
def encode(value, where):
    if value is None: return ["n"]
    if isinstance(value, (bool, np.bool_)): return ["b", bool(value)]
    if isinstance(value, (int, np.integer)):
        v = int(value)
        if not -2**63 <= v < 2**63:
            raise Unsupported("%s is the integer %d, beyond mrs's 64-bit integers" % (where, v))
        return ["i", str(v)]
    if isinstance(value, (float, np.floating)): return ["f", repr(float(value))]
    if isinstance(value, (complex, np.complexfloating)):
        c = complex(value)
        return ["c", repr(c.real), repr(c.imag)]
    if isinstance(value, str): return ["s", value]
    if isinstance(value, np.ndarray):
        kind = value.dtype.kind
        if kind not in "biufc":
            raise Unsupported("%s is a NumPy array of dtype %s; mrs holds bool, integer, float and complex arrays" % (where, value.dtype))
        if kind == "f" and value.dtype.itemsize > 8: value = value.astype(np.float64)
        if kind == "c" and value.dtype.itemsize > 16: value = value.astype(np.complex128)
        name = "out%d.npy" % counter[0]
        counter[0] += 1
        np.save(os.path.join(folder, name), value, allow_pickle=False)
        return ["a", name]
    if isinstance(value, (list, tuple)):
        return ["l", [encode(v, "%s[%d]" % (where, i)) for i, v in enumerate(value)]]
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if not isinstance(k, str):
                raise Unsupported("%s has the key %r; mrs records have string keys" % (where, k))
            items.append([k, encode(v, "%s[%r]" % (where, k))])
        return ["d", items]
    raise Unsupported("%s is a %s, which mrs cannot hold (give arrays, numbers, strings, lists or dicts)" % (where, type(value).__name__))

with open(os.path.join(folder, "inputs.json")) as f:
    request = json.load(f)
names = {}
for name, node in request["inputs"]:
    if not name.isidentifier() or keyword.iskeyword(name):
        fail("BadName", message="%r cannot be a Python variable name" % name)
    names[name] = decode(node)
with open(os.path.join(folder, "snippet.py")) as f:
    code = textwrap.dedent(f.read())
# In a script the snippet often starts right after the quote and continues indented under the
# call: `python('import numpy as np` / `    y = ...')`. When the dedented text does not parse
# for its indentation, the lines after the first are dedented on their own.
try:
    compiled = compile(code, SNIPPET, "exec")
except IndentationError:
    first, _, rest = code.partition("\n")
    try:
        compiled = compile(first + "\n" + textwrap.dedent(rest), SNIPPET, "exec")
        code = first + "\n" + textwrap.dedent(rest)
    except SyntaxError:
        compiled = None
except SyntaxError:
    compiled = None
linecache.cache[SNIPPET] = (len(code), None, code.splitlines(True), SNIPPET)

scope = {"__name__": "__main__", "__builtins__": __builtins__}
scope.update(names)
given = {k: id(v) for k, v in scope.items()}
try:
    exec(compiled if compiled is not None else compile(code, SNIPPET, "exec"), scope)
except BaseException as e:
    tb = e.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != SNIPPET:
        tb = tb.tb_next
    if isinstance(e, SyntaxError):
        text = "".join(traceback.format_exception_only(type(e), e))
    else:
        text = "".join(traceback.format_exception(type(e), e, tb))
    module = getattr(e, "name", None) if isinstance(e, ImportError) else None
    fail(type(e).__name__, exc=e, tb=text, module=module)

wanted = request.get("outputs")
result = []
try:
    if wanted is None:
        for k, v in scope.items():
            if k.startswith("_") or given.get(k) == id(v):
                continue
            if isinstance(v, (types.ModuleType, types.FunctionType, types.BuiltinFunctionType, type)):
                continue
            try:
                result.append([k, encode(v, k)])
            except Unsupported:
                pass
    else:
        for k in wanted:
            if k not in scope:
                defined = sorted(n for n in scope if not n.startswith("_") and n not in ("__builtins__",))
                raise Unsupported("the snippet defined no variable %r (it has: %s)" % (k, ", ".join(defined) or "nothing"))
            result.append([k, encode(scope[k], k)])
except Unsupported as e:
    fail("Unsupported", message=str(e))
sys.stdout.flush()
write_json("outputs.json", {"values": result})
"""#
}
