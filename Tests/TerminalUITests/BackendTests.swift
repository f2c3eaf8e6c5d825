import Foundation
import Glibc
import Testing
import TerminalUI

@Suite struct BackendTests {
    @Test func memoryBackendReplaysKeysThenTimesOut() {
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        backend.feed([.character("a"), .enter])
        #expect(backend.nextKey(timeout: .seconds(1)) == .character("a"))
        #expect(backend.nextKey(timeout: nil) == .enter)
        #expect(backend.timeoutsServed == 0)
        #expect(backend.nextKey(timeout: .milliseconds(10)) == nil)
        #expect(backend.timeoutsServed == 1)
    }

    @Test func memoryBackendResizeQueuesAResizeKey() {
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        backend.feed([.down])
        backend.resize(to: Size(rows: 12, columns: 40))
        #expect(backend.size == Size(rows: 12, columns: 40))
        #expect(backend.nextKey(timeout: nil) == .down)
        #expect(backend.nextKey(timeout: nil) == .resize)
    }

    @Test func memoryBackendRecordsFramesAndChangedCells() {
        let backend = MemoryBackend(size: Size(rows: 2, columns: 4))
        var canvas = Canvas(size: backend.size)
        backend.present(canvas)
        canvas.write("hi", row: 1, column: 1, style: .text)
        backend.present(canvas)
        backend.present(canvas)
        #expect(backend.frames.count == 3)
        #expect(backend.last?.line(1) == " hi")
        #expect(backend.changedCellsPerPresent == [8, 2, 0])
        backend.shutdown()
        #expect(backend.isShutDown)
    }

    @Test func ncursesBackendLinks() {
        // Referencing the type and its initializer makes the linker resolve ncursesw.
        let type: any TerminalBackend.Type = NcursesBackend.self
        #expect(type is NcursesBackend.Type)
        let make: (Theme) throws -> NcursesBackend = NcursesBackend.init(theme:)
        _ = make
    }

    @Test(.enabled(if: isatty(STDIN_FILENO) == 0 || isatty(STDOUT_FILENO) == 0))
    func ncursesBackendRefusesWithoutATerminal() {
        #expect(throws: TerminalError.self) { try NcursesBackend(theme: .monochrome) }
    }

    @Test func symbolsFollowTheCodeset() {
        #expect(Symbols.forCodeset("UTF-8") == .unicode)
        #expect(Symbols.forCodeset("utf8") == .unicode)
        #expect(Symbols.forCodeset("ANSI_X3.4-1968") == .ascii)
        #expect(Symbols.forCodeset("ISO-8859-1") == .ascii)
        #expect(Symbols.ascii.checkboxOn == "[x]")
        #expect(Symbols.unicode.radioOn == "◉")
    }
}

/// Drives a real terminal; run by hand inside tmux with INTAKE_TUI_SMOKE=1.
@Suite struct TerminalSmokeTests {
    @Test(.enabled(if: ProcessInfo.processInfo.environment["INTAKE_TUI_SMOKE"] == "1"))
    func presentsAndReadsAKey() throws {
        let backend = try NcursesBackend(theme: .builtinDefault)
        var canvas = Scenes.question(size: backend.size, context: RenderContext(symbols: Symbols.forCurrentLocale()))
        canvas.cursor = Point(row: 0, column: 0)
        backend.present(canvas)
        let first = backend.nextKey(timeout: .seconds(5))
        canvas.write("got \(String(describing: first))", row: backend.size.rows - 2, column: 2, style: .error)
        backend.present(canvas)
        let second = backend.nextKey(timeout: .seconds(5))
        backend.shutdown()
        backend.shutdown()
        try "\(String(describing: first)) \(String(describing: second))".write(
            toFile: "/tmp/tui-smoke-keys.txt", atomically: true, encoding: .utf8)
        #expect(first != nil)
    }
}
