import Foundation
import Testing
import IntakeModel
import Kiosk
import TerminalUI
import TestSupport

/// Raw terminal bytes through the real decoder into the kiosk: keys the decoder does not know,
/// Alt keys and pastes never change an answer (issue 8, "What was seen" 3).
@Suite struct DecoderKioskTests {
    static let questionnaire = Harness.questionnaire

    /// The bytes of a string as a terminal sends them; `^[` stands for ESC.
    static func raw(_ s: String) -> [UInt8] {
        Array(s.replacingOccurrences(of: "^[", with: "\u{1B}").utf8)
    }

    /// Keys from the welcome screen to the first question of the conditions group (active acne).
    static let upToAcne: [Key] = {
        var keys: [Key] = [.enter]
        func text(_ s: String) { keys += s.map { .character($0) } + [.enter] }
        func pick(_ n: Int) { keys += [.character(Character(String(n))), .enter] }
        text("Layla Haddad"); text("1990-04-12"); text("+962 79 555 0142")
        keys += [.character("1"), .enter]                            // procedures: microneedling
        pick(1)                                                      // treatment area: face
        keys += [.character("2"), .enter]                            // goals: large pores
        pick(2); pick(4)                                             // skin type II, oily
        return keys
    }()

    func question(_ h: Harness) -> String? {
        if case .question(let linkId) = h.app.state.screen { return linkId }
        return nil
    }

    // MARK: The cases that were seen

    @Test func homeAsCSI1TildeOnAQuestionNeitherGoesBackNorAnswers() throws {
        let h = try Harness()
        h.type(Self.upToAcne + [.character("2"), .enter])           // active acne: no
        let here = try #require(question(h))
        #expect(here != "acne-active")
        let before = h.app.state.answers
        h.send(Self.raw("^[[1~"))
        #expect(question(h) == here)
        #expect(h.app.state.answers == before)
        #expect(h.app.state.answers["acne-active"] == [.boolean(false)])
        #expect(try h.storedDraft() == before.values)
    }

    @Test func endAsCSI4TildeOnTheCheckPageChangesNothing() throws {
        let h = try Harness()
        h.type(Array(Harness.wholeIntake.dropLast(4)))
        guard case .review = h.app.state.screen else {
            Issue.record("not on the check page: \(h.app.state.screen)")
            return
        }
        let before = h.app.state.answers
        h.send(Self.raw("^[[4~"))
        guard case .review(let cursor) = h.app.state.screen else {
            Issue.record("left the check page: \(h.app.state.screen)")
            return
        }
        #expect(cursor == h.app.state.reviewEntries.count)          // End: on Continue
        #expect(h.app.state.answers == before)
        #expect(try h.storedDraft() == before.values)
    }

    @Test func alt1ChangesNothing() throws {
        let h = try Harness()
        h.type(Self.upToAcne)
        #expect(question(h) == "acne-active")
        let before = h.app.state.answers
        h.send(Self.raw("^[1"))
        #expect(question(h) == "acne-active")
        #expect(h.app.state.answers == before)
        #expect(h.app.state.answers["skin-oiliness"] == [.coding("oily")])
        #expect(!h.app.state.answers.isAnswered("acne-active"))
        #expect(try h.storedDraft() == before.values)
    }

    @Test func aLoneEscStillGoesBack() throws {
        let h = try Harness()
        h.type(Self.upToAcne)
        let before = h.app.state.answers
        h.send(Self.raw("^["))
        #expect(question(h) == "skin-oiliness")
        #expect(h.app.state.answers == before)
    }

    @Test func aPasteWithAnEscIntoTheNameFieldStoresTheCleanedTextAndTypesNothingElsewhere() throws {
        let h = try Harness()
        h.type([.enter])
        #expect(question(h) == "patient-name")
        h.send(Self.raw("^[[200~Ann ^[[1~Marie^[2 Haddad\r\n^[[201~"))
        #expect(question(h) == "patient-name")                     // the paste did not move on
        #expect(h.screen.contains("Ann Marie Haddad"))
        h.type([.enter])
        #expect(question(h) == "patient-dob")
        #expect(h.app.state.answers["patient-name"] == [.string("Ann Marie Haddad")])
        #expect(h.app.state.answers.values.keys.sorted() == ["patient-name"])
        #expect(!h.screen.contains("Marie"))                         // nothing typed into the date field
        #expect(try h.storedDraft() == ["patient-name": [.string("Ann Marie Haddad")]])
    }

    @Test func aPasteOnAChoiceQuestionIsIgnored() throws {
        let h = try Harness()
        h.type(Self.upToAcne)
        let before = h.app.state.answers
        h.send(Self.raw("^[[200~1^[[201~"))
        h.send(Self.raw("^[[200~2\r^[1^[[201~"))
        #expect(question(h) == "acne-active")
        #expect(h.app.state.answers == before)
        h.type([.enter])                                             // nothing picked: still asks
        #expect(question(h) == "acne-active")
        #expect(h.app.state.answers == before)
    }

    // MARK: Fuzz

    /// A kiosk state on a choice question (active acne), with everything before it answered.
    static func stateOnAChoiceQuestion() throws -> KioskState {
        var state = KioskState(questionnaire: questionnaire, staffPINIsSet: true, today: Harness.visit, now: 0)
        func date(_ s: String) -> AnswerValue { .date(PartialDate(s)!) }
        state.resume(answers: Answers([
            "patient-name": [.string("Layla Haddad")], "patient-dob": [date("1990-04-12")],
            "patient-phone": [.string("+962 79 555 0142")], "procedures": [.coding("microneedling")],
            "treatment-area": [.coding("face")], "goals": [.coding("large-pores")],
            "skin-type": [.coding("II")], "skin-oiliness": [.coding("oily")],
        ]), language: .en)
        try #require(isOnAChoiceQuestion(state))
        return state
    }

    static func isOnAChoiceQuestion(_ state: KioskState) -> Bool {
        guard case .question(let linkId) = state.screen, let item = questionnaire.item(linkId) else { return false }
        return item.type == .choice || item.type == .boolean
    }

    /// Keys that can change what a choice question stores: a number, Space, moving the mark, confirming.
    static func isPick(_ key: Key) -> Bool {
        switch key {
        case .character(let c): return c.isNumber || c == " "
        case .up, .down, .home, .end, .pageUp, .pageDown, .enter, .tab: return true
        default: return false
        }
    }

    /// Feeds keys to a copy of `base` while it stays on a choice question; returns a failure message
    /// if a stored answer changed before any pick key.
    static func drive(_ base: KioskState, _ keys: [Key], now: Double) -> String? {
        var state = base
        var picked = false
        for (i, key) in keys.enumerated() {
            guard isOnAChoiceQuestion(state) else { return nil }
            picked = picked || isPick(key)
            _ = state.handle(key, now: now + Double(i) * 0.3)
            if !picked, state.answers != base.answers {
                return "answers changed after \(keys[...i]) with no pick key"
            }
        }
        return nil
    }

    @Test func randomBytesChangeNoAnswerUnlessAPickKeyWasDecoded() throws {
        let seed: UInt64 = 0x8_2026_1124
        var rng = FuzzRandom(seed: seed)
        let base = try Self.stateOnAChoiceQuestion()
        var failures: [String] = []
        var withoutPick = 0
        for round in 0..<3000 {
            var decoder = KeyDecoder()
            var time = 0.0
            var keys: [Key] = []
            for _ in 0..<Int(rng.next() % 6 + 1) {
                let chunk = (0..<Int(rng.next() % 12 + 1)).map { _ in rng.byte() }
                keys += decoder.feed(chunk, at: time)
                // Mostly within the Esc gap, sometimes past it.
                time += rng.next() % 4 == 0 ? 0.08 : 0.005
            }
            keys += decoder.advance(to: time + 10)
            if !keys.contains(where: Self.isPick) { withoutPick += 1 }
            if let failure = Self.drive(base, keys, now: 1) {
                failures.append("seed \(seed) round \(round): \(failure)")
            }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(withoutPick > 500, "seed \(seed): too few rounds without a pick key to mean anything")
    }

    /// Sequences a patient or a terminal really sends, in random order, split across reads: each
    /// decodes to exactly its key (or to nothing), and only pick keys change answers.
    @Test func realSequencesDecodeExactlyAndOnlyPicksChangeAnswers() throws {
        let seed: UInt64 = 0x8_0003
        var rng = FuzzRandom(seed: seed)
        let base = try Self.stateOnAChoiceQuestion()
        var failures: [String] = []
        var withoutPick = 0
        for round in 0..<3000 {
            var decoder = KeyDecoder()
            var time = 0.0
            var expected: [Key] = []
            var decoded: [Key] = []
            var sent: [String] = []
            for _ in 0..<Int(rng.next() % 8 + 1) {
                let atom = rng.atom()
                sent.append(String(decoding: atom.bytes, as: UTF8.self).replacingOccurrences(of: "\u{1B}", with: "^["))
                expected += atom.keys
                // Split the atom across up to three reads, a few milliseconds apart.
                var rest = atom.bytes[...]
                while !rest.isEmpty {
                    let n = rest.count == 1 ? 1 : Int(rng.next() % UInt64(rest.count)) + 1
                    decoded += decoder.feed(Array(rest.prefix(n)), at: time)
                    rest = rest.dropFirst(n)
                    time += Double(rng.next() % 10) / 1000
                }
                // A lone Esc is followed by quiet; anything else by the next key soon or later.
                time += atom.keys == [.escape] ? 0.6 : Double(rng.next() % 40) / 1000
            }
            decoded += decoder.advance(to: time + 10)
            if decoded != expected {
                failures.append("seed \(seed) round \(round): sent \(sent), decoded \(decoded), expected \(expected)")
            } else if let failure = Self.drive(base, decoded, now: 1) {
                failures.append("seed \(seed) round \(round): sent \(sent): \(failure)")
            }
            if !expected.contains(where: Self.isPick) { withoutPick += 1 }
            if failures.count >= 3 { break }
        }
        #expect(failures.isEmpty, "\(failures.joined(separator: "\n"))")
        #expect(withoutPick > 500, "seed \(seed): too few rounds without a pick key to mean anything")
    }
}

extension Harness {
    /// Raw bytes from the terminal: every key they make is handled (a lone Esc after its quiet gap),
    /// then the screen is drawn.
    func send(_ bytes: [UInt8], after seconds: Double = 0) {
        backend.feed(bytes: bytes, after: seconds)
        while backend.hasPendingInput && !app.finished { app.step() }
        if !app.finished { app.step() }
    }

    /// The open draft's answers as stored in the database, read back.
    func storedDraft() throws -> [String: [AnswerValue]] {
        guard let draft = try store.openDrafts().first else { return [:] }
        var answers: [String: [AnswerValue]] = [:]
        for (linkId, json) in try store.answers(draftID: draft.id) {
            let objects = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]] ?? []
            let values = objects.compactMap { object -> AnswerValue? in
                if let b = object["valueBoolean"] as? Bool { return .boolean(b) }
                if let s = object["valueString"] as? String { return .string(s) }
                if let d = object["valueDate"] as? String { return PartialDate(d).map { .date($0) } }
                if let c = (object["valueCoding"] as? [String: Any])?["code"] as? String { return .coding(c) }
                return nil
            }
            if !values.isEmpty { answers[linkId] = values }
        }
        return answers
    }
}

/// Seeded, so a failing round replays from the seed it prints: the same generator as the model-based test.
struct FuzzRandom {
    var generator: SplitMix64
    init(seed: UInt64) { generator = SplitMix64(state: seed) }

    mutating func next() -> UInt64 { generator.next() }

    mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }

    /// A byte, weighted towards the ones escape sequences are made of.
    mutating func byte() -> UInt8 {
        switch next() % 8 {
        case 0, 1: return 0x1B
        case 2, 3: return pick(Array("[O;~0123456789ABCDHFPZ".utf8))
        default: return UInt8(truncatingIfNeeded: next())
        }
    }

    struct Atom {
        var bytes: [UInt8]
        var keys: [Key]
    }

    static func esc(_ s: String) -> [UInt8] { Array(s.replacingOccurrences(of: "^[", with: "\u{1B}").utf8) }

    static let known: [(String, Key)] = [
        ("^[[A", .up), ("^[[B", .down), ("^[[C", .right), ("^[[D", .left), ("^[OA", .up), ("^[OB", .down),
        ("^[[H", .home), ("^[[F", .end), ("^[[1~", .home), ("^[[4~", .end), ("^[[7~", .home), ("^[[8~", .end),
        ("^[OH", .home), ("^[OF", .end), ("^[[5~", .pageUp), ("^[[6~", .pageDown), ("^[[3~", .delete),
        ("^[[2~", .insert), ("^[OP", .function(1)), ("^[OQ", .function(2)), ("^[[12~", .function(2)),
        ("^[[[B", .function(2)), ("^[[11~", .function(1)), ("^[[24~", .function(12)), ("^[[Z", .backTab),
        ("^[[1;1B", .down),
    ]
    static let dropped = [
        "^[[1;5A", "^[[1;2B", "^[[1;3H", "^[[3;5~", "^[[15;2~", "^[[1;5D", "^[O5A", "^[OE", "^[Oa",
        "^[[?1;2c", "^[[<0;10;5M", "^[[27;5;49~", "^[[201~", "^[[E",
    ]
    static let pasteTokens = ["Ann ", "\u{1B}", "[1~", "٣", "12", "\r\n", "\u{1B}[A", "\u{1B}[201", "x", " 5"]

    /// One thing a patient or terminal sends, with the keys it must decode to.
    mutating func atom() -> Atom {
        switch next() % 20 {
        case 0...3:
            let (s, key) = pick(Self.known)
            return Atom(bytes: Self.esc(s), keys: [key])
        case 4...6:
            return Atom(bytes: Self.esc(pick(Self.dropped)), keys: [])
        case 7, 8:
            // An unknown CSI: parameters, maybe an intermediate, a final byte no key uses.
            var s = "^[["
            for _ in 0..<Int(next() % 7) { s.append(pick(Array("0123456789;"))) }
            if next() % 4 == 0 { s.append(pick(Array(" !$'"))) }
            s.append(pick(Array("abcdeghijklnopqrstuvwxyz@`{|}")))
            return Atom(bytes: Self.esc(s), keys: [])
        case 9, 10:
            // Alt plus a digit, letter, control or Arabic letter.
            let follower: [UInt8] = pick([Array("1".utf8), Array("5".utf8), Array("a".utf8), [0x0D], [0x7F], [0x09],
                                          Array("س".utf8), Array(" ".utf8), Array("~".utf8)])
            return Atom(bytes: [0x1B] + follower, keys: [])
        case 11:
            return Atom(bytes: [0x1B], keys: [.escape])
        case 12, 13:
            var text = ""
            for _ in 0..<Int(next() % 5 + 1) { text += pick(Self.pasteTokens) }
            return Atom(bytes: Self.esc("^[[200~") + Array(text.utf8) + Self.esc("^[[201~"), keys: [.paste(text)])
        case 14:
            let c = pick(Array("1234"))
            return Atom(bytes: Array(String(c).utf8), keys: [.character(c)])
        case 15:
            let (b, key): (UInt8, Key) = pick([(0x20, .character(" ")), (0x0D, .enter), (0x09, .tab)])
            return Atom(bytes: [b], keys: [key])
        case 16:
            let c = pick(Array("ax[~س"))
            return Atom(bytes: Array(String(c).utf8), keys: [.character(c)])
        case 17:
            let (b, key): (UInt8, Key) = pick([(0x7F, .backspace), (0x03, .control("c")), (0x1A, .control("z"))])
            return Atom(bytes: [b], keys: [key])
        default:
            return Atom(bytes: Self.esc("^[[200~") + Array("Ann".utf8) + Self.esc("^[[201~"), keys: [.paste("Ann")])
        }
    }
}
