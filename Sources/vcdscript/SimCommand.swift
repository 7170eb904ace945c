import ArgumentParser
import CloudSim
import CloudWire
import Foundation

/// `vcdscript sim`: serve, inspect and reset the embedded simulator.
struct SimCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "The embedded VCD / NSX-T / NSX ALB simulator.",
        subcommands: [Serve.self, Status.self, Reset.self, Env.self, Tools.self, SimKubeCommand.self, NodeOVA.self])

    /// Options shared by every subcommand.
    struct StateOptions: ParsableArguments {
        @Option(help: "State file (default: $VCDSCRIPT_HOME/sim/state.sqlite or the user's data folder).")
        var state: String?

        var path: String { state ?? Simulator.defaultStatePath() }
    }

    struct Serve: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Serve the simulator on 127.0.0.1 (or --listen ADDR): VCD on PORT, NSX-T on PORT+1, ALB on PORT+2, Kubernetes on PORT+3.")

        @OptionGroup var state: StateOptions
        @Option(help: "VCD port (NSX-T, ALB and Kubernetes take the next three). 0 picks free ports.") var port: Int = 18443
        @Flag(help: "Serve HTTPS on every port, with a self-signed certificate made on first use (needs openssl) and kept in tls/ beside the state.")
        var tls = false
        @Option(help: "Serve HTTPS with this PEM certificate instead (with --key; implies --tls).") var cert: String?
        @Option(help: "The unencrypted PEM private key of --cert.") var key: String?
        @Option(help: "Fault injection, e.g. 503:0.1,BUSY_ENTITY:0.05,latency:20ms,taskfail:0.1,seed:42") var faults: String?
        @Flag(help: "Tasks take seconds of (virtual) time instead of advancing on every read.") var realistic = false
        @Option(help: "Duration of a task in fast mode, in milliseconds.") var taskMs: Double = 20
        @Option(help: "Address to listen on (default 127.0.0.1). Any other makes the world's credentials reachable from the network.")
        var listen: String?
        @Option(help: "Append one line per request to this file: wall-clock time (when the answer was ready, before injected latency), service, method, path, status, VCD minor error code, milliseconds, user, user agent (no header, query or body).")
        var accessLog: String?

        func validate() throws {
            if (cert == nil) != (key == nil) { throw ValidationError("--cert and --key go together: the certificate and its private key.") }
            _ = try listenAddress()
        }

        /// The checked `--listen` address (loopback when not given).
        func listenAddress() throws -> SimListenAddress {
            guard let listen else { return .loopback }
            do { return try SimListenAddress(listen) } catch let e as SimListenAddressError { throw ValidationError(e.description) }
        }

        func run() throws {
            // First, before any task exists: the server's event loops run its tasks when asked (EventLoopTasks).
            if EventLoopTasks.requested(), !EventLoopTasks.install() {
                FileHandle.standardError.write(Data("note: \(EventLoopTasks.optInVariable) is set, but the tasks run on Swift's executor: the event loops could not take over (another global executor was installed first); it serves all the same, unset the variable to silence this\n".utf8))
            }
            var options = SimulatorOptions(realisticTiming: realistic, fastTaskSeconds: taskMs / 1000)
            if let faults { options.faults = try FaultSpec.parse(faults) }
            let sim = try Simulator(statePath: state.path, options: options)
            if let accessLog {
                let file = try AccessLogFile(path: accessLog)
                // Stamped with the wall clock, not the world's: the in-process controllers' injected
                // latency moves the world's clock ahead of the wall's, and the log must line up with
                // the clients' own timings (scripts/bench-latency.sh reads it).
                sim.onRequestLogged = { entry in
                    var e = entry
                    e.time = Date().timeIntervalSince1970
                    file.append(e)
                }
            }
            let ports: [SimService: Int] = port == 0 ? [.vcd: 0, .nsx: 0, .alb: 0, .kube: 0]
                : [.vcd: port, .nsx: port + 1, .alb: port + 2, .kube: port + 3]
            var files: SimulatorTLSFiles?
            if let cert, let key {
                files = SimulatorTLSFiles(certificate: URL(fileURLWithPath: cert).standardizedFileURL.path,
                                          key: URL(fileURLWithPath: key).standardizedFileURL.path)
            } else if tls {
                files = try SimulatorTLSFiles.selfSigned(forState: state.path)
            }
            let address = try listenAddress()
            if let warning = address.warning { FileHandle.standardError.write(Data((warning + "\n").utf8)) }
            let server = SimulatorServer(simulator: sim, ports: ports, tls: files, listen: address)
            try blocking { try await server.start() }
            for s in SimService.allCases { print("\(s.rawValue): \(server.url(s) ?? "-")") }
            if let files { print("certificate: \(files.certificate) (clients: trust it as their CA file, or skip verification)") }
            print("state: \(state.path)")
            print("personas and passwords: vcdscript sim status --state \(state.path)")
            fflush(stdout)
            // Stop cleanly on SIGINT/SIGTERM so the counters reach the state file.
            for sig in [SIGINT, SIGTERM] {
                signal(sig, SIG_IGN)
                let src = DispatchSource.makeSignalSource(signal: sig, queue: .main)
                src.setEventHandler {
                    Task {
                        await server.stop()
                        Foundation.exit(0)
                    }
                }
                src.resume()
                SignalSources.keep.append(src)
            }
            dispatchMain()
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Endpoints, personas (with passwords) and request counters.")
        @OptionGroup var state: StateOptions
        @Option(name: .shortAndLong, help: "Output format: text or json.") var output: String = "text"
        @Option(help: "VCD port the server uses (NSX-T, ALB and Kubernetes take the next three).") var port: Int = 18443

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            let report = StatusReport(
                state: state.path,
                integrity: (try? sim.integrityCheck()) ?? "unknown",
                endpoints: Dictionary(uniqueKeysWithValues: SimService.allCases.enumerated().map { i, s in
                    (s.rawValue, sim.recordedEndpoints[s] ?? "http://127.0.0.1:\(port + i)") }),
                serving: !sim.recordedEndpoints.isEmpty,
                certificate: Self.certificate(sim, state: state.path),
                personas: sim.personas + sim.servicePersonas,
                counters: sim.counters)
            if output == "json" {
                let enc = JSONEncoder()
                enc.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
                print(String(decoding: try enc.encode(report), as: UTF8.self))
            } else {
                print("state:     \(report.state) (integrity \(report.integrity))\(report.serving ? ", served" : ", not served")")
                for s in SimService.allCases { print("\(s.rawValue):".padding(toLength: 11, withPad: " ", startingAt: 0) + (report.endpoints[s.rawValue] ?? "")) }
                if let c = report.certificate { print("cert:      \(c)") }
                for p in report.personas {
                    // NSX and ALB accounts belong to no VCD org: name the product instead.
                    let who = p.service == "vcd" ? "\(p.user)@\(p.org)" : "\(p.user) (\(p.service))"
                    print("persona:   \(who)  password \(p.password)  role \(p.role)")
                }
                print("counters:  reads \(report.counters.reads), writes \(report.counters.writes), auth \(report.counters.auth)")
            }
        }

        /// The running HTTPS server's certificate, else the self-signed one a `--tls` start would reuse.
        static func certificate(_ sim: Simulator, state: String) -> String? {
            if let c = sim.recordedCertificate { return c }
            let beside = SimulatorTLSFiles.directory(forState: state) + "/cert.pem"
            return FileManager.default.fileExists(atPath: beside) ? beside : nil
        }
    }

    struct Reset: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Recreate the seeded world (stop `sim serve` first).")
        @OptionGroup var state: StateOptions
        @Option(help: "Give every persona this password instead of random ones.") var password: String?

        func run() throws {
            let sim = try Simulator(statePath: state.path, options: SimulatorOptions())
            try sim.reset(password: password)
            print("reset \(state.path): \(sim.personas.count) personas\(password == nil ? " with new random passwords" : "")")
        }
    }
}

extension SimCommand {
    /// `vcdscript sim node-ova FILE`: the simulator's node image, to upload by hand or elsewhere.
    struct NodeOVA: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "node-ova",
            abstract: "Write the simulator's node image: a small OVA shaped like a Cluster API node image (Kubernetes version, OS, 20 GiB disk), for catalog.upload.")

        @Option(help: "Kubernetes version, e.g. v1.22.5+vmware.1 (default: the one --name ends with).") var kubernetes: String?
        @Option(help: "Template name (default ubuntu-20.04-kube-v1.22.5+vmware.1, or ubuntu-20.04-kube-VERSION with --kubernetes).") var name: String?
        @Argument(help: "The .ova file to write.") var file: String

        func run() throws {
            let image: NodeImage
            do { image = try NodeImage(name: name, kubernetes: kubernetes) } catch let e as NodeImageError { throw ValidationError(e.description) }
            try image.write(to: file)
            print("\(file): node image \(image.name), Kubernetes \(image.kubernetes), \(image.distroTitle), \(image.diskGiB) GiB disk (\(image.ova.count) bytes)")
        }
    }
}

/// What `sim status -o json` prints (keys documented in docs/simulator.md).
struct StatusReport: Codable {
    var state: String
    var integrity: String
    var endpoints: [String: String]
    var serving: Bool
    var certificate: String?
    var personas: [Persona]
    var counters: SimCounters
}

/// Signal sources must outlive `run()`.
enum SignalSources { nonisolated(unsafe) static var keep: [DispatchSourceSignal] = [] }

/// Runs async work from a synchronous command.
func blocking<T>(_ body: @escaping () async throws -> T) throws -> T {
    let sem = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, Error>!
    Task.detached {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        sem.signal()
    }
    sem.wait()
    return try result.get()
}
