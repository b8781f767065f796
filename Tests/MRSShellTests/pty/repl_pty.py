#!/usr/bin/env python3
"""Drives the real `mrs` binary through a pseudo-terminal, as a person would type.

usage: repl_pty.py MRS_BINARY SCENARIO

Each scenario is one function below. It exits 0 when every expectation held; otherwise it
prints what was expected and the terminal output seen so far, and exits 1. Waits are on
output (pexpect), never on fixed sleeps, with generous timeouts for slow CI machines.
"""
import os
import re
import shutil
import sys
import tempfile
import time

import pexpect

import terminal_pictures

TIMEOUT = 60          # seconds for any single expectation
PROMPT = "mrs> "
MORE = "...> "


class Failure(Exception):
    pass


LIVE = []   # shells started by the running scenario, for the transcript on failure


def settle():
    """Waits until the line editor is surely reading. libedit draws the prompt before it puts
    the terminal in raw mode and blocks in read(): a Ctrl-D typed in between is taken by the
    cooked terminal and lost, and a Ctrl-C is only noticed at the next key. Nothing on the screen
    marks the moment, so control keys sent at a fresh prompt wait a little first (a person
    never types that fast)."""
    time.sleep(0.3)


class Shell:
    """One running `mrs` on a pty, with helpers that fail with the transcript."""

    def __init__(self, binary, cwd, env_extra=None, color=False):
        env = dict(os.environ)
        env["TERM"] = "xterm"
        env["HOME"] = cwd
        env["MRS_HISTORY"] = os.path.join(cwd, "history")
        env.pop("NO_COLOR", None)
        if not color:
            env["NO_COLOR"] = "1"
        env.update(env_extra or {})
        self.child = pexpect.spawn(binary, [], cwd=cwd, env=env, encoding="utf-8",
                                   timeout=TIMEOUT, dimensions=(40, 120))
        self.transcript = []
        self.child.logfile_read = self
        LIVE.append(self)

    # pexpect logs what it reads here
    def write(self, text):
        self.transcript.append(text)

    def flush(self):
        pass

    def seen(self):
        return "".join(self.transcript)

    def expect(self, pattern, timeout=TIMEOUT, what=None):
        try:
            self.child.expect(pattern, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise Failure(f"expected {what or repr(pattern)}; got {type(e).__name__}")
        return self.child.match

    def expect_exact(self, text, timeout=TIMEOUT):
        try:
            self.child.expect_exact(text, timeout=timeout)
        except (pexpect.TIMEOUT, pexpect.EOF) as e:
            raise Failure(f"expected {text!r}; got {type(e).__name__}")

    def prompt(self):
        self.expect_exact(PROMPT)

    def run(self, line):
        """Types a line and waits for the next main prompt; returns what was printed between."""
        self.child.send(line + "\r")
        self.expect_exact(line)
        self.prompt()
        return self.child.before

    def finish(self):
        settle()
        self.child.sendeof()
        self.expect(pexpect.EOF, what="end of the process after Ctrl-D")
        self.child.close()
        if self.child.exitstatus != 0:
            raise Failure(f"exit status {self.child.exitstatus} after Ctrl-D")


def check(condition, message):
    if not condition:
        raise Failure(message)


def scenario_multiline_for(binary, tmp):
    sh = Shell(binary, tmp)
    sh.expect(r"mrs \d+\.\d+\.\d+ .*help", what="the banner")
    sh.prompt()
    out = sh.run("total = 0")
    check(out.strip() == "", f"an assignment printed {out!r}")
    sh.child.send("for i in range(4)\r")
    sh.expect_exact(MORE)
    sh.child.send("  total += i\r")
    sh.expect_exact(MORE)
    sh.child.send("end\r")
    sh.prompt()
    out = sh.run("total")
    check(out == "\r\n6\r\n", f"total printed {out!r}, wanted exactly one line '6' (no stray blank lines)")
    sh.finish()


def scenario_tab_field(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.run("r = {head: {idx: {slice: 1}}, flags: 3}")
    # One candidate: Tab inserts it.
    sh.child.send("r.head.idx.\t")
    sh.expect_exact("slice")
    sh.child.send("\r")
    sh.expect(r"\r\n1\r\n", what="the value 1 of r.head.idx.slice")
    sh.prompt()
    # Several candidates: Tab lists them, the line is redrawn.
    sh.child.send("r.\t")
    sh.expect(r"head\s+flags|flags\s+head", what="the fields of r listed")
    sh.child.send("f\t\r")
    sh.expect(r"\r\n3\r\n", what="the value 3 of r.flags")
    sh.prompt()
    sh.finish()


def scenario_tab_path(binary, tmp):
    os.makedirs(os.path.join(tmp, "datasets"))
    open(os.path.join(tmp, "datasets", "epi_r1.h5"), "w").close()
    sh = Shell(binary, tmp)
    sh.prompt()
    # libedit redraws only what Tab inserted.
    sh.child.send('p = "datas\t')
    sh.expect_exact("ets/")
    sh.child.send("ep\t")
    sh.expect_exact("i_r1.h5")
    sh.child.send('"\r')
    sh.prompt()
    out = sh.run("p")
    check(out == '\r\n"datasets/epi_r1.h5"\r\n', f"p is {out!r}")
    sh.finish()


def scenario_history_prefix(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.run("40 + 1")
    sh.run("40 + 2")
    sh.run("6 * 7")
    sh.run("6 * 7")               # an adjacent duplicate is not stored again
    sh.child.send("for i in range(2)\r")
    sh.expect_exact(MORE)
    sh.child.send("end\r")
    sh.prompt()
    sh.finish()
    text = open(os.path.join(tmp, "history"), encoding="utf-8").read()
    check("40\\040+\\0402\n" in text, f"history file lacks the entry '40 + 2': {text!r}")
    check(text.count("6\\040*\\0407\n") == 1, f"the repeated entry is stored twice: {text!r}")
    check("for\\040i\\040in\\040range(2)\\012end\n" in text, f"the loop is not one history entry: {text!r}")

    # A new session: Up recalls the newest entry starting with what is typed.
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.child.send("40\x1b[A\x1b[A\r")   # Up twice: past '40 + 2' to '40 + 1'
    sh.expect(r"\r\n41\r\n", what="41 from the recalled '40 + 1'")
    sh.prompt()
    sh.child.send("6\x1b[A\r")
    sh.expect(r"\r\n42\r\n", what="42 from the recalled '6 * 7'")
    sh.prompt()
    sh.finish()


def scenario_ctrl_c_loop(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.run("keep = 7")
    sh.run("n = 0")
    sh.child.send('while true n += 1; if n == 1000 print("running") end end\r')
    sh.expect(r"running\r\n", what="the loop to start")
    started = time.monotonic()
    sh.child.sendintr()
    sh.expect("interrupted", what="the interruption message")
    sh.prompt()
    elapsed = time.monotonic() - started
    check(elapsed < 10, f"the loop took {elapsed:.1f} s to stop")
    out = sh.run("[keep, n > 1000]")
    check("[7, true]" in out, f"variables after the interruption: {out!r}")
    # A long built-in stops too.
    sh.child.send('print("sleeping"); sleep(60)\r')
    sh.expect(r"sleeping\r\n", what="sleep to start")
    started = time.monotonic()
    sh.child.sendintr()
    sh.expect("interrupted", what="the interruption message")
    sh.prompt()
    elapsed = time.monotonic() - started
    check(elapsed < 10, f"sleep(60) took {elapsed:.1f} s to stop")
    out = sh.run("keep + 1")
    check("8" in out, f"keep + 1 gave {out!r}")
    sh.finish()




def scenario_ctrl_c_toolbox(binary, tmp):
    """Ctrl-C on the terminal while a Python snippet runs: the terminal's SIGINT reaches mrs and
    the child; the shell says "interrupted", keeps its variables and leaves no scratch folder."""
    scratch = os.path.join(tmp, "scratch")
    os.mkdir(scratch)
    sh = Shell(binary, tmp, env_extra={"TMPDIR": scratch})
    sh.prompt()
    sh.run("keep = 7")
    sh.child.send("python('import time\\nprint(\"sleeping\", flush=True)\\ntime.sleep(60)')\r")
    sh.expect(r"sleeping\r\n", what="the snippet to start")
    started = time.monotonic()
    sh.child.sendintr()
    sh.expect("interrupted", what="the interruption message")
    sh.prompt()
    elapsed = time.monotonic() - started
    check(elapsed < 10, f"the snippet took {elapsed:.1f} s to stop")
    check(os.listdir(scratch) == [], f"scratch folder left behind: {os.listdir(scratch)}")
    out = sh.run("python('y = x + 1', x=keep, out='y')")
    check("8" in out, f"a snippet after the interruption printed {out!r}")
    sh.finish()


def scenario_ctrl_c_prompt(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.child.send("some text")
    sh.expect_exact("some text")
    settle()
    sh.child.sendintr()
    sh.prompt()
    # Repeated Ctrl-C at an idle prompt never ends the shell.
    for _ in range(3):
        settle()
        sh.child.sendintr()
        sh.prompt()
    # In a continuation, Ctrl-C drops the unfinished statement.
    sh.child.send("for i in range(3)\r")
    sh.expect_exact(MORE)
    settle()
    sh.child.sendintr()
    sh.prompt()
    out = sh.run("1 + 1")
    check(out == "\r\n2\r\n", f"1 + 1 printed {out!r} (the discarded text must not be part of it)")
    sh.finish()


def scenario_help(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    out = sh.run("help")
    check("core" in out and "arrays" in out and ":help" in out, f"help printed {out!r}")
    out = sh.run("?len")
    check("len(x)" in out and "Example:" in out, f"?len printed {out!r}")
    out = sh.run("help range")
    check("range(start" in out, f"help range printed {out!r}")
    out = sh.run('help "stopwatch"')
    check("tic" in out, f'help "stopwatch" printed {out!r}')
    sh.finish()


def scenario_error_then_success(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.run("a = 2")
    out = sh.run("a + nosuch")
    check("REPL[2]:1:5: error: undefined variable 'nosuch'" in out, f"error printed {out!r}")
    check(re.search(r"\r\n\s+\^", out) is not None, f"no caret under the error: {out!r}")
    out = sh.run("a * 21")
    check(out == "\r\n42\r\n", f"a * 21 printed {out!r}")
    sh.finish()


def scenario_home_end_delete(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    # "2 * 3", Home, "1 + ", End, " + 4" (xterm's CSI H and CSI F): 1 + 2 * 3 + 4.
    def keys(text):
        sh.child.send(text + "\r")
        sh.prompt()
        return sh.child.before
    out = keys("2 * 3" + "\x1b[H" + "1 + " + "\x1b[F" + " + 4")
    check("\r\n11\r\n" in out, f"Home/End did not move the cursor: {out!r}")
    # VT220's ESC [1~ (Home), ESC [3~ (Delete) and ESC [4~ (End): "1234" becomes "234 + 1".
    out = keys("1234" + "\x1b[1~" + "\x1b[3~" + "\x1b[4~" + " + 1")
    check("\r\n235\r\n" in out, f"Home/Delete/End (VT220) did not edit the line: {out!r}")
    check("~" not in out, f"a key typed '~': {out!r}")
    sh.finish()


def scenario_utf8(binary, tmp):
    sh = Shell(binary, tmp, env_extra={"LANG": "C.UTF-8", "LC_ALL": ""})
    sh.prompt()
    sh.run('s = "café ∑"')
    out = sh.run("[len(s), s]")
    check(out == '\r\n[6, "café ∑"]\r\n', f"the UTF-8 string came back as {out!r}")
    sh.finish()


def scenario_colour(binary, tmp):
    sh = Shell(binary, tmp, color=True)
    sh.prompt()
    out = sh.run("nosuch")
    check("\x1b[" in out, f"no colour in the error on a terminal: {out!r}")
    sh.finish()
    sh = Shell(binary, tmp)   # NO_COLOR set
    sh.prompt()
    out = sh.run("nosuch")
    check("\x1b[" not in out, f"colour despite NO_COLOR: {out!r}")
    sh.finish()


# A small picture with few grey levels: the sixel palette holds every colour exactly.
PICTURE = 'snapshot(reshape(arange(48) % 6, [8, 6]), "p.png", zoom=2)'


def picture_shell(binary, tmp, env):
    sh = Shell(binary, tmp, env_extra=env, color=True)
    sh.prompt()
    out = sh.run(PICTURE)
    with open(os.path.join(tmp, "p.png"), "rb") as f:
        png = f.read()
    return sh, out, png


def scenario_picture_kitty(binary, tmp):
    sh, out, png = picture_shell(binary, tmp, {"KITTY_WINDOW_ID": "1", "TERM": "xterm-kitty"})
    check(terminal_pictures.kitty_png(out) == png, "the kitty payload is not the PNG that was written")
    sh.finish()


def scenario_picture_iterm(binary, tmp):
    sh, out, png = picture_shell(binary, tmp, {"TERM_PROGRAM": "iTerm.app"})
    check(terminal_pictures.iterm_png(out) == png, "the iTerm2 payload is not the PNG that was written")
    # :show draws an array without naming a file.
    out = sh.run(":show ones([4, 4])")
    check(len(terminal_pictures.iterm_png(out)) > 0, f":show drew nothing: {out!r}")
    sh.finish()


def scenario_picture_sixel(binary, tmp):
    from PIL import Image
    sh, out, _ = picture_shell(binary, tmp, {"MRS_IMAGES": "sixel"})
    w, h, rows = terminal_pictures.sixel_pixels(out)
    img = Image.open(os.path.join(tmp, "p.png")).convert("RGB")
    check((w, h) == img.size, f"sixel size {w}x{h}, PNG {img.size}")
    for y in range(h):
        for x in range(w):
            want, got = img.getpixel((x, y)), rows[y][x]
            # sixel colours are percentages: 0…255 comes back within 1.3
            check(got is not None and all(abs(a - b) <= 2 for a, b in zip(want, got)),
                  f"pixel ({x}, {y}) is {got}, the PNG has {want}")
    sh.finish()


def scenario_picture_off(binary, tmp):
    # NO_COLOR, :images off, and a pipe all keep pictures away.
    sh = Shell(binary, tmp, env_extra={"KITTY_WINDOW_ID": "1"})   # NO_COLOR set
    sh.prompt()
    out = sh.run(PICTURE)
    check("\x1b_G" not in out, f"a picture despite NO_COLOR: {out!r}")
    sh.finish()
    sh = Shell(binary, tmp, env_extra={"KITTY_WINDOW_ID": "1"}, color=True)
    sh.prompt()
    out = sh.run(":images off")
    check("not shown" in out, f":images off said {out!r}")
    out = sh.run(PICTURE)
    check("\x1b_G" not in out, f"a picture after :images off: {out!r}")
    sh.finish()
    env = dict(os.environ, MRS_IMAGES="kitty", KITTY_WINDOW_ID="1")
    piped = pexpect.run(f"/bin/sh -c 'echo {PICTURE!r} | {binary} | cat'", cwd=tmp, env=env, encoding="utf-8")
    check("\x1b_G" not in piped and "\x1b]1337" not in piped, f"a picture on a pipe: {piped!r}")


def scenario_ctrl_d(binary, tmp):
    sh = Shell(binary, tmp)
    sh.prompt()
    sh.run("x = 1")
    sh.finish()   # checks the exit status is 0


SCENARIOS = {name[len("scenario_"):]: f for name, f in globals().items() if name.startswith("scenario_")}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in SCENARIOS:
        print(f"usage: {sys.argv[0]} MRS_BINARY {{{'|'.join(SCENARIOS)}}}", file=sys.stderr)
        return 2
    binary, name = os.path.abspath(sys.argv[1]), sys.argv[2]
    tmp = tempfile.mkdtemp(prefix="mrs-pty-")
    try:
        SCENARIOS[name](binary, tmp)
        return 0
    except (Failure, ValueError) as f:
        print(f"pty scenario '{name}' failed: {f}", file=sys.stderr)
        if LIVE:
            print("terminal output of the last shell:\n" + repr(LIVE[-1].seen()), file=sys.stderr)
        return 1
    finally:
        for shell in LIVE:
            if shell.child.isalive():
                shell.child.terminate(force=True)
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
