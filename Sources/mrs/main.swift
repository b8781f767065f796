import Foundation
import MRSShell

// The interpreter recurses on the native stack: run it on a thread with a large stack so deep
// (but bounded) user recursion reports "recursion too deep" instead of crashing.
var status: Int32 = 0
let thread = Thread {
    status = MRSCommand.main(CommandLine.arguments)
    exit(status)
}
thread.stackSize = 512 << 20
thread.start()
while true { sleep(1000) }
