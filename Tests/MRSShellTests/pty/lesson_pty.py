"""Lesson mode on a pseudo-terminal, as a student uses it: steps through lesson 1, answers an
exercise wrong and then right, uses :hint, :show and :back, leaves with :quit, comes back (the
lesson continues where it was left, re-running earlier cells), finishes an exercise by :next.

    python3 lesson_pty.py MRS WORKDIR LESSONS_DIR
"""
import os, sys, tempfile
import pexpect

mrs, workdir, lessons = sys.argv[1:4]
state = os.path.join(tempfile.mkdtemp(), "lessons.json")
env = dict(os.environ, MRS_HISTORY="", MRS_LESSON_STATE=state, MRS_LESSONS=lessons, NO_COLOR="1", TERM="xterm")

def start():
    p = pexpect.spawn(mrs, ["lesson", "1"], cwd=workdir, env=env, encoding="utf-8", timeout=60, dimensions=(50, 140))
    p.logfile_read = sys.stdout
    return p

def prompt(p, cell):
    p.expect(r"lesson 1 \[%d/\d+\]> " % cell)

p = start()
prompt(p, 1)
p.sendline("")                       # introduction → next
prompt(p, 2)
p.sendline("")                       # run: open the file (shows the dataset)
p.expect("acquisitions:")
prompt(p, 3)
p.sendline("40 + 2")                 # a command of the student's own in between
p.expect("42")
prompt(p, 3)
p.sendline("")
prompt(p, 4)                         # exercise: how many readouts
p.sendline("n = len(f) - 1")
prompt(p, 4)
p.sendline("")
# The check says what is wrong without giving the answer away.
p.expect(r"✗ `n`: \d+ is not what the exercise asks for \(it is too small\)")
prompt(p, 4)
p.sendline(":hint")
p.expect("Hint: `len` works on a dataset")
prompt(p, 4)
p.sendline(":show")
p.expect(r"n = len\(f\)")
prompt(p, 4)
p.sendline("n = len(f)")
prompt(p, 4)
p.sendline("")
p.expect("✓ Correct!")
prompt(p, 5)
p.sendline(":back")
prompt(p, 4)
p.sendline(":next")                  # already solved: moves on
prompt(p, 5)
p.sendline(":quit")
p.expect("Left lesson 1 at cell 5")
p.expect(pexpect.EOF)

# Coming back continues at cell 5 with the earlier cells re-run (f exists again).
p = start()
p.expect("Continuing lesson 1 at cell 5")
prompt(p, 5)
p.sendline("print(len(f))")
p.expect(r"\r\n\d{3,}\r\n")
prompt(p, 5)
p.sendline("")
prompt(p, 6)
p.sendline("")                       # run: one readout
p.expect(r"\[\d+, 12\]")
prompt(p, 7)                         # exercise: receive channels
p.sendline(":next")                  # skipped: the solution runs so later cells work
p.expect("Running the solution")
prompt(p, 8)
p.sendline("cha")
p.expect(r"\r\n12\r\n")
prompt(p, 8)
p.sendcontrol("d")
p.expect(pexpect.EOF)
print("\nLESSON PTY OK")
