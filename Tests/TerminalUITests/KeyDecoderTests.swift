import Testing
import TerminalUI
import TestSupport

/// The bytes of a string as a terminal sends them; `^[` stands for ESC so sequences read as documented.
func bytes(_ s: String) -> [UInt8] {
    Array(s.replacingOccurrences(of: "^[", with: "\u{1B}").utf8)
}

/// Decodes `input` arriving all at once, then lets the quiet gap pass.
func decode(_ input: String) -> [Key] {
    decode(bytes(input))
}

func decode(_ input: [UInt8]) -> [Key] {
    var decoder = KeyDecoder()
    let keys = decoder.feed(input, at: 0)
    return keys + decoder.advance(to: 100)
}

/// Decodes chunks arriving `gap` seconds apart, then lets the quiet gap pass.
func decode(chunks: [[UInt8]], gap: Double) -> [Key] {
    var decoder = KeyDecoder()
    var keys: [Key] = []
    for (i, chunk) in chunks.enumerated() { keys += decoder.feed(chunk, at: Double(i) * gap) }
    return keys + decoder.advance(to: 100)
}

@Suite struct KeyDecoderTests {
    // MARK: Cursor keys, Home/End and the editing block

    @Test func arrowsInNormalAndApplicationMode() {
        #expect(decode("^[[A") == [.up])
        #expect(decode("^[[B") == [.down])
        #expect(decode("^[[C") == [.right])
        #expect(decode("^[[D") == [.left])
        #expect(decode("^[OA") == [.up])
        #expect(decode("^[OB") == [.down])
        #expect(decode("^[OC") == [.right])
        #expect(decode("^[OD") == [.left])
    }

    @Test func homeAsCSIH() { #expect(decode("^[[H") == [.home]) }
    @Test func endAsCSIF() { #expect(decode("^[[F") == [.end]) }
    @Test func homeAsCSI1Tilde() { #expect(decode("^[[1~") == [.home]) }   // tmux, screen, PuTTY, rxvt
    @Test func endAsCSI4Tilde() { #expect(decode("^[[4~") == [.end]) }
    @Test func homeAsCSI7Tilde() { #expect(decode("^[[7~") == [.home]) }   // rxvt
    @Test func endAsCSI8Tilde() { #expect(decode("^[[8~") == [.end]) }
    @Test func homeAsSS3H() { #expect(decode("^[OH") == [.home]) }          // xterm application mode
    @Test func endAsSS3F() { #expect(decode("^[OF") == [.end]) }
    @Test func pageUpAndPageDown() {
        #expect(decode("^[[5~") == [.pageUp])
        #expect(decode("^[[6~") == [.pageDown])
    }
    @Test func deleteAndInsert() {
        #expect(decode("^[[3~") == [.delete])
        #expect(decode("^[[2~") == [.insert])
    }
    @Test func shiftTab() { #expect(decode("^[[Z") == [.backTab]) }

    // MARK: Function keys

    @Test func functionKeysXtermSS3() {
        #expect(decode("^[OP^[OQ^[OR^[OS") == [.function(1), .function(2), .function(3), .function(4)])
    }

    @Test func functionKeysVT220Tilde() {
        let codes = [11, 12, 13, 14, 15, 17, 18, 19, 20, 21, 23, 24]
        for (n, code) in codes.enumerated() {
            #expect(decode("^[[\(code)~") == [.function(n + 1)], "ESC [ \(code) ~")
        }
    }

    @Test func functionKeysLinuxConsole() {
        #expect(decode("^[[[A") == [.function(1)])
        #expect(decode("^[[[B") == [.function(2)])
        #expect(decode("^[[[C") == [.function(3)])
        #expect(decode("^[[[D") == [.function(4)])
        #expect(decode("^[[[E") == [.function(5)])
        // Not a letter typed after F1: the whole sequence is one key.
        #expect(decode("^[[[Ax") == [.function(1), .character("x")])
    }

    // MARK: Modified keys: dropped

    @Test func modifiedKeysAreDropped() {
        #expect(decode("^[[1;5A") == [])     // Ctrl-Up
        #expect(decode("^[[1;2B") == [])     // Shift-Down
        #expect(decode("^[[1;3H") == [])     // Alt-Home
        #expect(decode("^[[3;5~") == [])     // Ctrl-Delete
        #expect(decode("^[[15;2~") == [])    // Shift-F5
        #expect(decode("^[[1;2P") == [])     // Shift-F1
        #expect(decode("^[O5A") == [])       // old xterm Ctrl-Up
        #expect(decode("^[[1;5A1") == [.character("1")])  // and nothing of it leaks
    }

    @Test func modifierOneMeansNoModifier() {
        #expect(decode("^[[1;1A") == [.up])
        #expect(decode("^[[5;1~") == [.pageUp])
    }

    // MARK: Unknown sequences: dropped whole

    @Test func unknownCSIIsDroppedWhole() {
        #expect(decode("^[[200;99z") == [])
        #expect(decode("^[[200;99z2") == [.character("2")])
    }

    @Test func otherUnknownCSIAreDroppedWhole() {
        #expect(decode("^[[99~") == [])
        #expect(decode("^[[201~") == [])            // a paste end with no paste
        #expect(decode("^[[?1;2c") == [])           // a device-attributes reply
        #expect(decode("^[[<0;10;5M") == [])        // an SGR mouse report
        #expect(decode("^[[1 q") == [])             // with an intermediate byte
        #expect(decode("^[[2A") == [])              // a count on a cursor key is not a key
        #expect(decode("^[[1:2A") == [])            // sub-parameters
        #expect(decode("^[[27;5;49~") == [])        // modifyOtherKeys Ctrl-1: never a digit
        #expect(decode("^[[E") == [])               // keypad 5 "begin"
    }

    @Test func malformedCSIIsReadToItsFinalByteAndDropped() {
        // A parameter byte after an intermediate breaks ECMA-48's order.
        #expect(decode("^[[ 1~x") == [.character("x")])
        // An overlong parameter string is still consumed whole.
        #expect(decode("^[[" + String(repeating: "1", count: 500) + "~x") == [.character("x")])
    }

    @Test func aSequenceBrokenByAControlIsDroppedWithIt() {
        #expect(decode("^[[1\r") == [])
        #expect(decode("^[[1\u{3}x") == [.character("x")])
        // ESC starts the next sequence.
        #expect(decode("^[[1^[[B") == [.down])
    }

    @Test func unknownSS3IsDroppedWhole() {
        #expect(decode("^[OE") == [])
        #expect(decode("^[Oa1") == [.character("1")])
        #expect(decode("^[O 1") == [.character("1")])   // SS3 takes exactly one character
    }

    @Test func x10MouseReportIsDroppedWhole() {
        #expect(decode("^[[M !!1") == [.character("1")])
    }

    @Test func keypadInApplicationModeGivesItsKeys() {
        #expect(decode("^[Oq^[Op^[Oy^[OM") == [.character("1"), .character("0"), .character("9"), .enter])
    }

    @Test func eightBitCSIAndSS3() {
        #expect(decode([0x9B, 0x31, 0x7E]) == [.home])               // raw C1 CSI
        #expect(decode([0xC2, 0x9B, 0x34, 0x7E]) == [.end])          // U+009B, UTF-8 encoded
        #expect(decode([0x8F, 0x50]) == [.function(1)])
        #expect(decode([0xC2, 0x85, 0x61]) == [.character("a")])     // other C1 controls dropped
    }

    // MARK: Alt/Meta keys: ignored entirely

    @Test func alt1GivesNothing() {
        #expect(decode("^[1") == [])
    }

    @Test func otherAltKeysGiveNothing() {
        #expect(decode("^[a") == [])
        #expect(decode("^[ ") == [])
        #expect(decode("^[\r") == [])               // Alt-Enter
        #expect(decode("^[\u{7F}") == [])           // Alt-Backspace
        #expect(decode("^[\u{9}") == [])            // Alt-Tab
        #expect(decode("^[é") == [])                // Alt plus a two-byte character
        #expect(decode("^[س") == [])                // Alt plus an Arabic letter
        #expect(decode("^[^[[A") == [])             // rxvt Alt-Up
        #expect(decode("^[^[[1~") == [])            // rxvt Alt-Home: no 1, no Esc
        #expect(decode("^[^[") == [])               // Alt-Esc
        #expect(decode("^[1^[2x") == [.character("x")])
    }

    // MARK: Esc and the quiet gap

    @Test func aLoneEscIsEscapeOnlyAfterTheGap() {
        var decoder = KeyDecoder()
        #expect(decoder.deadline == nil)
        #expect(decoder.feed(bytes("^["), at: 1.0) == [])
        #expect(decoder.deadline == 1.0 + KeyDecoder.defaultEscapeDelay)
        #expect(decoder.advance(to: 1.02) == [])
        #expect(decoder.advance(to: 1.0 + KeyDecoder.defaultEscapeDelay) == [.escape])
        #expect(decoder.deadline == nil)
        #expect(decoder.advance(to: 5) == [])
    }

    @Test func theGapIsBetween25And50Milliseconds() {
        #expect((0.025...0.050).contains(KeyDecoder.defaultEscapeDelay))
    }

    @Test func escFollowedQuicklyByBracketAIsUp() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("^["), at: 0) == [])
        #expect(decoder.feed(bytes("["), at: 0.010) == [])
        #expect(decoder.feed(bytes("A"), at: 0.020) == [.up])
        #expect(decoder.deadline == nil)
    }

    @Test func aByteAfterTheGapFollowsTheEscape() {
        var decoder = KeyDecoder()
        _ = decoder.feed(bytes("^["), at: 0)
        // The patient pressed Esc, then 1 a second later: Esc, then the digit.
        #expect(decoder.feed(bytes("1"), at: 1.0) == [.escape, .character("1")])
    }

    @Test func splitDeliveryAcrossReads() {
        #expect(decode(chunks: [bytes("^["), bytes("[1"), bytes("~")], gap: 0.01) == [.home])
        #expect(decode(chunks: bytes("^[[200;99z").map { [$0] }, gap: 0.01) == [])
        #expect(decode(chunks: bytes("^[[[C").map { [$0] }, gap: 0.02) == [.function(3)])
        #expect(decode(chunks: [[0xD8], [0xB3]], gap: 0.01) == [.character("س")])
    }

    @Test func anIncompleteSequenceAtTheGapIsDropped() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("^[[1"), at: 0) == [])
        #expect(decoder.advance(to: 1) == [])
        // What comes later is read afresh.
        #expect(decoder.feed(bytes("1"), at: 2) == [.character("1")])
        #expect(decode("^[O") == [])
        #expect(decode("^[[") == [])
        #expect(decode([0xD8]) == [])
    }

    @Test func theLateRestOfASplitSequenceIsDropped() {
        var decoder = KeyDecoder()
        _ = decoder.feed(bytes("^["), at: 0)
        #expect(decoder.advance(to: 0.06) == [.escape])
        // The link was slow: "[1~" arrives after the gap. It is not typed: no "1".
        #expect(decoder.feed(bytes("[1~"), at: 0.1) == [])
        #expect(decoder.feed(bytes("2"), at: 0.2) == [.character("2")])
        // Long after an Esc, "[" is a character again.
        _ = decoder.feed(bytes("^["), at: 1)
        #expect(decoder.advance(to: 1.06) == [.escape])
        #expect(decoder.feed(bytes("[1"), at: 2) == [.character("["), .character("1")])
    }

    // MARK: Characters and controls

    @Test func utf8ArabicIsOneCharacterEach() {
        #expect(decode("سلام") == "سلام".map { Key.character($0) })
        #expect(decode("é日😀") == [.character("é"), .character("日"), .character("😀")])
    }

    @Test func invalidUTF8IsDropped() {
        #expect(decode([0xFF, 0x61]) == [.character("a")])
        #expect(decode([0x80, 0x61]) == [.character("a")])                 // a stray continuation byte
        #expect(decode([0xC3, 0x61]) == [.character("a")])                 // a lead without its continuation
        #expect(decode([0xC0, 0xAF]) == [])                                // overlong "/"
        #expect(decode([0xE0, 0x80, 0xAF]) == [])                          // overlong
        #expect(decode([0xED, 0xA0, 0x80]) == [])                          // a surrogate
        #expect(decode([0xF4, 0x90, 0x80, 0x80]) == [])                    // above U+10FFFF
    }

    @Test func controlKeys() {
        #expect(decode("\r") == [.enter])
        #expect(decode("\n") == [.enter])
        #expect(decode("\t") == [.tab])
        #expect(decode([0x7F]) == [.backspace])
        #expect(decode([0x08]) == [.backspace])
        #expect(decode([0x03]) == [.control("c")])
        #expect(decode([0x1A]) == [.control("z")])
        #expect(decode([0x1C]) == [.control("\\")])
        #expect(decode([0x18, 0x11]) == [.control("x"), .control("q")])
        #expect(decode([0x00]) == [.control("@")])
    }

    // MARK: Bracketed paste

    @Test func aPasteWithEscAndDigitsIsOnePaste() {
        #expect(decode("^[[200~Ann^[[1~ 12\r^[1^[[201~") == [.paste("Ann\u{1B}[1~ 12\r\u{1B}1")])
    }

    @Test func aPasteSplitAcrossReadsAndItsEndMarker() {
        let input = bytes("x^[[200~Lay^[[20la ٣^[[201~")
        // Every split point, with the halves a few milliseconds apart; a key typed after the paste comes
        // in a read of its own (what arrives in the same read as the end marker came with the paste).
        for cut in 1..<input.count {
            let keys = decode(chunks: [Array(input[..<cut]), Array(input[cut...]), bytes("y")], gap: 0.005)
            #expect(keys == [.character("x"), .paste("Lay\u{1B}[20la ٣"), .character("y")], "cut at \(cut)")
        }
    }

    @Test func aPasteIsCappedAndTheRestReadToTheEnd() {
        let long = String(repeating: "a", count: KeyDecoder.pasteLimit) + String(repeating: "1", count: 3000)
        let keys = decode(chunks: [bytes("^[[200~" + long + "^[[201~"), bytes("2")], gap: 0.005)
        #expect(keys == [.paste(String(repeating: "a", count: KeyDecoder.pasteLimit)), .character("2")])
    }

    @Test func aPasteDropsInvalidUTF8() {
        #expect(decode(bytes("^[[200~a") + [0xFF, 0xC3] + bytes("b^[[201~")) == [.paste("ab")])
    }

    @Test func anEmptyPasteGivesNothing() {
        #expect(decode("^[[200~^[[201~") == [])
    }

    @Test func aPasteWithoutItsEndEndsAfterAQuietWhile() {
        var decoder = KeyDecoder()
        #expect(decoder.feed(bytes("^[[200~12"), at: 0) == [])
        #expect(decoder.isInPaste)
        #expect(decoder.deadline == KeyDecoder.pasteQuiet)
        #expect(decoder.advance(to: 1) == [])
        #expect(decoder.feed(bytes("3^["), at: 1) == [])
        #expect(decoder.advance(to: 1 + KeyDecoder.pasteQuiet) == [.paste("123\u{1B}")])
        #expect(decoder.feed(bytes("4"), at: 4) == [.character("4")])
    }

    @Test func aPasteAfterAltIsStillAPaste() {
        #expect(decode("^[^[[200~1^[[201~") == [.paste("1")])
    }

    // MARK: Noise

    @Test func randomBytesDecodeTheSameWhateverTheReadsAreAndGiveOnlyPlainKeys() {
        let seed: UInt64 = 0x1D_2026
        var rng = SplitMix64(seed: seed)
        for round in 0..<2000 {
            let count = Int(rng.next() % 48) + 1
            let input = (0..<count).map { _ in rng.nextByte() }
            let whole = decode(input)
            // The same bytes in random reads, all within the gap, decode the same.
            var chunks: [[UInt8]] = []
            var rest = input[...]
            while !rest.isEmpty {
                let n = Int(rng.next() % 5) + 1
                chunks.append(Array(rest.prefix(n)))
                rest = rest.dropFirst(n)
            }
            let split = decode(chunks: chunks, gap: 0.001)
            #expect(whole == split, "seed \(seed) round \(round): \(input)")
            for key in whole {
                switch key {
                case .character(let c):
                    #expect(!c.unicodeScalars.contains { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) },
                            "seed \(seed) round \(round): \(input)")
                case .function(let n):
                    #expect((1...20).contains(n))
                default: break
                }
            }
        }
    }

    // MARK: The in-memory backend

    @Test func memoryBackendDecodesRawBytes() {
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        backend.feed(bytes: bytes("^[[1~^[1"))
        backend.feed(bytes: bytes("^["))
        #expect(backend.hasPendingInput)
        #expect(backend.nextKey(timeout: nil) == .home)
        // Nothing more came: the gap passes and the Esc is an Esc.
        #expect(backend.nextKey(timeout: nil) == .escape)
        #expect(!backend.hasPendingInput)
        #expect(backend.nextKey(timeout: nil) == nil)
        #expect(backend.timeoutsServed == 1)
    }

    @Test func memoryBackendSplitsReadsInTime() {
        let backend = MemoryBackend(size: Size(rows: 24, columns: 80))
        backend.feed(bytes: bytes("^["))
        backend.feed(bytes: bytes("[A"), after: 0.01)
        #expect(backend.nextKey(timeout: nil) == .up)
        backend.feed(bytes: bytes("^["))
        backend.feed(bytes: bytes("1"), after: 1)
        #expect(backend.pendingKeys == [.escape, .character("1")])
    }
}

/// The fuzz draws bytes from the shared seeded generator, so a failing round can be replayed from its seed.
extension SplitMix64 {
    /// A byte, weighted towards the ones escape sequences are made of.
    mutating func nextByte() -> UInt8 {
        let pick = next() % 8
        switch pick {
        case 0, 1: return 0x1B
        case 2: return [0x5B, 0x4F, 0x3B, 0x7E, 0x31, 0x32, 0x30][Int(next() % 7)]
        default: return UInt8(truncatingIfNeeded: next())
        }
    }
}

/// Control strings (a terminal's replies to queries have this shape) are consumed whole, and an end-of-paste
/// marker smuggled into pasted text cannot turn the rest into keys (found by an attack on the kiosk).
struct ControlStringTests {
    func keys(_ chunks: [[UInt8]]) -> [Key] {
        var decoder = KeyDecoder()
        var out: [Key] = []
        var now = 0.0
        for chunk in chunks { out += decoder.feed(chunk, at: now); now += 1 }
        out += decoder.advance(to: now + 10)
        return out
    }

    @Test(arguments: [
        [0x1B, 0x5D, 0x31, 0x3B, 0x32, 0x07],             // OSC 1;2 BEL
        [0x1B, 0x5D, 0x31, 0x3B, 0x32, 0x1B, 0x5C],       // OSC 1;2 ESC \
        [0x1B, 0x50, 0x31, 0x1B, 0x5C],                   // DCS 1 ST
        [0x1B, 0x5F, 0x33, 0x1B, 0x5C],                   // APC 3 ST
        [0x1B, 0x5E, 0x32, 0x1B, 0x5C],                   // PM 2 ST
        [0x1B, 0x58, 0x32, 0x1B, 0x5C],                   // SOS 2 ST
        [0xC2, 0x9D, 0x32, 0xC2, 0x9C],                   // OSC 2 ST as UTF-8 C1
        [0x9D, 0x32, 0x9C],                               // 8-bit OSC 2 ST
        [0x90, 0x31, 0x32, 0x9C],                         // 8-bit DCS 12 ST
    ] as [[UInt8]])
    func aControlStringIsDroppedWhole(_ bytes: [UInt8]) {
        #expect(keys([bytes]).isEmpty)
        // And the next key is read normally.
        #expect(keys([bytes + [0x34]]) == [.character("4")])
    }

    @Test func aControlStringSplitAcrossReadsIsStillDropped() {
        #expect(keys([[0x1B, 0x5D, 0x31], [0x3B, 0x32], [0x07, 0x35]]) == [.character("5")])
    }

    @Test func anEndMarkerInsidePastedTextEndsThePasteAndDropsTheRest() {
        // ESC[200~ x ESC[201~ 3  … as one read: the "3" came with the paste, not from a key.
        let smuggled: [UInt8] = [0x1B, 0x5B, 0x32, 0x30, 0x30, 0x7E, 0x78, 0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E, 0x33,
                                 0x1B, 0x5B, 0x32, 0x30, 0x31, 0x7E]
        #expect(keys([smuggled]) == [.paste("x")])
        // A key typed afterwards, in a read of its own, counts.
        #expect(keys([Array(smuggled.prefix(13)), [0x33]]) == [.paste("x"), .character("3")])
    }
}
