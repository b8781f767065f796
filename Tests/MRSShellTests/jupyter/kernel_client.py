#!/usr/bin/env python3
"""Drives `mrs kernel` with the real Jupyter client (jupyter_client, nbclient).

usage: kernel_client.py MRS_BINARY kernel
       kernel_client.py MRS_BINARY lesson NOTEBOOK.ipynb WORKDIR

Installs the kernel spec into a temporary Jupyter data directory with `mrs kernel install`,
then checks one behaviour after another; prints what was wrong and exits 1 on the first failure.
"""
import base64
import io
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

TIMEOUT = 60


class Failure(Exception):
    pass


def check(condition, message):
    if not condition:
        raise Failure(message)


def install(binary, data_dir):
    out = subprocess.run([binary, "kernel", "install", "--dir", data_dir], capture_output=True, text=True)
    check(out.returncode == 0, f"mrs kernel install failed: {out.stderr}")
    spec = json.load(open(os.path.join(data_dir, "kernels", "mrs", "kernel.json")))
    check(spec["argv"][1:] == ["kernel", "-f", "{connection_file}"], f"kernel.json argv {spec['argv']}")
    os.environ["JUPYTER_PATH"] = data_dir


def execute(kc, code):
    """Runs a cell; returns (reply content, iopub messages of that cell)."""
    msg_id = kc.execute(code)
    reply = kc.get_shell_msg(timeout=TIMEOUT)
    while reply["parent_header"].get("msg_id") != msg_id:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
    return reply["content"], drain(kc, msg_id)


def drain(kc, msg_id):
    """The iopub messages of a request, up to its idle status."""
    seen = []
    while True:
        m = kc.get_iopub_msg(timeout=TIMEOUT)
        if m["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(m)
        if m["msg_type"] == "status" and m["content"]["execution_state"] == "idle":
            return seen


def is_complete(kc, code):
    msg_id = kc.is_complete(code)
    while True:
        reply = kc.get_shell_msg(timeout=TIMEOUT)
        if reply["parent_header"].get("msg_id") == msg_id:
            return reply["content"]


def of_type(msgs, t):
    return [m["content"] for m in msgs if m["msg_type"] == t]


def scenario_kernel(binary, tmp):
    from jupyter_client import KernelManager
    from PIL import Image
    install(binary, os.path.join(tmp, "jupyter"))
    km = KernelManager(kernel_name="mrs")
    km.start_kernel(cwd=tmp)
    try:
        kc = km.client()
        kc.start_channels()
        kc.wait_for_ready(timeout=TIMEOUT)
        info = kc.kernel_info(reply=True, timeout=TIMEOUT)["content"]
        check(info["language_info"]["name"] == "mrs", f"kernel_info {info}")

        # Output streams, the final value is the result.
        reply, msgs = execute(kc, "x = 41\nprint(x + 1)\nx")
        check(reply["status"] == "ok", f"execute reply {reply}")
        text = "".join(c["text"] for c in of_type(msgs, "stream") if c["name"] == "stdout")
        check(text == "42\n", f"stream said {text!r}")
        results = of_type(msgs, "execute_result")
        check(results and results[0]["data"]["text/plain"] == "41", f"execute_result {results}")

        # Every picture of a cell is a display_data PNG.
        reply, msgs = execute(kc, 'snapshot(reshape(arange(12), [4, 3]), "a.png")\nplot(arange(5), "b.png")')
        shown = of_type(msgs, "display_data")
        check(len(shown) == 2, f"{len(shown)} display_data messages for two pictures")
        img = Image.open(io.BytesIO(base64.b64decode(shown[0]["data"]["image/png"])))
        check(img.size == (4, 3), f"the snapshot PNG is {img.size}")
        check(open(os.path.join(tmp, "a.png"), "rb").read() == base64.b64decode(shown[0]["data"]["image/png"]),
              "display_data differs from the file written")

        # :show draws an array in the notebook too; help is a whole-cell command.
        reply, msgs = execute(kc, ":show ones([4, 4])")
        check(len(of_type(msgs, "display_data")) == 1, f":show gave {[m['msg_type'] for m in msgs]}")
        reply, msgs = execute(kc, "help fft")
        text = "".join(c["text"] for c in of_type(msgs, "stream"))
        check("fft(" in text, f"help fft said {text!r}")

        # Completion of a header field, from the same registry and values as the REPL.
        execute(kc, 'a = {head: {idx: {slice: 1, set: 0}, flags: 3}}')
        code = "a.head.idx.sl"
        c = kc.complete(code, len(code), reply=True, timeout=TIMEOUT)["content"]
        check(c["matches"] == ["slice"] and c["cursor_start"] == len(code) - 2, f"complete_reply {c}")
        c = kc.complete("ff", 2, reply=True, timeout=TIMEOUT)["content"]
        check("fft" in c["matches"], f"complete_reply for ff: {c}")

        # Inspection is help.
        c = kc.inspect("y = ifft(k)", 6, reply=True, timeout=TIMEOUT)["content"]
        check(c["found"] and "ifft(" in c["data"]["text/plain"], f"inspect_reply {c}")

        # An error is reported in mrs's format with its line; the session goes on.
        reply, msgs = execute(kc, "y = 1\nz = nosuch + 1")
        check(reply["status"] == "error", f"execute reply for an error {reply}")
        tb = "\n".join(reply["traceback"])
        check(":2:" in tb and "nosuch" in tb, f"the error does not name line 2: {tb!r}")
        check(of_type(msgs, "error"), "no error message on iopub")

        # Multi-line blocks.
        c = is_complete(kc, "for i in range(3)\n  print(i)")
        check(c["status"] == "incomplete", f"is_complete of an open block: {c}")
        c = is_complete(kc, "for i in range(3)\n  print(i)\nend")
        check(c["status"] == "complete", f"is_complete of a closed block: {c}")

        # Interrupt a long loop (SIGINT, then interrupt_request on control): the cell stops,
        # variables stay.
        execute(kc, "keep = 7")
        for how in ("signal", "message"):
            msg_id = kc.execute("i = 0\nwhile true\n  i += 1\nend")
            # Wait until the cell is running, then interrupt.
            while True:
                m = kc.get_iopub_msg(timeout=TIMEOUT)
                if m["parent_header"].get("msg_id") == msg_id and m["msg_type"] == "execute_input":
                    break
            time.sleep(0.3)
            if how == "signal":
                km.interrupt_kernel()
            else:
                kc.control_channel.send(kc.session.msg("interrupt_request"))
                r = kc.control_channel.get_msg(timeout=TIMEOUT)
                check(r["msg_type"] == "interrupt_reply", f"control answered {r['msg_type']}")
            reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
            check(reply["status"] == "error" and reply["ename"] == "Interrupted", f"interrupted ({how}) reply {reply}")
            drain(kc, msg_id)
            reply, msgs = execute(kc, "[keep, i > 0]")
            results = of_type(msgs, "execute_result")
            check(results and results[0]["data"]["text/plain"] == "[7, true]", f"after the interrupt ({how}): {results} {reply}")

        # Protocol errors are logged, never fatal: a bad signature, an unknown type.
        session = kc.session
        bad = session.msg("kernel_info_request")
        kc.shell_channel.socket.send_multipart([b"<IDS|MSG>", b"0" * 64] +
                                               [session.pack(p) for p in (bad["header"], {}, {}, {})])
        kc.shell_channel.socket.send_multipart([b"garbage"])
        kc.shell_channel.send(session.msg("no_such_request"))
        reply = kc.get_shell_msg(timeout=TIMEOUT)["content"]
        check(reply["status"] == "error", f"unknown request answered {reply}")
        reply, msgs = execute(kc, "keep")
        check(of_type(msgs, "execute_result")[0]["data"]["text/plain"] == "7", "the kernel lost its state after bad messages")

        # Restart: a fresh session.
        km.restart_kernel(now=False)
        kc.wait_for_ready(timeout=TIMEOUT)
        reply, msgs = execute(kc, "keep")
        check(reply["status"] == "error", f"keep survived a restart: {reply}")
        kc.stop_channels()
    finally:
        km.shutdown_kernel(now=False)
    check(not km.is_alive(), "the kernel is still alive after shutdown")


def scenario_lesson(binary, tmp, notebook, workdir):
    import nbformat
    from nbclient import NotebookClient
    install(binary, os.path.join(tmp, "jupyter"))
    nb = nbformat.read(notebook, as_version=4)
    nbformat.validate(nb)
    NotebookClient(nb, timeout=300, kernel_name="mrs", resources={"metadata": {"path": workdir}}).execute()
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    check(not errors, f"errors while running the notebook: {errors}")
    pictures = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", [])
                if o.output_type == "display_data" and "image/png" in o.data]
    check(pictures, "the lesson showed no pictures")


def main():
    binary, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="mrs-kernel-")
    try:
        if name == "kernel":
            scenario_kernel(binary, tmp)
        else:
            scenario_lesson(binary, tmp, sys.argv[3], sys.argv[4])
        return 0
    except Failure as f:
        print(f"kernel scenario '{name}' failed: {f}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
