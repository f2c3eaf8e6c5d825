#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a child program ended.
enum Termination: Equatable {
    case exited(Int32)
    case signaled(Int32)
    case timedOut
}

struct SubprocessResult {
    var termination: Termination
    var standardOutput: [UInt8]
    var standardError: [UInt8]
}

enum SubprocessError: Error {
    case spawnFailed(Int32)
}

/// Runs `path` with `arguments` (argv[0] included) and exactly `environment` ("NAME=value"),
/// no shell involved: posix_spawn with three pipes. One poll loop writes `input` to its
/// standard input while reading its standard output and error to the end, so neither side
/// can block the other on a full pipe. After `timeout` seconds the child is killed.
/// SIGPIPE (the child closing its input early) is blocked on this thread for the duration
/// and consumed, so it never reaches the host program.
func runSubprocess(
    path: String, arguments: [String], environment: [String], input: [UInt8], timeout: Double
) throws(SubprocessError) -> SubprocessResult {
    var inPipe: [Int32] = [-1, -1], outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
    guard closeOnExecPipe(&inPipe) else { throw .spawnFailed(errno) }
    guard closeOnExecPipe(&outPipe) else {
        let e = errno; close(inPipe[0]); close(inPipe[1]); throw .spawnFailed(e)
    }
    guard closeOnExecPipe(&errPipe) else {
        let e = errno; inPipe.forEach { close($0) }; outPipe.forEach { close($0) }; throw .spawnFailed(e)
    }

    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    // dup2 clears close-on-exec on 0, 1 and 2; every pipe end itself is close-on-exec.
    posix_spawn_file_actions_adddup2(&actions, inPipe[0], 0)
    posix_spawn_file_actions_adddup2(&actions, outPipe[1], 1)
    posix_spawn_file_actions_adddup2(&actions, errPipe[1], 2)
    // Nothing else this process has open (a database, another thread's half-written file) reaches lp.
    if let closeFrom = closeFromAction { _ = closeFrom(&actions, 3) }

    // The child starts with no signal blocked and every signal at its default action,
    // whatever the kiosk blocked or ignored.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var noSignals = sigset_t(), allSignals = sigset_t()
    sigemptyset(&noSignals)
    sigfillset(&allSignals)
    posix_spawnattr_setsigmask(&attributes, &noSignals)
    posix_spawnattr_setsigdefault(&attributes, &allSignals)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

    let argv = arguments.map { strdup($0) } + [nil]
    let envp = environment.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) }; envp.forEach { free($0) } }

    var pid = pid_t()
    var spawnError = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    // ETXTBSY: some other child of this process, started while lp was being written or copied,
    // still holds it open for writing; it goes away as soon as that child execs.
    for _ in 0..<20 where spawnError == ETXTBSY {
        usleep(50_000)
        spawnError = posix_spawn(&pid, path, &actions, &attributes, argv, envp)
    }
    close(inPipe[0]); close(outPipe[1]); close(errPipe[1])
    if spawnError != 0 {
        close(inPipe[1]); close(outPipe[0]); close(errPipe[0])
        throw .spawnFailed(spawnError)
    }

    var stdinFD = inPipe[1], stdoutFD = outPipe[0], stderrFD = errPipe[0]
    for fd in [stdinFD, stdoutFD, stderrFD] {
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    var pipeSignal = sigset_t(), previousMask = sigset_t()
    sigemptyset(&pipeSignal)
    sigaddset(&pipeSignal, SIGPIPE)
    pthread_sigmask(SIG_BLOCK, &pipeSignal, &previousMask)
    defer {
        var pending = sigset_t()
        sigpending(&pending)
        if sigismember(&pending, SIGPIPE) == 1 && sigismember(&previousMask, SIGPIPE) == 0 {
            var zero = timespec(tv_sec: 0, tv_nsec: 0)
            _ = sigtimedwait(&pipeSignal, nil, &zero)
        }
        pthread_sigmask(SIG_SETMASK, &previousMask, nil)
    }

    let deadline = monotonicSeconds() + timeout
    var written = 0
    var output: [UInt8] = [], errors: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65536)
    var timedOut = false

    if input.isEmpty { close(stdinFD); stdinFD = -1 }
    while stdinFD >= 0 || stdoutFD >= 0 || stderrFD >= 0 {
        let remaining = deadline - monotonicSeconds()
        if remaining <= 0 { timedOut = true; break }
        var fds = [
            pollfd(fd: stdinFD, events: Int16(POLLOUT), revents: 0),
            pollfd(fd: stdoutFD, events: Int16(POLLIN), revents: 0),
            pollfd(fd: stderrFD, events: Int16(POLLIN), revents: 0),
        ] // poll ignores negative descriptors
        let ready = poll(&fds, nfds_t(fds.count), Int32(min(remaining * 1000, 1000)) + 1)
        if ready < 0 {
            if errno == EINTR { continue }
            timedOut = true; break // cannot wait any more: treat as a hang
        }
        if stdinFD >= 0 && fds[0].revents != 0 {
            let n = input.withUnsafeBytes { raw in
                write(stdinFD, raw.baseAddress! + written, min(raw.count - written, 65536))
            }
            if n > 0 { written += n }
            if written == input.count || (n < 0 && errno != EAGAIN && errno != EINTR) {
                close(stdinFD); stdinFD = -1 // done, or the child stopped reading (EPIPE)
            }
        }
        for (index, isError) in [(1, false), (2, true)] where fds[index].revents != 0 {
            let fd = isError ? stderrFD : stdoutFD
            let n = read(fd, &buffer, buffer.count)
            if n > 0 {
                if isError { errors += buffer[0..<n] } else { output += buffer[0..<n] }
            } else if n == 0 || (errno != EAGAIN && errno != EINTR) {
                close(fd)
                if isError { stderrFD = -1 } else { stdoutFD = -1 }
            }
        }
    }
    for fd in [stdinFD, stdoutFD, stderrFD] where fd >= 0 { close(fd) }

    // The child closed its output; give it until the deadline to exit as well.
    var status: Int32 = 0
    while !timedOut {
        let r = waitpid(pid, &status, WNOHANG)
        if r == pid { break }
        if r < 0 && errno != EINTR { return SubprocessResult(termination: .exited(127), standardOutput: output, standardError: errors) }
        if monotonicSeconds() >= deadline { timedOut = true; break }
        usleep(5_000)
    }
    if timedOut {
        kill(pid, SIGKILL)
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        return SubprocessResult(termination: .timedOut, standardOutput: output, standardError: errors)
    }
    let termination: Termination = (status & 0x7F) == 0
        ? .exited((status >> 8) & 0xFF)
        : .signaled(status & 0x7F)
    return SubprocessResult(termination: termination, standardOutput: output, standardError: errors)
}

/// glibc's posix_spawn_file_actions_addclosefrom_np (2.34 and later), which its Swift module
/// does not export; nil where the C library lacks it (the pipes are close-on-exec regardless).
private let closeFromAction: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32)? = {
    guard let symbol = dlsym(nil, "posix_spawn_file_actions_addclosefrom_np") else { return nil }
    return unsafeBitCast(
        symbol, to: (@convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32).self)
}()

/// pipe() with both ends close-on-exec (Glibc's module does not export pipe2), so no other
/// child started by this process inherits them.
private func closeOnExecPipe(_ fds: inout [Int32]) -> Bool {
    guard pipe(&fds) == 0 else { return false }
    for fd in fds { _ = fcntl(fd, F_SETFD, fcntl(fd, F_GETFD) | FD_CLOEXEC) }
    return true
}

func monotonicSeconds() -> Double {
    var now = timespec()
    clock_gettime(CLOCK_MONOTONIC, &now)
    return Double(now.tv_sec) + Double(now.tv_nsec) / 1e9
}
