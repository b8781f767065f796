import Foundation
import MRSLanguage

/// `mrs chain CONFIG.xml DATA.h5 -o out.h5`: runs a Gadgetron stream configuration offline over
/// an ISMRMRD file and writes the images, as `gadgetron_ismrmrd_client -f DATA -c CONFIG -o OUT`
/// does against a server (the client's -f, -c, -o and -G spellings work too).
enum ChainCommand {
    static let usage = "usage: mrs chain CONFIG.xml DATA.h5 [-o out.h5] [-G group]\n"

    static func main(_ args: [String]) -> Int32 {
        var config: String?, data: String?, output = "out.h5", group = "dataset"
        var i = 0
        func fail(_ message: String) -> Int32 {
            FileHandle.standardError.write("mrs: chain: \(message)\n\(usage)".data(using: .utf8) ?? Data())
            return ExitCode.usage.rawValue
        }
        while i < args.count {
            let a = args[i]
            let value: String? = i + 1 < args.count ? args[i + 1] : nil
            switch a {
            case "-o", "--output", "-c", "--config", "-f", "--filename", "-G", "--group":
                guard let v = value else { return fail("\(a) needs a value") }
                switch a {
                case "-o", "--output": output = v
                case "-c", "--config": config = v
                case "-f", "--filename": data = v
                default: group = v
                }
                i += 2
            default:
                if a.hasPrefix("-") { return fail("unknown option '\(a)'") }
                if config == nil { config = a } else if data == nil { data = a } else { return fail("unexpected argument '\(a)'") }
                i += 1
            }
        }
        guard let c = config, let d = data else { return fail("needs a configuration and a data file") }
        let runner = BatchRunner(session: Session(color: false))
        let interp = runner.session.interp
        interp.setGlobal("CONFIG", .string(c))
        interp.setGlobal("DATA", .string(d))
        interp.setGlobal("OUTPUT", .string(output))
        interp.setGlobal("GROUP", .string(group))
        // The result's final display is the per-gadget table (messages in and out, seconds).
        let code = "run_chain(chain(CONFIG), ismrmrd(DATA), output=OUTPUT, group=GROUP)\n"
        return runner.runText(code, name: "<mrs chain>", printFinal: true).rawValue
    }
}
