import Foundation
import MRSShell

// The interpreter recurses on the native stack: run it on a thread with a large stack so deep
// (but bounded) user recursion reports "recursion too deep" instead of crashing.
// Terminal signals go to the command thread, never to this idle one: block them here and let the
// command thread unblock them, so Ctrl-C interrupts the line editor's read.
func terminalSignals() -> sigset_t {
    var set = sigset_t()
    sigemptyset(&set)
    for s in [SIGINT, SIGTSTP, SIGCONT, SIGWINCH] { sigaddset(&set, s) }
    return set
}
var blocked = terminalSignals()
pthread_sigmask(SIG_BLOCK, &blocked, nil)
// The stack is large enough to free any value that fits in memory (see `InterpreterThread`).
InterpreterThread.start {
    var unblocked = terminalSignals()
    pthread_sigmask(SIG_UNBLOCK, &unblocked, nil)
    exit(MRSCommand.main(CommandLine.arguments))
}
while true { sleep(1000) }
