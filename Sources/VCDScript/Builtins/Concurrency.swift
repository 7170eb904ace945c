import Foundation

/// `sleep`, `wait`, `parallel` and `sh`: the builtins that wait on the world.
enum Concurrency {
    /// Sleeps in small steps so that Ctrl-C is noticed, letting `parallel` workers run meanwhile.
    /// On the host's clock when it has one (the embedded simulator: simulated time moves on at once).
    static func sleep(nanos: Int64, ctx: CallContext) throws {
        guard nanos > 0 else { return }
        if let clock = ctx.interpreter.options.clock {
            var stopped: Error?
            try ctx.blocking {
                _ = clock.sleep(Double(nanos) / 1e9) {
                    do { try ctx.checkInterrupt(); return false } catch { stopped = error; return true }
                }
            }
            if let stopped { throw stopped }
            return
        }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(nanos)
        try ctx.blocking {
            while true {
                let now = DispatchTime.now().uptimeNanoseconds
                if now >= deadline { return }
                try ctx.checkInterrupt()
                let step = min(deadline - now, 50_000_000)
                usleep(UInt32(step / 1000))
            }
        }
    }

    /// Nanoseconds on the host's clock (or the system's uptime), for measuring waits.
    static func elapsedNanos(_ ctx: CallContext) -> Int64 {
        if let clock = ctx.interpreter.options.clock { return Int64(clock.now() * 1e9) }
        return Int64(DispatchTime.now().uptimeNanoseconds)
    }

    static let functions: [NativeFunction] = [
        NativeFunction("wait", params: [
            Parameter("until", doc: "a function; the wait ends when it returns a true value"),
            Parameter("timeout", default: .duration(600_000_000_000)),
            Parameter("every", default: .duration(5_000_000_000)),
            Parameter("what", default: .null, doc: "what is awaited, for progress and errors"),
        ], doc: "Calls until() every `every` until it returns a true value, which wait returns; a timeout is an error.") { a, ctx in
            let f = try a.callable(0)
            let timeout = try a.duration(1), every = try a.duration(2)
            let what = a[3].isNil ? "the condition" : Formatter.str(a[3])
            let start = elapsedNanos(ctx)
            var attempt = 0
            while true {
                let v = try ctx.call(f, [])
                if v.isTruthy { return v }
                attempt += 1
                let elapsed = elapsedNanos(ctx) - start
                if elapsed >= timeout {
                    throw ScriptError(.timeout, "timed out after \(Formatter.duration(timeout)) waiting for \(what)", at: ctx.range,
                                      hint: "raise timeout: if it is just slow, or check why \(what) never happens", code: "TIMEOUT")
                }
                if attempt == 1 || attempt % 6 == 0, !a[3].isNil {
                    FileHandle.standardError.write(Data("  waiting for \(what) (\(Formatter.duration(elapsed / 1_000_000_000 * 1_000_000_000)) so far)\n".utf8))
                }
                try sleep(nanos: min(every, timeout - elapsed), ctx: ctx)
            }
        },
        NativeFunction("parallel", params: [Parameter("tasks", doc: "a list of functions"), Parameter("limit", default: .int(4))],
                       doc: "Runs the functions concurrently (at most limit at a time); returns their results in order. The first error is raised after all have finished.") { a, ctx in
            let tasks = try a.list(0).items
            let limit = max(1, try a.int(1))
            for t in tasks {
                switch t { case .function, .builtin: break; default: throw ScriptError(.type, "parallel() takes a list of functions, found a \(t.typeName)", at: ctx.range) }
            }
            if tasks.count <= 1 || limit == 1 { return .list(ListRef(try tasks.map { try ctx.call($0, []) })) }
            return .list(ListRef(try runParallel(tasks, limit: limit, ctx: ctx)))
        },
        NativeFunction("sh", params: [Parameter("command")], variadic: true, keywords: ["timeout", "check", "input", "readOnly"],
                       doc: "Runs a program with arguments (no shell); returns {stdout, stderr, code}. Named: timeout, check (default true: a non-zero exit is an error), input, readOnly (default false; true: the program only reads, so it runs under --plan too).") { a, ctx in
            try Shell.run(a, ctx)
        },
    ]

    /// Each worker thread has its own VM; only one runs script code at a time (the global lock),
    /// and natives that wait release it.
    static func runParallel(_ tasks: [Value], limit: Int, ctx: CallContext) throws -> [Value] {
        let interp = ctx.interpreter
        let gil = interp.gil
        // Called from a parallel worker, this thread already holds the lock (it is running
        // script code); otherwise it takes it while it sets up.
        let nested = gil.contended
        if !nested {
            gil.enable()
            gil.acquire()
        }
        let box = ResultsBox(count: tasks.count)
        let slots = DispatchSemaphore(value: limit)
        let group = DispatchGroup()
        let resultLock = NSLock()
        for (i, task) in tasks.enumerated() {
            group.enter()
            let thread = Thread {
                slots.wait()
                gil.acquire()
                let vm = VM(interpreter: interp, capacity: 1 << 16)
                Thread.current.threadDictionary["vcdscript.vm"] = vm
                let r: Result<Value, Error> = Result { try Calls.callValue(task, args: [], named: [], vm: vm, range: ctx.range) }
                Thread.current.threadDictionary["vcdscript.vm"] = nil
                gil.release()
                resultLock.lock()
                switch r { case .success(let v): box.results[i] = v; case .failure(let e): box.errors[i] = e }
                resultLock.unlock()
                slots.signal()
                group.leave()
            }
            // Script code recurses on the native stack: workers get as much as the main run.
            thread.stackSize = LargeStack.defaultSize
            thread.start()
        }
        gil.release()
        // Wait without holding the lock, checking for Ctrl-C.
        while group.wait(timeout: .now() + .milliseconds(50)) == .timedOut {
            if let check = interp.options.interruptCheck, check() { break }
        }
        group.wait()
        gil.acquire()
        if !nested {
            gil.release()
            gil.disable()
        } // a nested caller goes on running script code, holding the lock

        if let first = box.errors.compactMap({ $0 }).first { throw first }
        return box.results
    }
}

/// Results of parallel workers, written under a lock.
final class ResultsBox: @unchecked Sendable {
    var results: [Value]
    var errors: [Error?]
    var out = Data()
    var err = Data()
    init(count: Int) {
        results = [Value](repeating: .null, count: count)
        errors = [Error?](repeating: nil, count: count)
    }
}

/// `sh(cmd, args…)`.
enum Shell {
    /// `sh kubectl apply -f x.yaml` as the plan shows it: secret arguments as ********.
    static func commandLine(_ command: String, _ rest: [Value]) -> String {
        (["sh", command] + rest.map { v in
            if case .secret = v { return "********" }
            let s = Formatter.str(v)
            return s.isEmpty || s.contains(where: { $0 == " " || $0 == "\"" }) ? "\"" + s.replacingOccurrences(of: "\"", with: "\\\"") + "\"" : s
        }).joined(separator: " ")
    }

    static func run(_ a: Arguments, _ ctx: CallContext) throws -> Value {
        guard ctx.interpreter.options.allowShell else {
            throw ScriptError(.host, "sh() is disabled in this host", at: ctx.range, hint: "sh runs only against a real target")
        }
        var timeout: Int64 = 600_000_000_000
        var check = true
        var input: String? = nil
        let command = try a.string(0)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = [command] + a.rest.map { v in if case .secret(let s) = v { return s.reveal() }; return Formatter.str(v) }
        var readOnly = false
        for (n, v) in a.named {
            switch n {
            case "readOnly": readOnly = v.isTruthy
            case "timeout":
                if case .duration(let d) = v { timeout = d } else { throw ScriptError(.type, "sh(): timeout must be a duration", at: ctx.range) }
            case "check": check = v.isTruthy
            case "input": input = Formatter.str(v)
            default: throw ScriptError(.argument, "sh() has no parameter named \(n)", at: ctx.range, hint: "its named parameters are timeout, check, input, readOnly")
            }
        }
        // A program that changes the machine is a local effect: under a plan it is shown, not run.
        if !readOnly, case .skip(let placeholder) = try ctx.permit(LocalEffect(.run, commandLine(command, a.rest))) {
            return .map([("stdout", placeholder), ("stderr", placeholder), ("code", placeholder)])
        }
        let outPipe = Pipe(), errPipe = Pipe(), inPipe = Pipe()
        process.standardOutput = outPipe
        process.standardError = errPipe
        process.standardInput = inPipe
        do { try process.run() } catch {
            throw ScriptError(.io, "cannot run \(command): \(Builtins.describeIOError(error))", at: ctx.range, hint: "is \(command) installed and on PATH?")
        }
        if let input { inPipe.fileHandleForWriting.write(Data(input.utf8)) }
        try? inPipe.fileHandleForWriting.close()
        let box = ResultsBox(count: 0)
        let readers = DispatchGroup()
        readers.enter()
        DispatchQueue.global().async { box.out = outPipe.fileHandleForReading.readDataToEndOfFile(); readers.leave() }
        readers.enter()
        DispatchQueue.global().async { box.err = errPipe.fileHandleForReading.readDataToEndOfFile(); readers.leave() }
        let deadline = DispatchTime.now().uptimeNanoseconds + UInt64(max(0, timeout))
        var timedOut = false
        try ctx.blocking {
            while process.isRunning {
                if DispatchTime.now().uptimeNanoseconds > deadline { timedOut = true; process.terminate(); break }
                do { try ctx.checkInterrupt() } catch { process.terminate(); throw error }
                usleep(10_000)
            }
        }
        process.waitUntilExit()
        readers.wait()
        let out = String(decoding: box.out, as: UTF8.self), err = String(decoding: box.err, as: UTF8.self)
        if timedOut { throw ScriptError(.timeout, "\(command) did not finish within \(Formatter.duration(timeout))", at: ctx.range) }
        let code = Int(process.terminationStatus)
        if check && code != 0 {
            let tail = err.split(separator: "\n").suffix(5).joined(separator: "\n")
            let e = ScriptError(.host, "\(command) exited with code \(code)\(tail.isEmpty ? "" : ":\n" + tail)", at: ctx.range,
                                hint: "pass check: false to handle the exit code yourself")
            e.code = String(code)
            throw e
        }
        return .map([("stdout", .string(out)), ("stderr", .string(err)), ("code", .int(code))])
    }
}
