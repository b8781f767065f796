import Foundation
import MRSShell

// The interpreter recurses on the native stack: run it on a thread with a large stack so deep
// (but bounded) user recursion reports "recursion too deep" instead of crashing.
var status: Int32 = 0
// Terminal signals go to the command thread, never to this idle one: block them here and let the
// command thread unblock them, so Ctrl-C interrupts the line editor's read.
var terminalSignals = sigset_t()
sigemptyset(&terminalSignals)
for s in [SIGINT, SIGTSTP, SIGCONT, SIGWINCH] { sigaddset(&terminalSignals, s) }
pthread_sigmask(SIG_BLOCK, &terminalSignals, nil)
let thread = Thread {
    pthread_sigmask(SIG_UNBLOCK, &terminalSignals, nil)
    status = MRSCommand.main(CommandLine.arguments)
    exit(status)
}
thread.stackSize = 512 << 20
thread.start()
while true { sleep(1000) }
